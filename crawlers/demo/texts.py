"""Fill phrasings and make them look typed on a phone, for the synthetic demo corpus."""
from __future__ import annotations

import random
import re

from crawlers.demo import background_phrases as bg

ABBREVIATIONS = {"gewoon": "gwn", "even": "ff", "niet": "nie", "echt": "egt", "helemaal": "hlml", "waarom": "wrm",
                 "volgens mij": "vgm", "sowieso": "sws", "trouwens": "trw", "morgen": "mrgn", "jij": "jy"}
PREFIXES = ("ngl ", "bro ", "yo ", "ewa ", "ff serieus ", "eerlijk ")
TAGS = ("#fyp", "#foryou", "#viral", "#020", "#amsterdam", "#nl", "#school", "#mokum")
SLOT = re.compile(r"\{(\w+)\}")


def fill(template: str, rng: random.Random, slots: dict[str, list[str]]) -> str:
    while SLOT.search(template):
        template = SLOT.sub(lambda m: rng.choice(slots[m.group(1)]), template)
    return template


def roughen(text: str, rng: random.Random, protect: tuple[str, ...] = ()) -> str:
    """Make a phrasing look typed on a phone: abbreviations, case, typos, emoji, a prefix, doubled letters."""
    if rng.random() < .5:
        for word, short in ABBREVIATIONS.items():
            if rng.random() < .6:
                text = re.sub(rf"\b{word}\b", short, text)
    if rng.random() < .15 and not text.startswith(("@", "#")):
        text = rng.choice(PREFIXES) + text
    words = text.split(" ")
    if rng.random() < .15:
        i = rng.randrange(len(words))
        w = words[i]
        if len(w) >= 4 and w.isalpha() and not any(p in w.lower() for p in protect):
            j = rng.randrange(len(w) - 1)
            words[i] = w[:j] + w[j + 1] + w[j] + w[j + 2:] if rng.random() < .6 else w + w[-1] * rng.randint(1, 3)
    text = " ".join(words)
    roll = rng.random()
    if roll < .08:
        text = text.capitalize()
    elif roll < .095 and len(text) < 60:
        text = text.upper()
    if rng.random() < .3:
        text = text.rstrip(".!?")
    if rng.random() < .25:
        text += " " + emoji(rng)
    return text


def emoji(rng: random.Random) -> str:
    """Mostly one emoji, sometimes the same one repeated, now and then two different ones."""
    first, roll = rng.choice(bg.SLOTS["emoji"]), rng.random()
    if roll < .6:
        return first
    return first * rng.randint(2, 3) if roll < .85 else first + rng.choice(bg.SLOTS["emoji"])
