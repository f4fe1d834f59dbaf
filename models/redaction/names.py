"""Full names of private persons: deduce's Dutch name annotators, plus first-name-and-surname pairs that deduce
leaves alone (written in lower case, or with a surname outside its lists after a known first name).

Only names of two or more parts are masked ("Sanne de Vries", "mohamed el amrani"): a lone first name identifies
nobody, and masking every first name would also hit "Jordan 4" or "Albert Heijn". deduce is run with its name
annotators only, built from its own lists in memory (about a second, once per process); its other lookup
structures (streets, places, institutions: a 95-second build and an 80 MB cache) are not needed here.
"""
from __future__ import annotations

import json
import re
import threading
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import Any

from models.redaction.lexicon import INSTALL_HINT, common_words, first_names, surnames
from models.redaction.spans import Span

NAME_MASK = "[naam]"
NAME_TAGS = ("persoon", "voornaam", "achternaam", "naam", "initiaal", "interfix", "prefix", "patient")
_NAME_LISTS = ["names/lst_first_name", "names/lst_initial", "names/lst_interfix", "names/lst_interfix_surname",
               "names/lst_prefix", "names/lst_surname", "whitelist/lst_common_word",
               "whitelist/lst_eponymous_disease", "whitelist/lst_medical_term", "whitelist/lst_stop_word"]
# Particles inside surnames: Dutch (van der), Moroccan (El, Ait, Ben, Bou), Turkish/Surinamese hyphenated forms.
PARTICLES = frozenset({"van", "de", "der", "den", "het", "ter", "ten", "te", "'t", "in", "op", "uit", "la", "le",
                       "el", "al", "ait", "aït", "ben", "bou", "abou", "ou", "da", "dos", "du", "di", "von", "zu",
                       "zur", "vd", "v.d."})
# Multi-word names of places, shops, events and things that begin like a person's name.
NOT_PERSON = frozenset(s.casefold() for s in [
    "Albert Heijn", "Albert Cuyp", "Albert Cuypmarkt", "Burger King", "Den Haag", "Den Bosch", "Den Helder",
    "Den Burg", "Den Dolder", "Den Ham", "Sint Maarten", "Sint Nicolaas", "Sint Jansklooster", "Van Gogh",
    "Anne Frank", "Johan Cruijff", "Johan Cruijff ArenA", "Jan Linders", "Hema", "Oud en Nieuw", "Black Friday",
    "Keti Koti", "Eid Mubarak", "Max Verstappen", "Willem Alexander", "Willem-Alexander", "Jordan", "Nike Air",
    "Jack Wolfskin", "Tommy Hilfiger", "Calvin Klein", "Ralph Lauren", "Hugo Boss", "Karl Lagerfeld",
    "Louis Vuitton", "Stone Island", "Canada Goose", "Dr Martens", "Ben Jerry", "Kim Kardashian",
])
# A next word like these makes the pair a place or an institution ("Erasmus Universiteit", "Vondel Park").
NOT_PERSON_HEADS = frozenset(s.casefold() for s in [
    "Universiteit", "Hogeschool", "College", "Lyceum", "Museum", "School", "Markt", "Park", "Plein", "Station",
    "Stadion", "ArenA", "Arena", "Ziekenhuis", "Kerk", "Moskee", "Straat", "Weg", "Laan", "Centrum", "Zuid",
    "Noord", "Oost", "West", "City", "Plaza", "Mall", "Hallen", "Huis", "Bibliotheek", "Theater", "Zaal",
])
CHUNK = 400  # characters per deduce call
_WORD = re.compile(r"[^\W\d_](?:[^\W\d_]|['’-](?=[^\W\d_]))*")
_lock = threading.Lock()


@cache
def _deduce() -> Any:
    """deduce with only its name annotators, built in memory from its own lists (no cache file, offline)."""
    try:
        import docdeid as dd
        from deduce import Deduce
        from deduce.deduce import _LOOKUP_LIST_PATH, _DeduceProcessorLoader
        from deduce.lookup_struct_loader import (
            load_eponymous_disease_lookup,
            load_first_name_lookup,
            load_surname_lookup,
        )
        from deduce.lookup_structs import _LOOKUP_SET_LOADERS, load_raw_itemsets
    except ImportError as exc:
        raise RuntimeError(INSTALL_HINT) from exc
    config = json.loads((Path(_LOOKUP_LIST_PATH).parent.parent / "base_config.json").read_text(encoding="utf-8"))
    config["annotators"] = {k: v for k, v in config["annotators"].items() if v["group"] == "names"}
    tokenizer = Deduce._initialize_tokenizer(Path(_LOOKUP_LIST_PATH))
    raw = load_raw_itemsets(Path(_LOOKUP_LIST_PATH), _NAME_LISTS)
    structs = dd.ds.DsCollection()
    tries = {"first_name": load_first_name_lookup, "surname": load_surname_lookup,
             "eponymous_disease": load_eponymous_disease_lookup}
    for name in set(raw) - set(_LOOKUP_SET_LOADERS) - set(tries):
        lookup = dd.ds.LookupSet()
        lookup.add_items_from_iterable(raw[name])
        structs[name] = lookup
    for name, load_set in _LOOKUP_SET_LOADERS.items():
        structs[name] = load_set(raw)
    for name, load_trie in tries.items():
        structs[name] = load_trie(raw, tokenizer)

    class NamesOnly(Deduce):
        def __init__(self) -> None:
            dd.DocDeid.__init__(self)
            self.config = self._initialize_config(load_base_config=False, user_config=config)
            self.tokenizers = {"default": tokenizer}
            self.lookup_structs = structs
            self.processors = _DeduceProcessorLoader().load(
                config=self.config, extras={"tokenizer": tokenizer, "ds": structs})

    return NamesOnly()


def warm_up() -> None:
    """Build the name annotators now (about a second) rather than on the first text."""
    _deduce()


def _is_person(text: str, following: str) -> bool:
    words = _WORD.findall(text)
    if len(words) < 2:
        return False
    folded = " ".join(words).casefold()
    if any(folded.startswith(entity) for entity in NOT_PERSON):
        return False
    if words[-1].casefold() in NOT_PERSON_HEADS or following.casefold() in NOT_PERSON_HEADS:
        return False
    meaningful = [w for w in words if w.casefold() not in PARTICLES]
    return len(meaningful) >= 2 or (len(meaningful) == 1 and len(words) >= 3)


def _next_word(text: str, end: int) -> str:
    match = _WORD.search(text, end)
    return match.group() if match and not text[end:match.start()].strip(" ") else ""


def chunks(text: str, size: int = CHUNK) -> Iterator[tuple[int, str]]:
    """(offset, piece) of at most `size` characters, cut after a sentence end or else at a space."""
    start = 0
    while len(text) - start > size:
        window = text[start:start + size]
        cut = max(window.rfind(". "), window.rfind("! "), window.rfind("? "), window.rfind("\n"))
        cut = cut + 1 if cut > size // 2 else window.rfind(" ")
        cut = cut if cut > 0 else size
        yield start, text[start:start + cut]
        start += cut
    yield start, text[start:]


def _deduce_names(text: str) -> Iterator[Span]:
    # deduce's context annotators grow faster than linearly on a long run of names: pieces keep it linear
    for offset, piece in chunks(text):
        with _lock:  # a docdeid pipeline is not documented as thread-safe
            document = _deduce().deidentify(piece, enabled=None)
        for annotation in document.annotations:
            tag = annotation.tag.casefold()
            if not any(part in tag for part in NAME_TAGS) or "pseudo" in tag:
                continue
            if _is_person(annotation.text, _next_word(piece, annotation.end_char)):
                yield Span(offset + annotation.start_char, offset + annotation.end_char, "name", NAME_MASK)


def _pairs(text: str) -> Iterator[Span]:
    """First name, particles, surname: in any case when both parts are in the lists; capitalised when only the
    first name is (an unlisted surname such as "Kromodimedjo" or "Tjon-A-Fong" after "Julia")."""
    words = list(_WORD.finditer(text))
    common, firsts, lasts = common_words(), first_names(), surnames()
    for i, first in enumerate(words):
        name = first.group()
        if name.casefold() not in firsts or (name.casefold() in common and not name[0].isupper()):
            continue
        j = i + 1
        while j < len(words) and words[j].group().casefold() in PARTICLES and j - i <= 3:
            j += 1
        if j >= len(words) or any(text[words[k - 1].end():words[k].start()].strip() for k in range(i + 1, j + 1)):
            continue
        last = words[j].group()
        folded = last.casefold()
        if folded in PARTICLES or (folded in common and j < i + 3):  # "van den Berg": two particles suffice
            continue
        listed = folded in lasts or folded.split("-")[0] in lasts or j > i + 1  # "ait taleb", "van den berg"
        capitalised = name[0].isupper() and last[0].isupper()
        if not (listed or capitalised) or (listed and not capitalised and folded in firsts and j == i + 1):
            continue
        span_text = text[first.start():words[j].end()]
        if _is_person(span_text, _next_word(text, words[j].end())):
            yield Span(first.start(), words[j].end(), "name", NAME_MASK)


@cache
def _entities() -> re.Pattern[str]:
    alternatives = "|".join(re.escape(e).replace(r"\ ", r"[\s-]+") for e in sorted(NOT_PERSON, key=len, reverse=True))
    return re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)", re.IGNORECASE)


def find_names(text: str) -> Iterator[Span]:
    """Full names, leaving alone those that overlap a known place, shop or event ("Burger King in Nieuw-West")."""
    entities = [(m.start(), m.end()) for m in _entities().finditer(text)]
    for span in (*_deduce_names(text), *_pairs(text)):
        if not any(span.start < end and start < span.end for start, end in entities):
            yield span
