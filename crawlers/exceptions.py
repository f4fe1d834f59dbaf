"""What can go wrong while collecting.

    CollectorError
    ├── SourceNotUsable      a source cannot run as configured (disabled, missing credentials); says the fix
    ├── MalformedResponse    a response could not be parsed (truncated, not JSON, broken XML); names the URL
    └── CrawlProcessFailed   the crawler process ended abnormally; carries its exit code
"""
from __future__ import annotations


class CollectorError(Exception):
    """Base of the collectors' errors."""


class SourceNotUsable(CollectorError):
    def __init__(self, source: str, reason: str) -> None:
        super().__init__(f"source {source!r}: {reason}")
        self.source = source


class MalformedResponse(CollectorError):
    def __init__(self, url: str, reason: str) -> None:
        super().__init__(f"{url}: unusable response ({reason}); nothing from it was stored")
        self.url = url


class CrawlProcessFailed(CollectorError):
    def __init__(self, returncode: int, detail: str = "") -> None:
        super().__init__(f"the crawler process exited with code {returncode}" + (f": {detail}" if detail else ""))
        self.returncode = returncode
