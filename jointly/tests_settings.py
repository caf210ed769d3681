"""Settings for the test suite: the real settings, with fast password hashing."""

from jointly.settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
