"""Settings for the test suite: the real settings, with fast password hashing."""

from jointly.settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

# Jobs run eagerly, in the test's own process and transaction (tests/jobs start real workers).
CELERY_TASK_ALWAYS_EAGER = True
