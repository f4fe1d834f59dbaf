"""Contact details as people write them: e-mail addresses (also `naam [at] gmail [dot] com`), phone numbers,
@handles and fediverse handles, handles after a cue (`snap: naam`, `insta ➜ naam`), profile and link-in-bio
URLs, and the `ab_channel=` parameter of YouTube links. Each finder reads the cleaned text (see spans.py)."""
from __future__ import annotations

import re
from collections.abc import Callable, Iterator

import phonenumbers

from models.redaction.lexicon import is_common_word
from models.redaction.spans import Span

EMAIL_MASK = "[e-mail]"
PHONE_MASK = "[telefoonnummer]"
HANDLE_MASK = "@[gebruiker]"
BARE_HANDLE_MASK = "[gebruiker]"
PROFILE_MASK = "[profiel-link]"

_TLD = r"(?:com|nl|be|net|org|eu|de|fr|uk|io|co|me|info|biz|live|online|social|app|xyz|tv|us|es|it|ma|tr|sr)"
_AT = r"(?:\s*@\s*|\s*[\[({<]\s*(?:at|@)\s*[\])}>]\s*|\s+(?:at|AT|At|apenstaartje)\s+)"
_DOT = r"(?:\s?\.\s?|\s*[\[({<]\s*(?:dot|punt|\.)\s*[\])}>]\s*|\s+(?:dot|DOT|Dot|punt|PUNT)\s+)"
EMAIL = re.compile(r"(?<![\w.+@-])[\w][\w.+-]*@[\w-]+(?:\.[\w-]+)*\.[a-z]{2,}(?![\w])", re.IGNORECASE)
# written out: "naam [at] gmail [dot] com", "kim at gmail dot com", "naam apenstaartje hotmail punt nl"
EMAIL_WRITTEN = re.compile(
    rf"(?<![\w.+@-])[\w][\w.+-]*{_AT}[\w-]+(?:{_DOT}[\w-]+)*?{_DOT}{_TLD}(?![\w])", re.IGNORECASE)
# a fediverse handle @kim@mastodon.nl before the plain @handle; long handles are masked whole
HANDLE = re.compile(r"(?<![\w@])@[\w.]*\w(?:@[\w-]+(?:\.[\w-]+)+)?", re.UNICODE)

_HOSTS = (
    r"tiktok\.com/@|instagram\.com/(?!(?:p|reel|reels|explore|tv|stories/highlights|accounts|about|legal)(?:/|\b))"
    r"|(?:x|twitter)\.com/(?!(?:i|search|hashtag|intent|home|explore|share|settings)(?:/|\?|\b))"
    r"|(?:facebook|fb)\.com/(?!(?:events|groups/?$|watch|hashtag|share)(?:/|\b))|snapchat\.com/add/"
    r"|t\.me/|telegram\.me/|youtube\.com/(?:@|c/|channel/|user/)|bsky\.app/profile/|threads\.(?:net|com)/@?"
    r"|reddit\.com/u(?:ser)?/|onlyfans\.com/|twitch\.tv/(?!(?:directory|videos)\b)|pinterest\.[a-z.]+/(?!pin/)"
    r"|[\w-]+(?:\.[\w-]+)+/@"
)
_LINK_IN_BIO = (
    r"linktr\.ee/|beacons\.ai/|lnk\.bio/|bio\.link/|solo\.to/|msha\.ke/|allmylinks\.com/|campsite\.bio/"
    r"|linkin\.bio/|hoo\.be/|stan\.store/|snipfeed\.co/|tap\.bio/|komi\.io/|linkr\.bio/|taplink\.cc/"
    r"|direct\.me/|linkbio\.co/|lynk\.id/|carrd\.co/|ko-fi\.com/|patreon\.com/|cash\.app/"
)
# Matches start where a link can start (not inside a word or a host name): no quadratic search in long words.
PROFILE_URL = re.compile(
    rf"(?<![\w.-])(?:https?://)?(?:www\.|m\.|vm\.|mobile\.)?(?:{_HOSTS}|{_LINK_IN_BIO})[^\s/?#]+[^\s]*"
    r"|(?<![\w.-])(?:https?://)?[\w-]+\.carrd\.co\b[^\s]*"
    r"|\bat://did:[a-z0-9]+:[\w.:%-]+[^\s]*|\bdid:(?:plc|web):[\w.:%-]+",
    re.IGNORECASE,
)
AB_CHANNEL = re.compile(r"[?&]ab_channel=[^&\s#]*")

# A handle written after a cue: "snap: naam", "sc naam", "IG -> naam", "mijn insta is naam", "👻 naam".
_CUE = (r"snap(?:chat)?|sc|ig|insta(?:gram)?|tt|tik\s?tok|tele(?:gram)?|discord|twitter|bereal|twitch|threads"
        r"|kik|wickr|signal|👻|📸")
_SEP = r"\s*(?:[:=>→➜➡»|\-]+|\bis\b|\bop\b|\bon\b)?\s*(?:[:=>→➜➡»\-]+\s*)?"
CUED = re.compile(rf"(?<![\w.@/])(?:{_CUE})(?![\w.])(?:\s+is|\s*(?:me|mij|me\s+on|me\s+op))?{_SEP}"
                  rf"(?P<handle>(?![\d.:/]+\b)[\w][\w.]{{1,40}})", re.IGNORECASE)
CUED_AFTER = re.compile(rf"\b(?:add|volg|follow|voeg)\s+(?P<handle>[\w][\w.]{{1,40}})\s+(?:toe\s+)?(?:op|on|via)\s+"
                        rf"(?:{_CUE})\b", re.IGNORECASE)

PHONE_NL = re.compile(r"(?<![\w+])(?:(?:\+|00)\s?31[\s.\-]?(?:\(0\)[\s.\-]?)?|\(?0)[\s.\-/_()]{0,3}\d"
                      r"(?:[\s.\-/_()]{0,3}\d){8}(?!\d)")
PHONE_INTERNATIONAL = re.compile(r"(?<![\w+])(?:\+|00)\s?[1-9]\d{0,2}[\s.\-]?(?:\(0\)[\s.\-]?)?\d"
                                 r"(?:[\s.\-/()]{0,2}\d){6,11}(?!\d)")
# Public service numbers (helplines, police, the Kindertelefoon) are not anyone's contact details.
SERVICE_NUMBER = re.compile(r"^(?:\+31|0031|0)?(?:800|900|906|909|14\d|11\d)")


def _is_service(number: str) -> bool:
    digits = re.sub(r"[^\d+]", "", number)
    return len(re.sub(r"\D", "", digits)) <= 4 or bool(SERVICE_NUMBER.match(digits))


def find_emails(text: str) -> Iterator[Span]:
    for pattern in (EMAIL, EMAIL_WRITTEN):
        for match in pattern.finditer(text):
            yield Span(match.start(), match.end(), "email", EMAIL_MASK)


def find_phones(text: str) -> Iterator[Span]:
    for match in phonenumbers.PhoneNumberMatcher(text, "NL", leniency=phonenumbers.Leniency.VALID):
        if not _is_service(match.raw_string):
            yield Span(match.start, match.end, "phone", PHONE_MASK)
    for pattern in (PHONE_NL, PHONE_INTERNATIONAL):
        for found in pattern.finditer(text):
            if not _is_service(found.group()):
                yield Span(found.start(), found.end(), "phone", PHONE_MASK)


def find_handles(text: str) -> Iterator[Span]:
    for match in HANDLE.finditer(text):
        end = match.end()
        if end - match.start() >= 3:
            yield Span(match.start(), end, "handle", HANDLE_MASK)


def _handle_like(word: str) -> bool:
    word = word.rstrip(".")
    if len(word) < 3 or word.isdigit():
        return False
    return any(c.isdigit() or c in "._" for c in word) or not is_common_word(word)


def find_cued_handles(text: str) -> Iterator[Span]:
    for pattern in (CUED, CUED_AFTER):
        for match in pattern.finditer(text):
            handle = match.group("handle").rstrip(".")
            if _handle_like(handle):
                start = match.start("handle")
                yield Span(start, start + len(handle), "handle_bare", BARE_HANDLE_MASK)


def find_profile_urls(text: str) -> Iterator[Span]:
    for match in PROFILE_URL.finditer(text):
        url = match.group().rstrip(".,;:!?)'\"")
        yield Span(match.start(), match.start() + len(url), "profile_url", PROFILE_MASK)
    for match in AB_CHANNEL.finditer(text):
        # '?ab_channel=X&v=1' keeps its '?'; '&ab_channel=X' goes entirely
        keep_question = match.group().startswith("?") and text[match.end():match.end() + 1] == "&"
        start = match.start() + (1 if keep_question else 0)
        end = match.end() + (1 if keep_question else 0)
        yield Span(start, end, "profile_url", "")


FINDERS: tuple[Callable[[str], Iterator[Span]], ...] = (
    find_profile_urls, find_emails, find_handles, find_cued_handles, find_phones,
)
