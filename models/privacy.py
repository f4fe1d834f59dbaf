"""Privacy at ingest and at display: keyed author pseudonyms, and one redaction (models.redaction) for all text.

Many authors are minors. The product keeps no handle, name or profile: an author is an HMAC of the platform
and the handle under a secret key, so the same author stays recognisable for counting distinct authors while
nobody without the key can go back from the pseudonym to the account.
"""
from __future__ import annotations

import hashlib
import hmac
import unicodedata

from models.redaction import (  # noqa: F401 - the one redaction, re-exported for existing callers
    EMAIL_MASK,
    HANDLE,
    HANDLE_MASK,
    NAME_MASK,
    PHONE_MASK,
    PROFILE_MASK,
    redact,
)

PSEUDONYM_LENGTH = 32


def normalise_handle(handle: str) -> str:
    return unicodedata.normalize("NFKC", handle).strip().lstrip("@").casefold()


def pseudonymise(platform: str, handle: str, key: bytes) -> str:
    """A stable, keyed pseudonym for an author: the same platform and handle give the same key."""
    if not key:
        raise ValueError("an empty pseudonymisation key would make pseudonyms reversible by anyone")
    message = f"{platform.casefold()}\x1f{normalise_handle(handle)}".encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()[:PSEUDONYM_LENGTH]


def content_hash(text: str) -> str:
    """Hash of the normalised text: identical texts (whitespace and case aside) share embeddings."""
    normalised = " ".join(unicodedata.normalize("NFKC", text).casefold().split())
    return hashlib.sha256(normalised.encode()).hexdigest()
