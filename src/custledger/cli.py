"""The ``custledger`` command: serve, migrate, and the operator's chores."""

from __future__ import annotations

import asyncio
import json
import os
import sys
import tempfile
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Annotated, TypeVar

import typer
from sqlalchemy.ext.asyncio import AsyncSession

from custledger.auth.roles import CLIENT_ROLES, USER_ROLES, Role
from custledger.config import get_settings
from custledger.kit.db import Database
from custledger.kit.errors import DomainError

app = typer.Typer(help="custledger: the customer ledger of a retail chain.", no_args_is_help=True)
T = TypeVar("T")
METRICS_DIR = "PROMETHEUS_MULTIPROC_DIR"


def _run_in_session(work: Callable[[AsyncSession], Awaitable[T]]) -> T:
    """Run ``work`` in one transaction on the configured database, committed at the end."""

    async def go() -> T:
        database = Database()
        try:
            async with database.sessionmaker() as session:
                result = await work(session)
                await session.commit()
                return result
        finally:
            await database.dispose()

    try:
        return asyncio.run(go())
    except DomainError as exc:
        typer.echo(f"error: {exc.detail}", err=True)
        raise typer.Exit(1) from None


def migrations_dir() -> Path:
    for candidate in (
        Path(__file__).resolve().parents[2] / "migrations",
        Path.cwd() / "migrations",
    ):
        if (candidate / "env.py").is_file():
            return candidate
    raise RuntimeError("cannot find the migrations folder; run from the project's directory")


def alembic_config(database_url: str | None = None) -> object:
    from alembic.config import Config

    root = migrations_dir().parent
    config = Config(str(root / "alembic.ini"))
    config.set_main_option("script_location", str(migrations_dir()))
    if database_url:
        config.attributes["database_url"] = database_url
    return config


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="Interface to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
    workers: Annotated[int, typer.Option(help="Worker processes.")] = 1,
) -> None:
    """Run the API (and the built front end at /)."""
    import logging

    import uvicorn

    if get_settings().metrics_enabled and workers > 1 and not os.environ.get(METRICS_DIR):
        # Each worker writes its figures to files there; /metrics sums every worker's. A fresh
        # folder per start: files of an earlier run would be counted again.
        os.environ[METRICS_DIR] = tempfile.mkdtemp(prefix="custledger-metrics-")

    from custledger.frontend import describe
    from custledger.kit import logs

    settings = get_settings()
    logs.configure(settings.log_level)
    logging.getLogger("custledger.serve").info(describe(settings.frontend_path))
    uvicorn.run(
        "custledger.main:app",
        host=host,
        port=port,
        workers=workers,
        proxy_headers=True,
        server_header=False,
        log_level=settings.log_level.lower(),
        # One access line per request, ours (JSON, with the request id): not uvicorn's too.
        access_log=False,
    )


@app.command()
def migrate() -> None:
    """Bring the configured database to the latest schema (alembic upgrade head)."""
    from alembic import command

    settings = get_settings()
    if settings.is_sqlite:
        Path(settings.database_url.split("///", 1)[1]).parent.mkdir(parents=True, exist_ok=True)
    command.upgrade(alembic_config(), "head")  # type: ignore[arg-type]
    typer.echo("database is at the latest schema")


@app.command("create-user")
def create_user(
    username: str,
    role: Annotated[str, typer.Option(help="owner, manager or clerk.")],
    password_stdin: Annotated[
        bool, typer.Option("--password-stdin", help="Read the password from standard input.")
    ] = False,
    store: Annotated[str, typer.Option(help="Store code.")] = "MAIN",
    name: Annotated[str | None, typer.Option(help="Display name.")] = None,
) -> None:
    """Make a user. The password is read from standard input, never from the command line."""
    from custledger.stores import service as stores
    from custledger.users import service as users

    if role not in USER_ROLES:
        typer.echo(f"error: --role must be one of {', '.join(USER_ROLES)}", err=True)
        raise typer.Exit(2)
    if not password_stdin:
        typer.echo("error: pass --password-stdin and the password on standard input", err=True)
        raise typer.Exit(2)
    password = sys.stdin.readline().rstrip("\r\n")
    if len(password) < 8:
        typer.echo("error: the password must have at least 8 characters", err=True)
        raise typer.Exit(2)

    async def work(session: AsyncSession) -> int:
        store_id = (await stores.store_by_code(session, store)).id
        row = await users.create_user(
            session,
            username=username,
            password=password,
            role=Role(role),
            name=name,
            store_id=store_id,
        )
        return row.id

    user_id = _run_in_session(work)
    typer.echo(f"user {username} created (id {user_id}, role {role}, store {store.upper()})")


@app.command("create-api-client")
def create_api_client(
    name: str,
    role: Annotated[str, typer.Option(help="pos-terminal.")] = "pos-terminal",
    store: Annotated[str, typer.Option(help="Store code.")] = "MAIN",
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Make an API client (a POS terminal) and print its id and secret, this once."""
    from custledger.stores import service as stores
    from custledger.users import service as users

    if role not in CLIENT_ROLES:
        typer.echo(f"error: --role must be one of {', '.join(CLIENT_ROLES)}", err=True)
        raise typer.Exit(2)

    async def work(session: AsyncSession) -> tuple[str, str]:
        store_id = (await stores.store_by_code(session, store)).id
        row, secret = await users.create_api_client(
            session, name=name, role=Role(role), store_id=store_id
        )
        assert row.client_id is not None
        return row.client_id, secret

    client_id, secret = _run_in_session(work)
    if as_json:
        typer.echo(json.dumps({"client_id": client_id, "client_secret": secret}))
    else:
        typer.echo(f"client_id:     {client_id}\nclient_secret: {secret}")
        typer.echo("Keep the secret now: it is stored only as a hash and cannot be shown again.")


@app.command("create-store")
def create_store(code: str, name: str) -> None:
    """Add a store (with its hidden quick-sale customer)."""
    from custledger.stores import service as stores

    async def work(session: AsyncSession) -> int:
        return (await stores.create_store(session, code, name)).id

    store_id = _run_in_session(work)
    typer.echo(f"store {code.upper()} created (id {store_id})")


@app.command("seed-demo")
def seed_demo(
    if_empty: Annotated[
        bool, typer.Option("--if-empty", help="Do nothing (exit 0) if there are customers.")
    ] = False,
) -> None:
    """Fill an empty database with a realistic demo business and print the demo logins."""
    from custledger import demo

    async def work(session: AsyncSession) -> list[str]:
        return await demo.seed(session, if_empty=if_empty)

    for line in _run_in_session(work):
        typer.echo(line)


@app.command("recompute-balances")
def recompute_balances(
    fix: Annotated[bool, typer.Option("--fix", help="Repair what differs.")] = False,
) -> None:
    """Report (and with --fix repair) customers whose stored balance differs from the derived."""
    from custledger.balance import service as balance

    async def work(session: AsyncSession) -> list[str]:
        return await balance.recompute_all(session, fix=fix)

    differences = _run_in_session(work)
    for line in differences:
        typer.echo(line)
    if not differences:
        typer.echo("every stored balance equals the balance derived from the entries")
    elif not fix:
        raise typer.Exit(1)


def main() -> None:
    app()
