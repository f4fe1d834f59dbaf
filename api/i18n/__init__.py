"""Every sentence the web pages say, in Dutch (the default) and English: `nl.py` and `en.py`, one catalogue each.

A small dictionary catalogue rather than gettext .po files: two languages, strings read side by side in review,
no compile step, and a test (tests/test_ui_i18n.py) that fails when a key is missing from either language or a
template asks for a key neither has. Codes (statuses, roles, channels) keep their words in
`monitor_config.vocabulary`; the digest keeps its own sentences in `api.digest.i18n`.

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


def translate(lang: str, key: str, **values: Any) -> str:
    """The sentence for `key` in `lang` (Dutch when the language is unknown), with `values` filled in. With
    `count=1` the key's singular (`key.one`) is used when the catalogue has one."""
    catalogue = CATALOGUES.get(lang, DUTCH)
    if values.get("count") == 1 and f"{key}.one" in catalogue:
        key = f"{key}.one"
    text = catalogue.get(key) or DUTCH.get(key) or key
    return text.format(**values) if values else text


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
