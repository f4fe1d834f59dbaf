"""`leefwereld privacy report`: the algorithm register entry and the DPIA starting point, from the running
configuration (docs/PRIVACY.md includes its output).

Exit codes as in api.cli: 0 success; 1 bad configuration (the message says what to fix); 2 wrong usage.
"""
from __future__ import annotations

import os
import re
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated

import typer

from monitor_config import ConfigError
from monitor_config.settings import Settings

privacy_app = typer.Typer(help="What the monitor stores and why: the register entry and the DPIA starting point.",
                          no_args_is_help=True)
FORMATS = ("md", "json")
BEGIN, END = "<!-- privacy-report:begin -->", "<!-- privacy-report:end -->"


def write_into(document: Path, text: str) -> None:
    """Replace what stands between the report markers of `document` (docs/PRIVACY.md) with `text`."""
    content = document.read_text(encoding="utf-8")
    if BEGIN not in content or END not in content:
        raise ValueError(f"{document} has no {BEGIN} ... {END} block; fix: add the two markers where the report goes")
    body = re.sub(r"(?m)^(#{1,4}) ", r"##\1 ", text)  # the report's headings sit two levels deeper in the doc
    pattern = re.compile(re.escape(BEGIN) + ".*?" + re.escape(END), re.DOTALL)
    document.write_text(pattern.sub(lambda _: f"{BEGIN}\n{body}{END}", content), encoding="utf-8")


@privacy_app.command("report")
def report(
    ctx: typer.Context,
    fmt: Annotated[str, typer.Option("--format", "-f", help="md (default) or json.")] = "md",
    update_doc: Annotated[Path | None, typer.Option("--update-doc", help="Write the Markdown report between the "
                                                    "privacy-report markers of this file (docs/PRIVACY.md).")] = None,
) -> None:
    """Print the organisation's entry for the Dutch algorithm register (Algoritmeregister, in Dutch) and the
    starting point of its DPIA (the WP248 criteria that apply, the AP's scraping guidance), generated from the
    running configuration. Fields only the organisation can fill in are marked [IN TE VULLEN: ...]."""
    from api.privacy_report import Deployment, build_privacy_report, render_json, render_markdown

    if fmt not in FORMATS:
        typer.echo(f"error: --format {fmt!r} is not known; use one of: {', '.join(FORMATS)}", err=True)
        raise typer.Exit(2)
    settings: Settings = ctx.obj
    try:
        config = settings.watch
    except ConfigError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(1) from None
    database = "PostgreSQL" if settings.resolved_database_url.startswith("postgresql") else "SQLite"
    deployment = Deployment(demo=settings.demo, database=database,
                            pseudonym_key_set=bool(os.environ.get(config.pseudonym_key_env)),
                            today=datetime.now(UTC).astimezone(config.zone).date())
    built = build_privacy_report(config, deployment)
    if update_doc is not None:
        try:
            write_into(update_doc, render_markdown(built, deployment))
        except (OSError, ValueError) as exc:
            typer.echo(f"error: {exc}", err=True)
            raise typer.Exit(1) from None
        typer.echo(f"report written into {update_doc}", err=True)
        return
    typer.echo(render_json(built) if fmt == "json" else render_markdown(built, deployment), nl=False)
