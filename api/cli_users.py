"""`leefwereld user ...`: add users (the first admin too), list them, and make or revoke API tokens.

Exit codes as in api.cli: 0 success; 1 bad input (the message says what to fix).
"""
from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Annotated, Any

import typer
from sqlmodel import Session

from api.auth import (
    AuthError,
    check_password_strength,
    check_username,
    create_api_token,
    create_user,
    get_user,
    list_api_tokens,
    list_users,
    revoke_api_token,
)
from models.types import utcnow
from monitor_config.settings import Settings
from monitor_config.vocabulary import ROLES

EXIT_INVALID = 1
ACTOR = "cli"

user_app = typer.Typer(help="Manage users, roles and API tokens.", no_args_is_help=True)
JsonOption = Annotated[bool, typer.Option("--json", help="Print the result as JSON for other programs.")]


@contextmanager
def _session_scope(ctx: typer.Context) -> Iterator[Session]:
    from models.db import make_engine, session_scope, upgrade_database

    settings: Settings = ctx.obj
    engine = make_engine(settings.resolved_database_url)
    try:
        upgrade_database(engine)
        with session_scope(engine) as session:
            yield session
    finally:
        engine.dispose()


def _fail(exc: Exception) -> typer.Exit:
    typer.echo(f"error: {exc}", err=True)
    return typer.Exit(EXIT_INVALID)


def _read_password(from_stdin: bool) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    return typer.prompt("Wachtwoord / password", hide_input=True,
                        confirmation_prompt="Nogmaals / repeat")


@user_app.command("add")
def add(
    ctx: typer.Context,
    username: Annotated[str, typer.Argument(help="The log-in name.")],
    role: Annotated[str, typer.Option(help=f"One of: {', '.join(ROLES)}.")],
    email: Annotated[str | None, typer.Option(help="E-mail address for digests and alerts.")] = None,
    password_stdin: Annotated[bool, typer.Option("--password-stdin", help="Read the password from the first "
                                                 "line of standard input instead of prompting.")] = False,
    as_json: JsonOption = False,
) -> None:
    """Add a user (for example the first admin). User names have 1-64 characters; passwords at least 12, not
    mostly spaces, not the user name and not a common password."""
    try:
        check_username(username)
    except AuthError as exc:
        raise _fail(exc) from None
    password = _read_password(password_stdin)
    try:
        check_password_strength(password, username=username)
        with _session_scope(ctx) as session:
            user = create_user(session, username=username, password=password, role=role, email=email, actor=ACTOR)
            result = {"id": user.id, "username": user.username, "role": user.role}
    except AuthError as exc:
        raise _fail(exc) from None
    _emit(result, as_json, f"user {username} added with role {role}")


@user_app.command("list")
def list_(ctx: typer.Context, as_json: JsonOption = False) -> None:
    """List the users and their roles."""
    with _session_scope(ctx) as session:
        rows = [{"id": u.id, "username": u.username, "email": u.email, "role": u.role, "active": u.active,
                 "created_at": u.created_at.isoformat()} for u in list_users(session)]
    text = "\n".join(f"{r['username']}\t{r['role']}\t{r['email'] or '-'}\t{'active' if r['active'] else 'inactive'}"
                     for r in rows) or "no users yet; add one with `leefwereld user add NAME --role admin`"
    _emit(rows, as_json, text)


@user_app.command("token")
def token(
    ctx: typer.Context,
    username: Annotated[str, typer.Argument(help="Whose token.")],
    name: Annotated[str, typer.Option(help="What the token is for, e.g. the program's name.")] = "cli",
    revoke: Annotated[int | None, typer.Option(
        "--revoke", metavar="ID", help="Revoke this token of the user instead (ids: `user tokens`).")] = None,
) -> None:
    """Make an API token and print it once; only its hash is kept. Send it as `Authorization: Bearer <token>`.
    With `--revoke ID`, revoke one of the user's tokens: programs using it get 401 from then on."""
    if revoke is not None:
        try:
            with _session_scope(ctx) as session:
                revoke_api_token(session, token_id=revoke, actor=ACTOR, now=utcnow(), owner=get_user(session, username))
        except AuthError as exc:
            raise _fail(exc) from None
        typer.echo(f"token {revoke} of {username} revoked")
        return
    try:
        with _session_scope(ctx) as session:
            api_token, plain = create_api_token(session, user=get_user(session, username), name=name, actor=ACTOR)
            token_id = api_token.id
    except AuthError as exc:
        raise _fail(exc) from None
    typer.echo(f"token {token_id} for {username}; it is shown only this once:", err=True)
    typer.echo(plain)


@user_app.command("tokens")
def tokens(ctx: typer.Context, username: Annotated[str, typer.Argument(help="Whose tokens.")],
           as_json: JsonOption = False) -> None:
    """List a user's API tokens (id, name, first characters, when last used, whether revoked)."""
    try:
        with _session_scope(ctx) as session:
            rows = [{"id": t.id, "name": t.name, "prefix": t.prefix, "created_at": t.created_at.isoformat(),
                     "last_used_at": t.last_used_at and t.last_used_at.isoformat(),
                     "revoked": t.revoked_at is not None}
                    for t in list_api_tokens(session, get_user(session, username))]
    except AuthError as exc:
        raise _fail(exc) from None
    _emit(rows, as_json, "\n".join(f"{r['id']}\t{r['name']}\t{r['prefix']}…\t{'revoked' if r['revoked'] else 'active'}"
                                   for r in rows) or f"{username} has no tokens")


@user_app.command("revoke-token")
def revoke_token(ctx: typer.Context, token_id: Annotated[int, typer.Argument(help="The token's id.")]) -> None:
    """Revoke an API token; programs using it get 401 from then on."""
    try:
        with _session_scope(ctx) as session:
            revoke_api_token(session, token_id=token_id, actor=ACTOR, now=utcnow())
    except AuthError as exc:
        raise _fail(exc) from None
    typer.echo(f"token {token_id} revoked")


def _emit(data: Any, as_json: bool, text: str) -> None:
    typer.echo(json.dumps(data, ensure_ascii=False, indent=2, default=str) if as_json else text)
