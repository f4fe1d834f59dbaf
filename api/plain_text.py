"""Text from posts and reviewers, made safe where it leaves the service: feeds, e-mails and webhooks.

Posts may carry NUL and other C0 control characters (and lone surrogates from JSON): one of them makes a whole
Atom feed invalid XML, and a CR or LF in a subject header would start a new header. `clean_text` keeps tab and
newline (a carriage return becomes a newline) and drops the rest; `clean_line` is for one-line values (subjects,
titles, labels): every control character and run of white space becomes one space.
"""
from __future__ import annotations

import re
from typing import Any

# C0 controls but tab and newline, DEL, lone surrogates and the two non-characters XML 1.0 forbids.
_UNSAFE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff\ufffe\uffff]")
_CONTROL_OR_SPACE = re.compile(r"[\x00-\x1f\x7f\s]+")


def clean_text(value: str) -> str:
    return _UNSAFE.sub("", value.replace("\r\n", "\n").replace("\r", "\n"))


def clean_line(value: str) -> str:
    return _CONTROL_OR_SPACE.sub(" ", _UNSAFE.sub(" ", value)).strip()


def clean_data(value: Any) -> Any:
    """Every string in a JSON-like value (dicts, lists) cleaned with clean_text; other values as they are."""
    if isinstance(value, str):
        return clean_text(value)
    if isinstance(value, dict):
        return {clean_data(k): clean_data(v) for k, v in value.items()}
    if isinstance(value, list):
        return [clean_data(v) for v in value]
    return value
