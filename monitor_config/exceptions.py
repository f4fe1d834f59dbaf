"""Errors of the watch configuration.

ConfigError
  carries one ConfigProblem per mistake found, each with line, field, what is wrong and how to fix it.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class ConfigProblem:
    line: int | None
    field: str
    message: str
    fix: str

    def render(self, path: Path) -> str:
        where = f"{path}:{self.line}" if self.line else str(path)
        fix = self.fix if self.fix.endswith((".", "?", "!")) else f"{self.fix}."
        return f"{where}: {self.field}: {self.message}. Fix: {fix}"

    def as_dict(self) -> dict[str, object]:
        return {"line": self.line, "field": self.field, "message": self.message, "fix": self.fix}


class ConfigError(Exception):
    def __init__(self, path: Path, problems: list[ConfigProblem]) -> None:
        self.path = path
        self.problems = problems
        super().__init__("\n".join(p.render(path) for p in problems))


class SettingsError(Exception):
    """A process setting (environment variable) is missing or unusable; the message says how to fix it."""
