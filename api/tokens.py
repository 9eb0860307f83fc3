"""Bearer tokens: issued once, stored as an HMAC-SHA256 under the token key, checked per request.

A token is ``gc_`` and 43 random URL-safe characters (`secrets.token_urlsafe(32)`).
The store keeps only its HMAC under `GRIDCARE_TOKEN_KEY` (in development, a key
generated under ``$GRIDCARE_HOME/secrets``), and a token is found by that hash:
no comparison of secrets happens in Python, so look-ups are constant-time by
construction. Roles and scopes are checked here, before anything is stored.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from analysis.domain import Role, kind_of_role
from api.secrets import secret_file
from api.settings import Settings
from graph import ids
from graph.errors import Invalid
from graph.store import Store
from graph.tokens import TokenRecord, create_token, find_token
from schema.policy import Principal

PREFIX = "gc_"
MIN_KEY_LENGTH = 32
_SCOPE = re.compile(r"^(grid|building):([0-9A-Za-z]+)$|^(unit):([0-9A-Za-z]+-[0-9A-Za-z]+)$")
_RELATIVE = re.compile(r"^(\d+)([dh])$")


class Unauthorized(Exception):
    """The request's token is missing, unknown, expired or revoked; the message says which."""


@dataclass(frozen=True)
class TokenRequest:
    """What `gridcare token issue` asks for, before it is checked."""

    role: str
    community: str | None = None
    scope: str | None = None
    resident: str | None = None
    expires_at: datetime | None = None
    label: str | None = None


def token_key(settings: Settings) -> bytes:
    """The HMAC key: configured, or (development only) generated once under home/secrets."""
    if settings.token_key is not None:
        return settings.token_key.get_secret_value().encode()
    if settings.mode == "production":
        raise Invalid(
            "GRIDCARE_TOKEN_KEY",
            f"must be set explicitly in production mode (at least {MIN_KEY_LENGTH} random characters)",
        )
    return secret_file(settings.home / "secrets" / "token-key").encode()


def check_settings(settings: Settings) -> None:
    """Refuse to serve with a default secret or without authentication in production."""
    if settings.mode != "production":
        return
    if len(token_key(settings)) < MIN_KEY_LENGTH:
        raise Invalid("GRIDCARE_TOKEN_KEY", f"is shorter than {MIN_KEY_LENGTH} characters")
    if settings.auth != "required":
        raise Invalid("GRIDCARE_AUTH", "may be `off` only in development mode")


def hash_token(key: bytes, token: str) -> str:
    return hmac.new(key, token.encode(), hashlib.sha256).hexdigest()


def parse_expiry(text: str, now: datetime) -> datetime | None:
    """``30d``, ``12h``, ``2027-01-01`` (the start of that day, UTC) or ``never``; never in the past."""
    if text == "never":
        return None
    if m := _RELATIVE.match(text):
        count, unit = int(m[1]), m[2]
        expires = now + (timedelta(days=count) if unit == "d" else timedelta(hours=count))
    else:
        try:
            expires = datetime.combine(date.fromisoformat(text), time(), tzinfo=UTC)
        except ValueError:
            raise Invalid("expires", f"{text!r} is not 30d, 12h, YYYY-MM-DD or never") from None
    if expires <= now:
        raise Invalid("expires", f"{text!r} is not in the future")
    return expires


def check_request(req: TokenRequest) -> None:
    """Every role gets exactly the community, scope and resident it needs."""
    if req.role not in Role.__members__.values():
        raise Invalid("role", f"{req.role!r} is not one of {', '.join(Role)}")
    if req.role == Role.ADMIN:
        if req.community or req.scope or req.resident:
            raise Invalid("role", "admin covers every community: give no --community, --scope or --resident")
        return
    if not req.community:
        raise Invalid("community", f"role {req.role} needs --community")
    _check_scope(req)
    if req.role == Role.VOLUNTEER and not req.resident:
        raise Invalid("resident", "role volunteer needs --resident (the volunteer's resident id)")


def _check_scope(req: TokenRequest) -> None:
    kind = kind_of_role(req.role) if Role(req.role).is_leader else None
    if kind is None:
        if req.scope:
            raise Invalid("scope", f"role {req.role} takes no --scope")
        return
    example = {"grid": "grid:3", "building": "building:5", "unit": "unit:5-2"}[kind]
    m = _SCOPE.match(req.scope or "")
    if not m or (m[1] or m[3]) != kind:
        raise Invalid("scope", f"role {req.role} needs --scope {kind}:… (e.g. {example}), got {req.scope!r}")


def issue(store: Store, key: bytes, req: TokenRequest) -> tuple[str, TokenRecord]:
    """Check, store and return a new token (shown this once) with its record."""
    check_request(req)
    token = PREFIX + secrets.token_urlsafe(32)
    resident = req.resident
    if resident and req.community and not resident.startswith(f"{req.community}/r/"):
        resident = ids.resident_id(req.community, resident)
    record = TokenRecord(
        id=secrets.token_hex(8),
        role=req.role,
        community=req.community,
        scope=req.scope,
        resident_id=resident,
        label=req.label,
        expires_at=req.expires_at,
    )
    return token, create_token(store, record, hash_token(key, token))


def authenticate(store: Store, key: bytes, token: str, now: datetime | None = None) -> Principal:
    """The caller a token stands for; `Unauthorized` if it is unknown, expired or revoked."""
    record = find_token(store, hash_token(key, token)) if token.startswith(PREFIX) else None
    now = now or datetime.now(UTC)
    if record is None:
        raise Unauthorized("invalid token")
    if record.revoked_at is not None:
        raise Unauthorized("token revoked")
    if record.expires_at is not None and record.expires_at <= now:
        raise Unauthorized("token expired")
    return principal_of(record)


def principal_of(record: TokenRecord) -> Principal:
    kind, _, value = (record.scope or "").partition(":")
    return Principal(
        name=record.label or f"token {record.id}",
        role=Role(record.role),
        community=record.community,
        token_id=record.id,
        scope_kind=kind or None,
        scope_value=value or None,
        resident_id=record.resident_id,
    )
