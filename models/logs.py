"""Readable log lines with a level; secrets and author handles are masked before anything is written."""
from __future__ import annotations

import logging
import os
import re
import sys

from models.privacy import HANDLE, HANDLE_MASK

SECRET_PATTERN = re.compile(r"(?i)(password|passwd|token|secret|key|authorization)(\s*[=:]\s*|\"\s*:\s*\")([^\s\",&]+)")
# Secrets that travel in a path or a header value rather than after a name: the feed and unsubscribe links'
# token (/feeds/<token>.atom, /afmelden/<token>), bearer credentials and API tokens (lw_...).
SECRET_IN_TEXT = (
    (re.compile(r"(/feeds/|/afmelden/)[^/\s\"'?#.]+"), r"\1***"),
    (re.compile(r"(?i)\b(bearer\s+)[^\s\",]+"), r"\1***"),
    (re.compile(r"\blw_[A-Za-z0-9_-]{8,}"), "lw_***"),
)


def mask_secrets(message: str) -> str:
    """The message with `password=...`-style values, token paths, bearer credentials and API tokens masked."""
    message = SECRET_PATTERN.sub(lambda m: f"{m.group(1)}{m.group(2)}***", message)
    for pattern, replacement in SECRET_IN_TEXT:
        message = pattern.sub(replacement, message)
    return message


class RedactingFilter(logging.Filter):
    """Masks @handles, secrets (`password=...`, token paths, bearer credentials; see `mask_secrets`) and the
    values of known secret environment variables. On the root handler, so uvicorn's access log (which
    propagates there, `leefwereld serve` leaves logging to the product) goes through it too."""

    def __init__(self, secret_env_names: tuple[str, ...] = ()) -> None:
        super().__init__()
        self.secret_env_names = secret_env_names

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        message = mask_secrets(message)
        message = HANDLE.sub(HANDLE_MASK, message)
        for name in self.secret_env_names:
            value = os.environ.get(name)
            if value and len(value) >= 8:
                message = message.replace(value, "***")
        record.msg, record.args = message, None
        return True


class _StderrHandler(logging.StreamHandler):
    """Writes to whatever sys.stderr is at the moment of logging (it may be swapped, e.g. by test runners)."""

    @property
    def stream(self):  # noqa: ANN201
        return sys.stderr

    @stream.setter
    def stream(self, _value: object) -> None:
        pass


def configure_logging(level: str = "INFO", secret_env_names: tuple[str, ...] = ()) -> None:
    handler = _StderrHandler()
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)-7s %(name)s: %(message)s", "%Y-%m-%d %H:%M:%S"))
    handler.addFilter(RedactingFilter(secret_env_names))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    for noisy in ("httpx", "urllib3", "sentence_transformers", "alembic"):
        logging.getLogger(noisy).setLevel(max(logging.WARNING, logging.getLevelName(level)))
