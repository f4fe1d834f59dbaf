"""Today's redaction as it was before the redaction package (commit daea25a, models/privacy.py), kept as the
yardstick for `python -m bench.redaction`. Not used by the product."""
from __future__ import annotations

import re

import phonenumbers

EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)*\.[a-z]{2,}", re.IGNORECASE | re.UNICODE)
PROFILE_URL = re.compile(
    r"(?:https?://)?(?:www\.|m\.|vm\.)?"
    r"(?:tiktok\.com/@|instagram\.com/|x\.com/|twitter\.com/|facebook\.com/|fb\.com/|snapchat\.com/add/"
    r"|t\.me/|youtube\.com/(?:@|c/|channel/|user/)|bsky\.app/profile/|threads\.net/@?|reddit\.com/u(?:ser)?/"
    r"|[\w-]+(?:\.[\w-]+)+/@)"
    r"[^\s/?#]+[^\s]*",
    re.IGNORECASE,
)
HANDLE = re.compile(r"(?<![\w@])@[\w.]{2,30}(?:@[\w-]+(?:\.[\w-]+)+)?", re.UNICODE)
# Dutch-style numbers the library rejects as not assigned (e.g. invented 06-numbers are still numbers).
PHONE_FALLBACK = re.compile(r"(?<![\w+])(?:(?:\+|00)31[\s-]?|0)(?:\(0\))?\d(?:[\s-]?\d){8}(?![\w-])")

EMAIL_MASK = "[e-mail]"
PHONE_MASK = "[telefoonnummer]"
HANDLE_MASK = "@[gebruiker]"
PROFILE_MASK = "[profiel-link]"


def _mask_phones(text: str) -> str:
    matcher = phonenumbers.PhoneNumberMatcher(text, "NL", leniency=phonenumbers.Leniency.VALID)
    spans = [(m.start, m.end) for m in matcher]
    for start, end in sorted(spans, reverse=True):
        text = text[:start] + PHONE_MASK + text[end:]
    return PHONE_FALLBACK.sub(PHONE_MASK, text)


def redact(text: str) -> str:
    """Mask e-mail addresses, phone numbers, profile URLs and @handles in text shown to anyone."""
    text = PROFILE_URL.sub(PROFILE_MASK, text)
    text = HANDLE.sub(HANDLE_MASK, text)  # before e-mail: a fediverse handle @kim@mastodon.nl looks like one
    text = EMAIL.sub(EMAIL_MASK, text)
    return _mask_phones(text)
