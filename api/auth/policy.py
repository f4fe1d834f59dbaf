"""What a user name and a password must look like; every message names the field and the fix, in Dutch and English.

User names: 1-64 characters, no control or invisible formatting characters, no space at either end.
Passwords: 12-256 characters, still 12 when runs of white space count as one space, at least 5 different
characters, not the user name and not containing it, and not one of a short list of passwords every guesser tries
first.
"""
from __future__ import annotations

import unicodedata

from api.auth.exceptions import InvalidUsernameError, WeakPasswordError

MIN_USERNAME_LENGTH, MAX_USERNAME_LENGTH = 1, 64
MIN_PASSWORD_LENGTH, MAX_PASSWORD_LENGTH = 12, 256
MIN_DISTINCT_CHARACTERS = 5
# Unicode categories that are never part of a name: control, format (zero-width), surrogates, private use,
# unassigned, line and paragraph separators.
FORBIDDEN_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"})
# Passwords of twelve or more characters that guessers try first (leaked-password lists, Dutch and English).
COMMON_PASSWORDS = frozenset({
    "123456789012", "1234567890123", "12345678901234", "123456789123", "1q2w3e4r5t6y", "qwertyuiopas",
    "qwerty123456", "qwertyuiop12", "qwertyuiop123", "asdfghjkl123", "password1234", "password12345",
    "passwordpassword", "wachtwoord12", "wachtwoord123", "wachtwoord1234", "welkom123456", "welkomwelkom",
    "iloveyou1234", "abcdefghijkl", "abc123abc123", "aaaaaaaaaaaa", "000000000000", "111111111111",
    "administrator", "administrator1", "letmeinletmein", "changemechangeme", "monitor12345",
    "leefwereld123", "leefwereld2026", "jongerenwerk1", "jongerenwerk123", "zomer2026zomer", "voetbal12345",
    "amsterdam1234", "amsterdam2026", "ajaxajaxajax", "geheimgeheim", "geheim123456", "wachtwoordwachtwoord",
})


def _fail_username(dutch: str, english: str) -> InvalidUsernameError:
    return InvalidUsernameError(f"Gebruikersnaam {dutch} / User name {english}")


def check_username(username: str) -> str:
    """The user name as given, or InvalidUsernameError saying what to change."""
    if not MIN_USERNAME_LENGTH <= len(username) <= MAX_USERNAME_LENGTH:
        raise _fail_username(
            f"heeft {len(username)} tekens; kies een naam van {MIN_USERNAME_LENGTH} tot {MAX_USERNAME_LENGTH} tekens.",
            f"has {len(username)} characters; fix: choose a name of {MIN_USERNAME_LENGTH} to {MAX_USERNAME_LENGTH}.")
    bad = next((ch for ch in username if unicodedata.category(ch) in FORBIDDEN_CATEGORIES), None)
    if bad is not None:
        code = f"U+{ord(bad):04X}"
        raise _fail_username(f"bevat het onzichtbare of stuurteken {code}; typ de naam opnieuw zonder dat teken.",
                             f"contains the invisible or control character {code}; fix: type it without it.")
    if username != username.strip() or not username.strip():
        raise _fail_username("begint of eindigt met een spatie; haal de spaties aan het begin en eind weg.",
                             "starts or ends with white space; fix: remove it.")
    return username


def _fail_password(dutch: str, english: str) -> WeakPasswordError:
    return WeakPasswordError(f"Wachtwoord {dutch} / Password {english}")


def check_password_strength(password: str, *, username: str | None = None) -> None:
    """Raise WeakPasswordError when the password is easy to guess; the message names the rule and the fix."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise _fail_password(
            f"te kort ({len(password)} tekens); kies er minstens {MIN_PASSWORD_LENGTH}, bijvoorbeeld een zin van "
            "vier woorden.",
            f"too short ({len(password)} characters); fix: use at least {MIN_PASSWORD_LENGTH}, for example a "
            "sentence of four words.")
    if len(password) > MAX_PASSWORD_LENGTH:
        raise _fail_password(f"te lang ({len(password)} tekens); gebruik er hoogstens {MAX_PASSWORD_LENGTH}.",
                             f"too long ({len(password)} characters); fix: use at most {MAX_PASSWORD_LENGTH}.")
    collapsed = " ".join(password.split())
    if len(collapsed) < MIN_PASSWORD_LENGTH:
        raise _fail_password(
            f"bestaat vooral uit spaties (zonder de extra spaties {len(collapsed)} tekens); gebruik minstens "
            f"{MIN_PASSWORD_LENGTH} letters, cijfers of leestekens, met hoogstens één spatie tussen woorden.",
            f"is mostly white space ({len(collapsed)} characters without the extra spaces); fix: use at least "
            f"{MIN_PASSWORD_LENGTH} letters, digits or punctuation, one space between words at most.")
    if len(set(password.casefold())) < MIN_DISTINCT_CHARACTERS:
        raise _fail_password(
            f"herhaalt steeds dezelfde tekens; gebruik minstens {MIN_DISTINCT_CHARACTERS} verschillende.",
            f"repeats the same characters; fix: use at least {MIN_DISTINCT_CHARACTERS} different ones.")
    folded = password.casefold()
    name = (username or "").strip().casefold()
    if name and (folded == name or (len(name) >= 3 and name in folded)):
        raise _fail_password("bevat de gebruikersnaam; kies een wachtwoord zonder de naam.",
                             "contains the user name; fix: choose one without it.")
    if "".join(folded.split()) in COMMON_PASSWORDS:
        raise _fail_password("staat op de lijst van veelgebruikte wachtwoorden die als eerste worden geprobeerd; "
                             "kies iets dat alleen jij bedenkt, bijvoorbeeld een zin van vier woorden.",
                             "is on the list of common passwords that are tried first; fix: choose your own, "
                             "for example a sentence of four words.")
