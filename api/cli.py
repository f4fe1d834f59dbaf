"""The `leefwereld` command line.

Exit codes: 0 success; 1 bad input or configuration (the message says what to fix); 2 wrong usage;
3 partly done (for example an import that skipped bad rows); 4 the capability is not available yet.
"""
from __future__ import annotations

import json
import logging
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn

from api.cli_privacy import privacy_app
from api.cli_users import user_app
from monitor_config import ConfigError, load_config
from monitor_config.exceptions import SettingsError
from monitor_config.settings import Settings, load_settings

EXIT_INVALID, EXIT_PARTIAL, EXIT_NOT_YET = 1, 3, 4
DEMO_CORPUS = Path(__file__).resolve().parent.parent / "crawlers" / "demo" / "demo_posts.jsonl"

app = typer.Typer(help="Monitor Online Leefwereld: early signals of online trends and risks among young people.",
                  no_args_is_help=True, add_completion=False)
config_app = typer.Typer(help="Check the YAML watch configuration.", no_args_is_help=True)
app.add_typer(config_app, name="config")
app.add_typer(user_app, name="user")
app.add_typer(privacy_app, name="privacy")
err = Console(stderr=True)
log = logging.getLogger("leefwereld")

JsonOption = Annotated[bool, typer.Option("--json", help="Print the result as JSON for other programs.")]


def _settings(ctx: typer.Context) -> Settings:
    return ctx.obj


def _fail(message: str, code: int = EXIT_INVALID) -> typer.Exit:
    typer.echo(f"error: {message}", err=True)
    return typer.Exit(code)


def _emit(data: Any, as_json: bool, text: str) -> None:
    if as_json:
        typer.echo(json.dumps(data, ensure_ascii=False, indent=2, default=str))
    else:
        typer.echo(text)


def _engine(settings: Settings) -> Any:
    from models.db import make_engine, upgrade_database

    engine = make_engine(settings.resolved_database_url, **settings.pool_options)
    upgrade_database(engine)
    return engine


def _watch(settings: Settings) -> Any:
    try:
        return settings.watch
    except ConfigError as exc:
        raise _fail(str(exc)) from None


def _pipeline(settings: Settings, **overrides: Any) -> Any:
    from pipeline import build_pipeline

    return build_pipeline(settings, _engine(settings), **overrides)


def _key(settings: Settings) -> bytes:
    try:
        return settings.pseudonym_key()
    except SettingsError as exc:
        raise _fail(str(exc)) from None


@app.callback()
def main(
    ctx: typer.Context,
    config: Annotated[Path | None, typer.Option(
        "--config", "-c",
        help="Watch configuration (YAML); default: LEEFWERELD_CONFIG or the shipped default.")] = None,
    demo: Annotated[bool | None, typer.Option("--demo/--no-demo", help="Demo mode (local key, demo log-in).")] = None,
) -> None:
    from models.logs import configure_logging

    overrides: dict[str, Any] = {}
    if config is not None:
        overrides["config"] = config
    if demo is not None:
        overrides["demo"] = demo
    try:
        settings = load_settings(**overrides)
    except ValueError as exc:
        raise _fail(str(exc)) from None
    configure_logging(settings.log_level, ("LEEFWERELD_PSEUDONYM_KEY", "LEEFWERELD_DATABASE_URL",
                                           "LEEFWERELD_SECRET_KEY", "LEEFWERELD_UPLOAD_TOKEN"))
    ctx.obj = settings


@config_app.command("check")
def config_check(
    ctx: typer.Context,
    file: Annotated[Path | None, typer.Argument(help="The YAML file; default: the configured one.")] = None,
    as_json: JsonOption = False,
) -> None:
    """Validate a watch configuration and report every error with file, line, field and fix."""
    path = file or _settings(ctx).config
    try:
        config = load_config(path)
    except ConfigError as exc:
        if as_json:
            _emit({"valid": False, "path": str(path), "problems": [p.as_dict() for p in exc.problems]}, True, "")
        else:
            for problem in exc.problems:
                typer.echo(problem.render(exc.path), err=True)
            typer.echo(f"{len(exc.problems)} problem(s) in {path}", err=True)
        raise typer.Exit(EXIT_INVALID) from None
    summary = {"valid": True, "path": str(path), "categories": len(config.categories),
               "watchlists": len(config.watchlists), "sources": len(config.sources)}
    lines, problems = _browser_overrides(_settings(ctx), config)
    summary |= {"browser_overrides": lines, "valid": not problems, "problems": [p.as_dict() for p in problems]}
    text = "\n".join([f"{path}: valid ({summary['categories']} categories, {summary['watchlists']} watchlists, "
                      f"{summary['sources']} sources)", *(f"  on top, from the browser: {line}" for line in lines),
                      *(p.render(Path("<browser>")) for p in problems)])
    _emit(summary, as_json, text)
    if problems:
        raise typer.Exit(EXIT_INVALID)


def _browser_overrides(settings: Settings, config: Any) -> tuple[list[str], list[Any]]:
    """The changes made in the administration pages, kept in the database on top of the YAML (when the database
    exists; `config check` never creates one)."""
    from api.config_state import describe_overrides
    from models.db import make_engine

    url = settings.resolved_database_url
    if url.startswith("sqlite:///") and not Path(url.removeprefix("sqlite:///")).exists():
        return [], []
    engine = make_engine(url)
    try:
        return describe_overrides(config, engine)
    except Exception:  # noqa: BLE001 - an unreachable database must not stop a check of the file
        return [], []
    finally:
        engine.dispose()


@app.command()
def init(ctx: typer.Context, as_json: JsonOption = False) -> None:
    """Create or upgrade the database and load the sources and watchlists of the configuration."""
    from models.db import current_revision, session_scope
    from models.sync import sync_configuration

    settings = _settings(ctx)
    watch = _watch(settings)
    engine = _engine(settings)
    with session_scope(engine) as session:
        counts = sync_configuration(session, watch)
    result = {"database": engine.url.render_as_string(hide_password=True), "revision": current_revision(engine),
              **counts}
    _emit(result, as_json, f"database ready at revision {result['revision']}: "
                           f"{counts['sources']} sources, {counts['watchlists']} watchlists")


@app.command("import")
def import_(
    ctx: typer.Context,
    file: Annotated[Path, typer.Argument(exists=True, dir_okay=False, readable=True, help="The file to import.")],
    fmt: Annotated[str | None, typer.Option("--format", "-f",
                                            help="jsonl, csv or 4cat; default: from the file name.")] = None,
    platform: Annotated[str, typer.Option(help="Platform for 4CAT rows that do not name one.")] = "4cat",
    as_json: JsonOption = False,
) -> None:
    """Import posts from JSON Lines, CSV or a 4CAT export. Bad rows are reported and skipped."""
    from crawlers.importers import FORMATS, import_file
    from crawlers.matching import WatchlistMatcher

    if fmt is not None and fmt not in FORMATS:
        raise _fail(f"--format {fmt!r} is not known; use one of: {', '.join(FORMATS)}", 2)
    settings = _settings(ctx)
    watch, key = _watch(settings), _key(settings)
    engine = _engine(settings)
    total_lines = sum(1 for _ in file.open("rb"))
    with Progress(TextColumn("importing"), BarColumn(), TextColumn("{task.completed}/{task.total} lines"),
                  console=err, disable=as_json or total_lines < 5000 or not err.is_terminal) as progress:
        task = progress.add_task("import", total=total_lines)
        report = import_file(file, engine=engine, key=key, fmt=fmt,  # type: ignore[arg-type]
                             matcher=WatchlistMatcher(watch.watchlists), platform=platform,
                             on_progress=lambda line: progress.update(task, completed=line))
    if not as_json:
        for error in report.errors:
            typer.echo(f"{file}:{error.line}: skipped: {error.reason}", err=True)
    _emit(report.as_dict(), as_json,
          f"{report.rows} rows read: {report.stored} stored, {report.duplicates} already present, "
          f"{report.error_count} skipped")
    if report.error_count:
        raise typer.Exit(EXIT_PARTIAL)


@app.command()
def purge(
    ctx: typer.Context,
    as_json: JsonOption = False,
    now: Annotated[datetime | None, typer.Option(help="Pretend it is this moment (UTC), for trials.")] = None,
) -> None:
    """Delete raw posts older than the retention period; aggregate counts and trends stay (the worker does this
    every night)."""
    from classifier.exceptions import ClassifierError
    from pipeline import stages
    from pipeline.worker import JobBusy, run_now

    settings = _settings(ctx)
    watch = _watch(settings)
    moment = (now.replace(tzinfo=UTC) if now and now.tzinfo is None else now) or datetime.now(UTC)
    try:
        report = run_now(_pipeline(settings, clock=lambda: moment), "purge", stages.purge)
    except (ClassifierError, JobBusy) as exc:  # nothing was purged: the kept state would still hold the purged texts
        raise _fail(str(exc)) from None
    _emit(report.as_dict(), as_json, f"deleted {report.posts_deleted} posts created before "
                                     f"{report.cutoff:%Y-%m-%d} (retention {watch.retention_days} days); "
                                     f"aggregates kept for {report.days_aggregated} days")


@app.command()
def demo(
    ctx: typer.Context,
    as_json: JsonOption = False,
    run_process: Annotated[bool, typer.Option("--process/--no-process", help="Also find the trends.")] = True,
) -> None:
    """Set up the demo: database, the bundled synthetic corpus, a demo log-in, and the trends."""
    from api.auth.users import DEMO_LOGIN_FILE, ensure_demo_user
    from crawlers.importers import import_file
    from crawlers.matching import WatchlistMatcher
    from models.db import session_scope
    from models.sync import sync_configuration

    settings = _settings(ctx).model_copy(update={"demo": True})
    watch, key = _watch(settings), _key(settings)
    engine = _engine(settings)
    with session_scope(engine) as session:
        sync_configuration(session, watch)
    if not DEMO_CORPUS.exists():
        raise _fail(f"the demo corpus {DEMO_CORPUS} is missing from this installation")
    report = import_file(DEMO_CORPUS, engine=engine, key=key, fmt="jsonl", matcher=WatchlistMatcher(watch.watchlists))
    with session_scope(engine) as session:
        username, password = ensure_demo_user(session, settings.home)
    login = {"username": username, "password_file": str(settings.home / DEMO_LOGIN_FILE)}
    result = {**report.as_dict(), "login": login}
    text = (f"demo corpus (synthetic): {report.stored} new posts, {report.duplicates} already present\n"
            f"log in as '{username}' with password '{password}' (kept in {settings.home / DEMO_LOGIN_FILE})")
    if run_process:
        from pipeline import stages

        processed = stages.process(_pipeline(settings, embedder=_embedder(settings, None))).report
        result["processing"] = processed.as_dict()
        text += f"\ntrends: {processed.trends} ({processed.posts} posts processed in this run)"
    _emit(result, as_json, text)


def _not_yet(capability: str, issue: str) -> typer.Exit:
    return _fail(f"{capability} is not available yet in this version (planned: {issue}).", EXIT_NOT_YET)


@app.command()
def crawl(
    ctx: typer.Context,
    once: Annotated[bool, typer.Option("--once", help="Crawl every enabled source (or --source) once, now.")] = False,
    source: Annotated[str | None, typer.Option("--source", help="Crawl only this source.")] = None,
    status: Annotated[bool, typer.Option("--status", help="Show the latest runs and each source's cursors.")] = False,
    as_json: JsonOption = False,
) -> None:
    """Run the collectors once now, or show how the latest runs went."""
    from crawlers.exceptions import SourceNotUsable
    from crawlers.runner import run_crawl
    from crawlers.status import crawl_status, describe_status

    if once == status:
        raise _fail("use --once to crawl now, or --status to see the latest runs", 2)
    settings = _settings(ctx)
    _watch(settings)
    engine = _engine(settings)
    if status:
        report = crawl_status(engine)
        _emit(report, as_json, describe_status(report))
        return
    _key(settings)
    try:
        runs = run_crawl(settings, engine, source=source)
    except SourceNotUsable as exc:
        raise _fail(str(exc)) from None
    lines = [f"{r['source']}: {r['status']}, {r['items']['stored']} new, {r['items']['duplicate']} known, "
             f"{r['items']['dropped']} dropped" + "".join(f"\n  error: {e}" for e in r["errors"]) for r in runs]
    _emit({"runs": runs}, as_json, "\n".join(lines) or "no enabled source to crawl")
    if any(r["status"] != "ok" for r in runs):
        raise typer.Exit(EXIT_PARTIAL)


EmbedderOption = Annotated[str | None, typer.Option(
    "--embedder", help="Embedder kind (e5-small, use-m3, minilm-test); default: the configuration's.")]


def _embedder(settings: Settings, kind: str | None) -> Any:
    from classifier.embed import load_embedder
    from classifier.exceptions import ClassifierError
    from monitor_config.embedder import EmbedderSpec

    try:
        spec = settings.watch.classifier.embedder if kind is None else EmbedderSpec(kind=kind)
        return load_embedder(spec, cache_dir=settings.model_cache)
    except (ClassifierError, ValueError) as exc:
        raise _fail(str(exc)) from None


@app.command()
def process(
    ctx: typer.Context,
    as_json: JsonOption = False,
    rebuild: Annotated[bool, typer.Option("--rebuild", help="Forget the trends and process every post again.")] = False,
    embedder: EmbedderOption = None,
) -> None:
    """Embed, categorise and cluster the posts no run has processed yet, update the trends, and queue reviews and
    alerts (the worker does this every `classifier.process_every`)."""
    from classifier.exceptions import ClassifierError
    from pipeline import stages
    from pipeline.worker import JobBusy, run_now

    settings = _settings(ctx)
    _watch(settings)
    try:
        done = run_now(_pipeline(settings, embedder=_embedder(settings, embedder)), "process", stages.process,
                       rebuild=rebuild)
    except (ClassifierError, JobBusy) as exc:
        raise _fail(str(exc)) from None
    report = done.report
    _emit(done.as_dict(), as_json,
          f"processed {report.posts} posts ({report.embedded} newly embedded, {report.categorised} category "
          f"labels): {report.trends} trends, {len(report.emerging)} newly emerging, {done.reviews_flagged} sent "
          f"to review, {done.alerts_queued} alerts queued")


@app.command()
def cluster(
    ctx: typer.Context,
    in_file: Annotated[Path, typer.Argument(exists=True, dir_okay=False, help="JSON Lines with {\"id\", \"text\"}.")],
    out: Annotated[Path, typer.Option("--out", help="JSON Lines with {\"id\", \"cluster\"} for every input line.")],
    embedder: EmbedderOption = None,
) -> None:
    """Cluster a file of posts (stateless); -1 means not assigned. The number of clusters is found automatically."""
    from classifier.cli_contract import cluster_file
    from classifier.exceptions import ClassifierError

    settings = _settings(ctx)
    try:
        found = cluster_file(in_file, out, _embedder(settings, embedder), settings.watch.classifier.trends)
    except ClassifierError as exc:
        raise _fail(str(exc)) from None
    typer.echo(f"{found} clusters written to {out}", err=True)


@app.command()
def categorise(
    ctx: typer.Context,
    in_file: Annotated[Path, typer.Argument(exists=True, dir_okay=False, help="JSON Lines with {\"id\", \"text\"}.")],
    out: Annotated[Path, typer.Option("--out", help="JSON Lines with {\"id\", \"categories\"} for every input line.")],
    embedder: EmbedderOption = None,
) -> None:
    """Sort a file of posts into the configured risk categories (stateless); {} means no category."""
    from classifier.categorise.cache import CategoryModelCache
    from classifier.categorise.contract import categorise_file
    from classifier.exceptions import ClassifierError

    settings = _settings(ctx)
    watch = _watch(settings)
    try:
        found = categorise_file(in_file, out, _embedder(settings, embedder), watch,
                                CategoryModelCache(settings.model_cache / "categories"))
    except ClassifierError as exc:
        raise _fail(str(exc)) from None
    typer.echo(f"{found} posts with a risk category written to {out}", err=True)


@app.command()
def redact(
    in_file: Annotated[Path, typer.Argument(exists=True, dir_okay=False, help="JSON Lines with {\"id\", \"text\"}.")],
    out: Annotated[Path, typer.Option("--out", help="JSON Lines with {\"id\", \"text\"}, the text redacted.")],
) -> None:
    """Mask contact details and full names in a file of texts, as the product does before it stores a post."""
    from models.redaction.contract import RedactInputError, redact_file

    try:
        count = redact_file(in_file, out)
    except RedactInputError as exc:
        raise _fail(str(exc)) from None
    typer.echo(f"{count} texts redacted into {out}", err=True)


@app.command()
def replay(
    ctx: typer.Context,
    in_file: Annotated[Path, typer.Argument(exists=True, dir_okay=False,
                                            help="JSON Lines with {\"id\", \"text\", \"created_at\"[, "
                                                 "\"platform\", \"author\"]}.")],
    out: Annotated[Path, typer.Option("--out", help="TRENDS.json: every trend with its posts.")],
    window: Annotated[str, typer.Option("--window", help="Window length such as 1h, 6h, 1d.")] = "1d",
    embedder: EmbedderOption = None,
) -> None:
    """Replay posts in time order, window by window as the scheduler would; the database is not touched."""
    from classifier.cli_contract import replay_file
    from classifier.exceptions import ClassifierError

    settings = _settings(ctx)
    try:
        trends = replay_file(in_file, out, window, _embedder(settings, embedder), settings.watch.classifier.trends)
    except (ClassifierError, ValueError) as exc:
        raise _fail(str(exc)) from None
    flagged = sum(1 for t in trends if t.get("emerging_at"))
    typer.echo(f"{len(trends)} trends ({flagged} flagged emerging) written to {out}", err=True)


@app.command()
def trends(
    ctx: typer.Context,
    status: Annotated[list[str] | None, typer.Option(
        help="new, emerging, active, fading or dormant; repeatable.")] = None,
    category: Annotated[list[str] | None, typer.Option(help="Category name; repeatable.")] = None,
    keyword: Annotated[str | None, typer.Option(help="Part of the label, a keyword or a hashtag.")] = None,
    limit: Annotated[int, typer.Option(min=1, max=1000, help="How many to list.")] = 50,
    as_json: JsonOption = False,
) -> None:
    """List trends, the most recently emerged first."""
    from api.cli_reports import write_trends
    from api.queries.trends import TrendFilters
    from monitor_config.vocabulary import TREND_STATUSES

    unknown = [s for s in status or [] if s not in TREND_STATUSES]
    if unknown:
        raise _fail(f"--status {unknown[0]!r} is not known; use one of: {', '.join(TREND_STATUSES)}", 2)
    settings = _settings(ctx)
    filters = TrendFilters(categories=tuple(category or ()), statuses=tuple(status or ()), keyword=keyword)
    typer.echo(write_trends(_engine(settings), _watch(settings), filters=filters, limit=limit, as_json=as_json))


@app.command()
def digest(
    ctx: typer.Context,
    week: Annotated[str | None, typer.Option(help="ISO week such as 2026-W47; default: last complete week.")] = None,
    fmt: Annotated[str, typer.Option("--format", "-f", help="md, html or json.")] = "md",
    lang: Annotated[str, typer.Option(help="nl (default) or en.")] = "nl",
    base_url: Annotated[str, typer.Option(help="Site address for the links, e.g. https://monitor.example.")] = "",
) -> None:
    """Print the weekly digest of new, emerging, growing and fading trends (Europe/Amsterdam weeks)."""
    from api.cli_reports import write_digest
    from api.digest import FORMATS, InvalidWeekError, parse_week
    from monitor_config.vocabulary import LANGUAGES

    if fmt not in FORMATS:
        raise _fail(f"--format {fmt!r} is not known; use one of: {', '.join(FORMATS)}", 2)
    if lang not in LANGUAGES:
        raise _fail(f"--lang {lang!r} is not known; use one of: {', '.join(LANGUAGES)}", 2)
    try:
        iso_week = parse_week(week) if week else None
    except InvalidWeekError as exc:
        raise _fail(str(exc)) from None
    settings = _settings(ctx)
    typer.echo(write_digest(_engine(settings), _watch(settings), week=iso_week, fmt=fmt, lang=lang,
                            base_url=base_url, now=datetime.now(UTC)))


@app.command()
def serve(
    ctx: typer.Context,
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
    with_worker: Annotated[bool, typer.Option("--with-worker", help="Also start `leefwereld worker` as a separate "
                                                                     "process (a one-machine trial).")] = False,
) -> None:
    """Serve the web pages and the API. The scheduled jobs run in `leefwereld worker`."""
    import uvicorn

    from api.app import create_app

    settings = _settings(ctx)
    _watch(settings)
    _key(settings)  # refuse to start without a pseudonymisation key outside demo mode
    try:
        settings.session_secret()
    except SettingsError as exc:
        raise _fail(str(exc)) from None
    engine = _engine(settings)
    application = create_app(settings, engine=engine)
    child = None
    if with_worker:
        from pipeline.worker import start_worker_process

        log_path = Path(settings.home).resolve() / "logs" / "worker.log"
        child = start_worker_process(settings, log_path)
        typer.echo(f"worker started (process {child.pid}, log {log_path})")
    typer.echo(f"Monitor Online Leefwereld: open http://{host}:{port}/")
    try:
        uvicorn.run(application, host=host, port=port, log_config=None)
    finally:
        if child is not None:
            child.terminate()
            child.wait(timeout=120)


@app.command()
def worker(
    ctx: typer.Context,
    parent: Annotated[int | None, typer.Option(hidden=True, help="Stop when this process is gone.")] = None,
) -> None:
    """Run the scheduled jobs: crawls, processing, alert delivery, daily bundles, the weekly digest and the nightly
    purge. Several workers may share one database: each scheduled run happens in exactly one of them."""
    from models.overrides import use_stored_overrides
    from pipeline.schedule import scheduled_jobs
    from pipeline.worker import Worker, run_worker

    settings = _settings(ctx)
    _watch(settings)
    _key(settings)  # crawls pseudonymise authors
    watch = use_stored_overrides(settings, _engine(settings))  # watchlists and sources changed in the browser
    typer.echo(f"worker for {settings.resolved_database_url.split('@')[-1]}: crawls "
               f"{'off (demo mode)' if settings.demo else 'on'}; stop with Ctrl-C", err=True)
    run_worker(Worker(_pipeline(settings), scheduled_jobs(watch, crawl=not settings.demo)), parent=parent)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(app())
