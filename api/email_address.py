"""One e-mail address, checked with email-validator: syntax only (no DNS look-up), ASCII only, one address.

Used wherever an address is stored (a subscription's target, a user's address) and again by the outbox before it
sends, for rows stored before this check existed. `a@`, `a@b@c`, `<a@b.example>` or a list (`a@b.nl,c@d.nl`)
would otherwise crash the mail composer, send to an empty recipient or reach two people.
"""
from __future__ import annotations

from email_validator import EmailNotValidError, validate_email

MAX_LENGTH = 254


class InvalidEmailAddress(ValueError):
    """The message names the field and the fix, in Dutch and then English."""


def check_email_address(value: str, *, field: str = "e-mailadres", field_en: str = "e-mail address") -> str:
    """The address in its normalised form (domain in lower case), or InvalidEmailAddress."""
    candidate = value.strip()
    try:
        if not candidate or len(candidate) > MAX_LENGTH:
            raise EmailNotValidError(f"it has {len(candidate)} characters (1 to {MAX_LENGTH} allowed).")
        checked = validate_email(candidate, check_deliverability=False, allow_smtputf8=False,
                                 allow_display_name=False, allow_quoted_local=False, allow_domain_literal=False)
    except EmailNotValidError as exc:
        raise InvalidEmailAddress(
            f"Het veld ‘{field}’ bevat geen geldig e-mailadres ({value[:80]!r}): geef precies één adres, zoals "
            f"naam@school.nl, zonder naam of punthaken ervoor en zonder komma of puntkomma. / The field "
            f"'{field_en}' is not a valid e-mail address ({exc}); fix: give exactly one address such as "
            f"name@school.nl.") from None
    return str(checked.ascii_email or checked.normalized)
