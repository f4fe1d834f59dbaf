"""Near-duplicate keys: copypasta, retweets and reposts with another link or handle share one key."""
from __future__ import annotations

import hashlib
import re
import unicodedata

_URL = re.compile(r"https?://\S+|www\.\S+")
_MENTION = re.compile(r"@\w+")
_RETWEET = re.compile(r"^\s*rt\b[:\s]*", re.IGNORECASE)
_WORD = re.compile(r"[^\W_]+", re.UNICODE)


def normalise(text: str) -> list[str]:
    """Lower-cased word tokens without links, handles, a retweet prefix, accents or numbers."""
    text = unicodedata.normalize("NFKD", text)
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).lower()
    text = _RETWEET.sub(" ", _MENTION.sub(" ", _URL.sub(" ", text)))
    return [w for w in _WORD.findall(text) if not w.isdigit()]


def dedup_key(text: str) -> str:
    """The same key for texts that differ only in links, handles, case, accents, punctuation or word order."""
    words = normalise(text)
    body = " ".join(sorted(set(words))) if words else text.strip().lower()
    return hashlib.blake2b(body.encode(), digest_size=8).hexdigest()
