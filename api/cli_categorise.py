"""`leefwereld categorise IN.jsonl --out OUT.jsonl`: the stateless risk-category contract on the command line.

Registered in api.cli next to `cluster` with `app.command()(categorise)`.
"""
from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer


def categorise(
    ctx: typer.Context,
    in_file: Annotated[Path, typer.Argument(exists=True, dir_okay=False, help="JSON Lines with {\"id\", \"text\"}.")],
    out: Annotated[Path, typer.Option("--out", help="JSON Lines with {\"id\", \"categories\"} for every input line.")],
    embedder: Annotated[str | None, typer.Option(
        "--embedder", help="Embedder kind (e5-small, use-m3, minilm-test); default: the configuration's.")] = None,
) -> None:
    """Sort a file of posts into the configured risk categories (stateless); {} means no category."""
    from api.cli import _embedder, _fail, _settings, _watch
    from classifier.categorise.contract import categorise_file
    from classifier.exceptions import ClassifierError

    settings = _settings(ctx)
    watch = _watch(settings)
    try:
        found = categorise_file(in_file, out, _embedder(settings, embedder), watch)
    except ClassifierError as exc:
        raise _fail(str(exc)) from None
    typer.echo(f"{found} posts with a risk category written to {out}", err=True)
