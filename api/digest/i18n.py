"""Every word the digest says, in Dutch (the default) and English; templates look them up here."""
from __future__ import annotations

from collections.abc import Callable

TEXTS: dict[str, dict[str, str]] = {
    "nl": {
        "title": "Weekoverzicht {week}",
        "period": "{start} tot en met {end}",
        "intro": ("Trends in de online leefwereld van jongeren die deze week nieuw, opkomend, groeiend, nog actief "
                  "of afnemend waren."),
        "totals": "{trends} trends in dit overzicht, samen {posts} berichten deze week.",
        "totals.one": "1 trend in dit overzicht, met {posts} berichten deze week.",
        "uncategorised": "Trends zonder risicocategorie die deze week bewogen: {count} (zie het trendoverzicht).",
        "empty": "Deze week waren er geen nieuwe, opkomende, groeiende, actieve of afnemende trends.",
        "section.emerging": "Opkomend",
        "section.emerging.intro": "Trends die deze week snel opkwamen: meer berichten en auteurs dan verwacht.",
        "section.new": "Nieuw",
        "section.new.intro": "Trends die deze week voor het eerst zijn gezien.",
        "section.growing": "Groeiend",
        "section.growing.intro": "Minstens {ratio}% meer berichten dan de week ervoor (en minstens {minimum}).",
        "section.active": "Nog actief",
        "section.active.intro": ("Trends die deze week doorgingen zonder sterke groei of daling (minstens {minimum} "
                                 "berichten)."),
        "section.fading": "Afnemend",
        "section.fading.intro": "Hooguit half zoveel berichten als de week ervoor.",
        "other_category": "Overig",
        "split.child": "Op {day} als nieuwe trend afgesplitst van “{other}”.",
        "split.parent": "Op {day} splitste “{other}” zich hiervan af als nieuwe trend.",
        "volume": "Berichten deze week",
        "previous": "vorige week",
        "authors": "auteurs deze week",
        "authors_one": "auteur deze week",
        "why": "Waarom gesignaleerd",
        "platforms": "Platforms",
        "change": "verandering",
        "examples": "Voorbeeldberichten (geanonimiseerd)",
        "open_trend": "Bekijk de trend",
        "sparkline": "Berichten per dag, laatste 4 weken: {values}",
        "severity": "Ernst",
        "footer": ("Berichten zijn geanonimiseerd: telefoonnummers, e-mailadressen, gebruikersnamen en profiellinks "
                   "zijn weggelaten. Deel dit overzicht alleen met collega's."),
        "previous_week": "Vorige week", "next_week": "Volgende week",
        "subject": "Weekoverzicht online leefwereld {week}",
        "coverage.full": "Gegevens tot en met {moment}.",
        "coverage.partial": "Let op: de gegevens lopen tot {moment}; voor de rest van deze week is niets verzameld.",
        "coverage.running": "Deze week is nog niet voorbij: gegevens tot en met {moment}.",
        "coverage.none": "Geen gegevens: uit deze week zijn (nog) geen berichten verzameld.",
        "sent": "Verzonden op {day}; zo ziet u het overzicht zoals het is verstuurd.",
        "notes": "Gewijzigd na verzending",
        "note.review": "{day}: een beoordelaar heeft “{label}” beoordeeld als {verdict}.",
        "note.merge": "{day}: “{label}” is samengevoegd met “{other}”.",
        "note.rename": "{day}: “{label}” heet nu “{new}”.",
    },
    "en": {
        "title": "Weekly digest {week}",
        "period": "{start} to {end}",
        "intro": ("Trends in young people's online world that were new, emerging, growing, still active or fading "
                  "this week."),
        "totals": "{trends} trends in this digest, {posts} posts this week together.",
        "totals.one": "1 trend in this digest, with {posts} posts this week.",
        "uncategorised": "Trends without a risk category that moved this week: {count} (see the trends overview).",
        "empty": "No trends were new, emerging, growing, active or fading this week.",
        "section.emerging": "Emerging",
        "section.emerging.intro": "Trends that rose fast this week: more posts and authors than expected.",
        "section.new": "New",
        "section.new.intro": "Trends seen for the first time this week.",
        "section.growing": "Growing",
        "section.growing.intro": "At least {ratio}% more posts than the week before (and at least {minimum}).",
        "section.active": "Still active",
        "section.active.intro": ("Trends that went on this week without strong growth or decline (at least {minimum} "
                                 "posts)."),
        "section.fading": "Fading",
        "section.fading.intro": "At most half as many posts as the week before.",
        "other_category": "Other",
        "split.child": "Split off from “{other}” as a new trend on {day}.",
        "split.parent": "On {day}, “{other}” split off from it as a new trend.",
        "volume": "Posts this week",
        "previous": "last week",
        "authors": "authors this week",
        "authors_one": "author this week",
        "why": "Why it was flagged",
        "platforms": "Platforms",
        "change": "change",
        "examples": "Example posts (anonymised)",
        "open_trend": "Open the trend",
        "sparkline": "Posts per day, last 4 weeks: {values}",
        "severity": "Severity",
        "footer": ("Posts are anonymised: phone numbers, e-mail addresses, user names and profile links are "
                   "left out. Share this digest with colleagues only."),
        "previous_week": "Previous week", "next_week": "Next week",
        "subject": "Online world weekly digest {week}",
        "coverage.full": "Data up to {moment}.",
        "coverage.partial": "Note: the data runs up to {moment}; nothing was collected for the rest of this week.",
        "coverage.running": "This week is not over yet: data up to {moment}.",
        "coverage.none": "No data: no posts from this week have been collected (yet).",
        "sent": "Sent on {day}; this is the digest as it went out.",
        "notes": "Changed after sending",
        "note.review": "{day}: a reviewer judged “{label}” as {verdict}.",
        "note.merge": "{day}: “{label}” was merged into “{other}”.",
        "note.rename": "{day}: “{label}” is now called “{new}”.",
    },
}


def translate(lang: str, key: str, **values: object) -> str:
    return TEXTS[lang][key].format(**values) if values else TEXTS[lang][key]


def translator(lang: str) -> Callable[..., str]:
    """`t('section.new')` for templates, bound to one language."""
    return lambda key, **values: translate(lang, key, **values)
