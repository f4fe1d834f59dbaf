"""One redaction for every text the product keeps or shows: contact details and full names are masked.

    redact("app Sanne de Vries op 06-12345678 of snap: sanne.xo")
    -> "app [naam] op [telefoonnummer] of snap: [gebruiker]"

`find_spans` returns what `redact` masks, with offsets in the text as given. The masks are Dutch and readable:
[e-mail], [telefoonnummer], @[gebruiker], [gebruiker], [profiel-link], [naam]; a YouTube `ab_channel=`
parameter is dropped. Measured on a labelled set: docs/PRIVACY.md ("Redaction"), `python -m bench.redaction`.
"""
from __future__ import annotations

from models.redaction.contacts import (
    BARE_HANDLE_MASK,
    EMAIL_MASK,
    FINDERS,
    HANDLE,
    HANDLE_MASK,
    PHONE_MASK,
    PROFILE_MASK,
)
from models.redaction.names import NAME_MASK, find_names, warm_up
from models.redaction.spans import Span, apply, clean, resolve

__all__ = ["BARE_HANDLE_MASK", "EMAIL_MASK", "HANDLE", "HANDLE_MASK", "NAME_MASK", "PHONE_MASK", "PROFILE_MASK",
           "Span", "find_spans", "redact", "warm_up"]


def find_spans(text: str, *, names: bool = True) -> list[Span]:
    """The spans `redact` masks, in order and without overlap, as offsets into `text`."""
    view = clean(text)
    found = [span for finder in FINDERS for span in finder(view.text)]
    if names:
        found.extend(find_names(view.text))
    return [view.to_source(span) for span in resolve(found)]


def redact(text: str) -> str:
    """Mask e-mail addresses (also written out), phone numbers, handles, profile and link-in-bio URLs and full
    names of persons; text without any of these comes back unchanged."""
    if not text:
        return text
    return apply(text, find_spans(text))
