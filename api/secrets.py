"""Secrets kept under ``$GRIDCARE_HOME/secrets`` (files of mode 0600) and keyed hashing."""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import os
import secrets
from collections.abc import Callable
from pathlib import Path

from api.settings import Settings


def write_secret(path: Path, value: str) -> None:
    """Create ``path`` holding ``value``, readable by its owner only (0600); `FileExistsError` if it exists."""
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as f:
        f.write(value + "\n")


def secret_file(path: Path) -> str:
    """Read a secret file, creating it with a random value (mode 0600) if absent."""
    with contextlib.suppress(FileExistsError):
        write_secret(path, secrets.token_urlsafe(32))
    return path.read_text().strip()


def national_id_hasher(settings: Settings) -> Callable[[str], str]:
    """HMAC-SHA256 of a national id under the configured (or generated) key."""
    key = settings.id_hash_key.get_secret_value() if settings.id_hash_key else None
    key = key or secret_file(settings.home / "secrets" / "id-hash-key")
    raw = key.encode()

    def digest(national_id: str) -> str:
        return hmac.new(raw, national_id.strip().upper().encode(), hashlib.sha256).hexdigest()

    return digest
