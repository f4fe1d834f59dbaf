"""Every sentence users read, in Dutch (the default) and English: `nl.py` and `en.py`, one catalogue each.

The one owner of the product's sentences: the web pages, why a trend was flagged (`why.*`) and its summary
sentence (`summary.*`, both put together by `api.explain`), the weekly digest (`digest.*`), alert e-mails
(`alert.*`), trend links (`lineage.*`), durations (`duration.*`) and charts (`chart.*`). Codes (statuses, roles,
channels, platforms) keep their words in `monitor_config.vocabulary`.

A small dictionary catalogue rather than gettext .po files: two languages, strings read side by side in review,
no compile step. One lookup, `translate`, with one fallback rule: an unknown language reads Dutch, a key missing
in English reads Dutch, and a key in neither catalogue raises `MissingText`. Tests
(tests/test_ui_pages.py, tests/test_i18n_catalogue.py) fail when a key is in one language only, when a template
asks for a key neither has, and when a module outside this package keeps its own Dutch and English texts.

Templates call `_('key', name=...)`; the language comes from the template's `lang`.
"""
from __future__ import annotations

from typing import Any

from fastapi import Request
from jinja2 import pass_context
from jinja2.runtime import Context

from api.i18n.en import MESSAGES as ENGLISH
from api.i18n.nl import MESSAGES as DUTCH
from monitor_config.vocabulary import LANGUAGES

CATALOGUES: dict[str, dict[str, str]] = {"nl": DUTCH, "en": ENGLISH}
DEFAULT_LANGUAGE = "nl"


class MissingText(KeyError):
    """A key that neither catalogue holds: a typo or a sentence never written (a bug, never the reader's)."""

    def __init__(self, key: str, lang: str) -> None:
        super().__init__(f"no sentence for key {key!r} (asked in {lang!r}): add it to api/i18n/nl.py and en.py")
        self.key, self.lang = key, lang


def translate(lang: str, key: str, **values: Any) -> str:
    """The sentence for `key` in `lang`, with `values` filled in: Dutch when the language is unknown or the key is
    missing in it; `MissingText` when neither catalogue has the key. With `count=1` the key's singular
    (`key.one`) is used when there is one."""
    catalogue = CATALOGUES.get(lang, DUTCH)
    if values.get("count") == 1 and (f"{key}.one" in catalogue or f"{key}.one" in DUTCH):
        key = f"{key}.one"
    text = catalogue.get(key)
    if text is None:
        text = DUTCH.get(key)
    if text is None:
        raise MissingText(key, lang)
    return text.format(**values) if values else text


def has_text(key: str) -> bool:
    """Whether the catalogue holds `key` (for words made from a code that may have none)."""
    return key in DUTCH or key in ENGLISH


def choose_language(request: Request, user: Any = None) -> str:
    """`?lang=` on the address, else the user's setting, else the browser session's choice, else the browser's
    Accept-Language, else Dutch."""
    asked = request.query_params.get("lang")
    if asked in LANGUAGES:
        return str(asked)
    if user is not None and getattr(user, "language", None) in LANGUAGES:
        return str(user.language)
    if "session" in request.scope and request.session.get("lang") in LANGUAGES:
        return str(request.session["lang"])
    for part in request.headers.get("accept-language", "").split(","):
        code = part.split(";")[0].strip().lower()[:2]
        if code in LANGUAGES:
            return code
    return DEFAULT_LANGUAGE


@pass_context
def _translate_in_context(context: Context, key: str, **values: Any) -> str:
    return translate(str(context.get("lang") or DEFAULT_LANGUAGE), key, **values)


GLOBALS: dict[str, Any] = {"_": _translate_in_context}
