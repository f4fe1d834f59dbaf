"""Checking a watchlist edited in the browser with the very validators (and messages) of `leefwereld config
check`: the edited YAML is put in its place in the whole configuration and validated as the file would be."""
from __future__ import annotations

from pathlib import Path

import yaml
from pydantic import ValidationError

from monitor_config.exceptions import ConfigError, ConfigProblem
from monitor_config.loader import _check_references, _Located, _parse, _problems_from
from monitor_config.schema import MonitorConfig, Watchlist

BROWSER_PATH = Path("<browser>")


def watchlist_yaml(watchlist: Watchlist) -> str:
    """A watchlist as the YAML an administrator edits (defaults left out, keywords with variants kept)."""
    data = watchlist.model_dump(mode="json", exclude_defaults=True)
    data = {"name": watchlist.name, "category": watchlist.category, **data}
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False, default_flow_style=None, width=100)


def check_watchlist_edit(text: str, config: MonitorConfig, *, name: str | None) -> Watchlist:
    """The edited watchlist, validated in its place in `config` (`name`: the one edited; None: a new one).

    Raises ConfigError whose problems carry the line in `text`, the field (e.g. `watchlists.2.schedule.interval`)
    and the fix, worded as `leefwereld config check` words them."""
    fragment = _parse(text, BROWSER_PATH)
    if not isinstance(fragment.value, dict):
        raise ConfigError(BROWSER_PATH, [ConfigProblem(1, "(watchlist)", "a watchlist must be a mapping of fields",
                                                       "start from the watchlist as shown, for example 'name: ...'")])
    if name is not None and fragment.value.get("name") != name:
        raise ConfigError(BROWSER_PATH, [ConfigProblem(fragment.lines.get(("name",), 1), "name",
                                                       f"the name cannot be changed here (was {name!r})",
                                                       f"keep 'name: {name}', or add a new watchlist instead")])
    whole = config.model_dump(mode="json")
    names = [w["name"] for w in whole["watchlists"]]
    index = names.index(name) if name in names else len(names)
    if name is None and fragment.value.get("name") in names:
        index = names.index(fragment.value["name"])
        raise ConfigError(BROWSER_PATH, [ConfigProblem(fragment.lines.get(("name",), 1), "name",
                                                       f"a watchlist named {fragment.value['name']!r} exists already",
                                                       "choose another name, or edit that watchlist")])
    whole["watchlists"][index:index + 1] = [fragment.value]
    lines = {("watchlists", index, *loc): line for loc, line in fragment.lines.items()}
    located = _Located(whole, lines)
    try:
        checked = MonitorConfig.model_validate(whole)
    except ValidationError as exc:
        raise ConfigError(BROWSER_PATH, _problems_from(exc, located)) from None
    problems = _check_references(checked, located)
    if problems:
        raise ConfigError(BROWSER_PATH, problems)
    return checked.watchlists[index]
