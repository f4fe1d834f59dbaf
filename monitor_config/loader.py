"""Read the YAML watch configuration once, at the edge, and report every problem with file, line and field."""
from __future__ import annotations

import difflib
from dataclasses import dataclass
from pathlib import Path
from typing import Any, get_args

import yaml
from pydantic import ValidationError
from pydantic_core import ErrorDetails

from monitor_config.exceptions import ConfigError, ConfigProblem
from monitor_config.schema import SOURCE_KINDS, MonitorConfig

DEFAULT_CONFIG = Path(__file__).with_name("default.yaml")
Loc = tuple[str | int, ...]
# A watch configuration is a few hundred lines; these bounds stop a hostile or broken file (a "billion laughs"
# of nested aliases, thousands of nested brackets) before it costs minutes and gigabytes.
MAX_BYTES = 2 * 1024 * 1024
MAX_ALIASES = 100
MAX_DEPTH = 40
MAX_NODES = 50_000


@dataclass
class _Located:
    """The plain Python value of a YAML document plus the line of every path in it."""

    value: Any
    lines: dict[Loc, int]


class _TooLarge(Exception):
    def __init__(self, line: int) -> None:
        self.line = line


class _BadValue(Exception):
    def __init__(self, line: int, problem: str) -> None:
        self.line, self.problem = line, problem


class _DuplicateKey(Exception):
    def __init__(self, key: str, line: int, first_line: int) -> None:
        self.key, self.line, self.first_line = key, line, first_line


class _Budget:
    """What may still be built, and one constructor for the scalars of this document."""

    def __init__(self, nodes: int) -> None:
        self.left = nodes
        self.loader = yaml.SafeLoader("")


def _to_python(node: yaml.Node, loc: Loc, lines: dict[Loc, int], budget: _Budget) -> Any:
    budget.left -= 1
    if budget.left < 0:  # aliases can repeat a part many times over: count what is built, not what is written
        raise _TooLarge(node.start_mark.line + 1)
    lines[loc] = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        result: dict[Any, Any] = {}
        first_seen: dict[Any, int] = {}
        for key_node, value_node in node.value:
            key = _construct(budget, key_node, key=True)  # keys are plain strings
            if key in first_seen:
                raise _DuplicateKey(str(key), key_node.start_mark.line + 1, first_seen[key])
            first_seen[key] = key_node.start_mark.line + 1
            result[key] = _to_python(value_node, (*loc, key), lines, budget)
            lines[(*loc, key)] = key_node.start_mark.line + 1
        return result
    if isinstance(node, yaml.SequenceNode):
        return [_to_python(item, (*loc, i), lines, budget) for i, item in enumerate(node.value)]
    return _construct(budget, node)


def _construct(budget: _Budget, node: yaml.Node, *, key: bool = False) -> Any:
    try:
        if not key:
            return budget.loader.construct_object(node, deep=True)
        if not isinstance(node, yaml.ScalarNode):
            raise ValueError(f"a key must be plain text, not a {type(node).__name__}")
        return budget.loader.construct_scalar(node)
    except (yaml.YAMLError, ValueError, TypeError, OverflowError) as exc:
        raise _BadValue(node.start_mark.line + 1, getattr(exc, "problem", None) or str(exc)) from None


def _line(mark: Any) -> int | None:
    return mark.line + 1 if mark is not None else None


def _check_shape(text: str, path: Path) -> None:
    """Size, nesting depth and number of aliases, read from the event stream (which does not recurse)."""
    def refuse(line: int | None, text: str, fix: str) -> ConfigError:
        return ConfigError(path, [ConfigProblem(line, "(file)", text, fix)])

    if len(text) > MAX_BYTES:
        raise refuse(None, f"the file is larger than {MAX_BYTES // 2**20} MB",
                     "a watch configuration is a few hundred lines; check that this is the right file")
    depth = aliases = 0
    for event in yaml.parse(text, Loader=yaml.SafeLoader):
        if isinstance(event, yaml.CollectionStartEvent):
            depth += 1
            if depth > MAX_DEPTH:
                raise refuse(_line(event.start_mark), f"nested more than {MAX_DEPTH} levels deep",
                             "check the indentation and brackets; settings are never nested this deep")
        elif isinstance(event, yaml.CollectionEndEvent):
            depth -= 1
        elif isinstance(event, yaml.AliasEvent):
            aliases += 1
            if aliases > MAX_ALIASES:
                raise refuse(_line(event.start_mark), f"more than {MAX_ALIASES} aliases (*name)",
                             "write the values out instead of repeating anchors")


def _parse(text: str, path: Path) -> _Located:
    try:
        _check_shape(text, path)
        node = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark else None
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise ConfigError(
            path,
            [ConfigProblem(line, "(yaml)", f"not valid YAML: {problem}", "check indentation and quoting")],
        ) from None
    if node is None:
        raise ConfigError(path, [ConfigProblem(1, "(file)", "the file is empty",
                                               "start from the shipped default.yaml")])
    lines: dict[Loc, int] = {}
    try:
        value = _to_python(node, (), lines, _Budget(MAX_NODES))
    except _BadValue as bad:
        raise ConfigError(path, [ConfigProblem(bad.line, "(yaml)", f"a value cannot be read: {bad.problem}",
                                               "write it as plain text, a number or true/false")]) from None
    except _TooLarge as big:
        raise ConfigError(path, [ConfigProblem(big.line, "(file)", f"the aliases expand to more than {MAX_NODES} "
                                               "values", "write the values out instead of nesting anchors")]) from None
    except _DuplicateKey as dup:
        raise ConfigError(
            path,
            [ConfigProblem(dup.line, dup.key, f"key {dup.key!r} appears twice (first on line {dup.first_line})",
                           "keep one of them")],
        ) from None
    return _Located(value, lines)


def _strip_discriminator(loc: Loc, value: Any) -> Loc:
    """Pydantic puts the union tag ('rss', 'mastodon', ...) into the error path; the YAML has no such level."""
    cleaned: list[str | int] = []
    node = value
    for part in loc:
        if isinstance(part, str) and part in SOURCE_KINDS and not (isinstance(node, dict) and part in node):
            continue
        cleaned.append(part)
        try:
            node = node[part]
        except (KeyError, IndexError, TypeError):
            node = None
    return tuple(cleaned)


def _line_for(loc: Loc, located: _Located) -> int | None:
    for end in range(len(loc), -1, -1):
        if loc[:end] in located.lines:
            return located.lines[loc[:end]]
    return None


def _fix_for(error: ErrorDetails, loc: Loc, located: _Located) -> tuple[str, str]:
    kind, message = error["type"], error["msg"]
    field = str(loc[-1]) if loc else "(top level)"
    if kind == "missing":
        return f"required field {field!r} is missing", f"add '{field}: ...'"
    if kind == "extra_forbidden":
        allowed = _allowed_fields(loc, located)
        close = difflib.get_close_matches(field, allowed, n=1)
        hint = f"did you mean {close[0]!r}?" if close else f"allowed here: {', '.join(sorted(allowed))}"
        return f"unknown field {field!r}", f"remove it or correct the spelling; {hint}"
    if kind == "union_tag_invalid":
        return f"unknown source kind {error.get('ctx', {}).get('tag')!r}", f"use one of: {', '.join(SOURCE_KINDS)}"
    if kind == "union_tag_not_found":
        return "a source needs a 'kind'", f"add 'kind:' with one of: {', '.join(SOURCE_KINDS)}"
    if kind in ("value_error", "assertion_error") and "; fix: " in message:
        text, fix = message.removeprefix("Value error, ").split("; fix: ", 1)
        return text, fix
    if kind == "literal_error":
        return f"{message} (got {error.get('input')!r})", "use one of the values listed"
    return f"{message} (got {error.get('input')!r})", "see the field's description in docs/CONFIGURATION.md"


def _allowed_fields(loc: Loc, located: _Located) -> list[str]:
    from monitor_config.schema import SourceBase

    parent = loc[:-1]
    if len(parent) == 2 and parent[0] == "sources":
        kinds = {get_args(cls.model_fields["kind"].annotation)[0]: cls for cls in SourceBase.__subclasses__()}
        node = located.value
        for part in parent:
            node = node[part]
        cls = kinds.get(node.get("kind")) if isinstance(node, dict) else None
        return list(cls.model_fields) if cls else []
    model: Any = MonitorConfig
    for part in parent:
        if isinstance(part, int):
            continue
        field = model.model_fields.get(part)
        if field is None:
            return []
        annotation = field.annotation
        args = getattr(annotation, "__args__", ())
        model = next((a for a in (annotation, *args) if hasattr(a, "model_fields")), None)
        if model is None:
            return []
    return list(model.model_fields)


def _problems_from(exc: ValidationError, located: _Located) -> list[ConfigProblem]:
    problems = []
    for error in exc.errors():
        loc = _strip_discriminator(tuple(error["loc"]), located.value)
        text, fix = _fix_for(error, loc, located)
        field = ".".join(str(p) for p in loc) or "(top level)"
        problems.append(ConfigProblem(_line_for(loc, located), field, text, fix))
    return problems


def _check_references(config: MonitorConfig, located: _Located) -> list[ConfigProblem]:
    problems: list[ConfigProblem] = []

    def add(loc: Loc, text: str, fix: str) -> None:
        problems.append(ConfigProblem(_line_for(loc, located), ".".join(map(str, loc)), text, fix))

    for section in ("categories", "sources", "watchlists"):
        seen: dict[str, int] = {}
        for i, item in enumerate(getattr(config, section)):
            if item.name in seen:
                add((section, i, "name"),
                    f"name {item.name!r} is used twice in {section} (also item {seen[item.name]})",
                    "give each entry its own name")
            seen[item.name] = i
    categories = [c.name for c in config.categories]
    sources = [s.name for s in config.sources]
    for i, watchlist in enumerate(config.watchlists):
        if watchlist.category not in categories:
            close = difflib.get_close_matches(watchlist.category, categories, n=1)
            add(("watchlists", i, "category"), f"category {watchlist.category!r} is not defined",
                f"did you mean {close[0]!r}?" if close else f"use one of: {', '.join(categories)}")
        for j, source in enumerate(watchlist.sources):
            if source not in sources:
                close = difflib.get_close_matches(source, sources, n=1)
                add(("watchlists", i, "sources", j), f"source {source!r} is not defined under 'sources'",
                    f"did you mean {close[0]!r}?" if close else "add it under 'sources' or remove it here")
    for name in config.classifier.categories.thresholds:
        if name not in categories:
            close = difflib.get_close_matches(name, categories, n=1)
            add(("classifier", "categories", "thresholds", name), f"category {name!r} is not defined",
                f"did you mean {close[0]!r}?" if close else f"use one of: {', '.join(categories)}")
    return problems


def parse_config(text: str, path: Path | str = "<string>") -> MonitorConfig:
    path = Path(path)
    located = _parse(text, path)
    if not isinstance(located.value, dict):
        raise ConfigError(path, [ConfigProblem(1, "(file)", "the top level must be a mapping of settings",
                                               "start from the shipped default.yaml")])
    try:
        config = MonitorConfig.model_validate(located.value)
    except ValidationError as exc:
        raise ConfigError(path, _problems_from(exc, located)) from None
    problems = _check_references(config, located)
    if problems:
        raise ConfigError(path, problems)
    return config


def load_config(path: Path | str | None = None) -> MonitorConfig:
    """Load and validate the watch configuration; `None` means the shipped default."""
    path = Path(path) if path is not None else DEFAULT_CONFIG
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError(path, [ConfigProblem(None, "(file)", "the file does not exist",
                                               "check the path, or set LEEFWERELD_CONFIG")]) from None
    except UnicodeDecodeError as exc:
        raise ConfigError(path, [ConfigProblem(None, "(file)", f"not UTF-8 text ({exc.reason})",
                                               "save the file as UTF-8")]) from None
    return parse_config(text, path)
