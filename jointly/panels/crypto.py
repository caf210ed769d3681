"""Encryption at rest of panel cases' identifying details and documents (Fernet, with rotation).

Keys live outside the database: ``JOINTLY_PANEL_KEYS`` (Fernet keys, newest first). Outside
production, with no keys configured, a development key is made in ``var/panel_keys`` on first use
(owner-only file), so ``make run`` and the tests need no configuration. Every token is encrypted
under the first key and decrypted with any of them (:class:`cryptography.fernet.MultiFernet`);
``jointly panels rotate-keys`` re-encrypts every stored token under the first key, after which an
old key can be removed. See docs/adr/0024-panels-protection.md.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core import checks
from django.core.exceptions import ImproperlyConfigured
from django.db import models

_CACHE: dict[tuple[str, ...], MultiFernet] = {}


def development_key_file() -> Path:
    return Path(settings.JOINTLY_PANEL_KEYS_FILE)


def ensure_development_key() -> tuple[Path, bool]:
    """The development key file, and whether it was made now (never in production)."""
    path = development_key_file()
    if path.exists():
        return path, False
    if getattr(settings, "PRODUCTION", False):
        raise ImproperlyConfigured("JOINTLY_PANEL_KEYS must be set in production (see docs/panels.md).")
    path.parent.mkdir(parents=True, exist_ok=True)
    draft = path.with_name(f".panel_keys.{os.getpid()}")
    fd = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="ascii") as out:
        out.write(Fernet.generate_key().decode("ascii") + "\n")
    try:
        os.link(draft, path)
    except FileExistsError:
        pass  # another process made it first: use theirs
    except OSError:
        os.replace(draft, path)
    finally:
        draft.unlink(missing_ok=True)
    return path, True


def configured_keys() -> list[str]:
    """The keys in use, newest first: the setting, else (not in production) the development file."""
    keys = list(getattr(settings, "JOINTLY_PANEL_KEYS", []) or [])
    if keys:
        return keys
    path, _made = ensure_development_key()
    return [k.strip() for k in path.read_text(encoding="ascii").splitlines() if k.strip()]


def fernet() -> MultiFernet:
    keys = tuple(configured_keys())
    if keys not in _CACHE:
        try:
            _CACHE[keys] = MultiFernet([Fernet(k.encode("ascii")) for k in keys])
        except (ValueError, TypeError) as exc:
            raise ImproperlyConfigured(
                "A panel key is not a Fernet key (32 url-safe base64-encoded bytes)."
            ) from exc
    return _CACHE[keys]


def encrypt_text(value: str) -> str:
    return fernet().encrypt(value.encode("utf-8")).decode("ascii")


def decrypt_text(token: str) -> str:
    try:
        return fernet().decrypt(token.encode("ascii")).decode("utf-8")
    except InvalidToken as exc:
        raise ImproperlyConfigured(
            "Panel data cannot be decrypted with the configured keys (was a key removed too early?)."
        ) from exc


def encrypt_bytes(value: bytes) -> bytes:
    return fernet().encrypt(value)


def decrypt_bytes(token: bytes) -> bytes:
    try:
        return fernet().decrypt(bytes(token))
    except InvalidToken as exc:
        raise ImproperlyConfigured("A panel document cannot be decrypted with the configured keys.") from exc


def rotate_text(token: str) -> str:
    return fernet().rotate(token.encode("ascii")).decode("ascii")


def rotate_bytes(token: bytes) -> bytes:
    return fernet().rotate(bytes(token))


class EncryptedTextField(models.TextField):
    """Text stored as a Fernet token; read back as text. Empty stays empty (nothing to hide).

    Never filter or order on it (the database holds only ciphertext).
    """

    def get_prep_value(self, value: Any) -> Any:
        value = super().get_prep_value(value)
        if value in (None, ""):
            return value
        return encrypt_text(str(value))

    def from_db_value(self, value: Any, expression: Any, connection: Any) -> Any:
        if value in (None, ""):
            return value
        return decrypt_text(value)


@checks.register(checks.Tags.security, deploy=True)
def panel_keys_check(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    """``check --deploy``: production needs its panel keys from the environment."""
    if getattr(settings, "PRODUCTION", False) and not getattr(settings, "JOINTLY_PANEL_KEYS", []):
        return [
            checks.Error(
                "JOINTLY_PANEL_KEYS is not set: panel identifiers cannot be encrypted.",
                hint="Generate a key with `jointly panels new-key` and set JOINTLY_PANEL_KEYS.",
                id="jointly.panels.E001",
            )
        ]
    return []
