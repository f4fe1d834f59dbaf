"""Password hashing (argon2 through pwdlib), secret tokens, and the role ladder."""
from __future__ import annotations

import hashlib
import secrets
from functools import cache

from pwdlib import PasswordHash
from pwdlib.hashers.argon2 import Argon2Hasher

from api.auth.exceptions import UnknownRoleError
from api.auth.policy import MIN_PASSWORD_LENGTH, check_password_strength, check_username
from monitor_config.vocabulary import ROLES

__all__ = ["MIN_PASSWORD_LENGTH", "TOKEN_PREFIX", "check_password_strength", "check_role", "check_username",
           "generate_secret", "hash_password", "hash_secret", "role_allows", "verify_password"]

TOKEN_PREFIX = "lw_"

# argon2-cffi's defaults (argon2id, 64 MiB, 3 passes, 4 lanes), above OWASP's baseline of 19 MiB and 2 passes.
# The test suite swaps in a cheaper argon2id for its hundreds of users and checks these parameters on their own.
DEFAULT_HASHER = PasswordHash((Argon2Hasher(),))
_hasher = DEFAULT_HASHER


@cache
def _dummy_hash() -> str:
    """Verified against when the username is unknown, so a wrong name costs as much time as a wrong password."""
    return _hasher.hash(secrets.token_urlsafe(16))


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password: str, password_hash: str | None) -> bool:
    if password_hash is None:
        _hasher.verify(password, _dummy_hash())
        return False
    return _hasher.verify(password, password_hash)


def check_role(role: str) -> str:
    if role not in ROLES:
        raise UnknownRoleError(
            f"Onbekende rol {role!r}; kies uit {', '.join(ROLES)}. / Unknown role {role!r}; fix: use one of "
            f"{', '.join(ROLES)}."
        )
    return role


def role_allows(role: str, required: str) -> bool:
    """Each role can do everything the roles below it can: youth_worker < safety_coordinator < reviewer < admin."""
    return role in ROLES and ROLES.rank(role) >= ROLES.rank(check_role(required))


def generate_secret(prefix: str = "") -> str:
    return prefix + secrets.token_urlsafe(32)


def hash_secret(secret: str) -> str:
    """SHA-256 is enough here: the secrets are 256 random bits, unlike passwords."""
    return hashlib.sha256(secret.encode()).hexdigest()
