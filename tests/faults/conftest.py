"""Fault injection: a private, throwaway PostgreSQL cluster the tests may stop and start, the
app bound to it, and checks of what the database holds afterwards.

The shared server the rest of the suite uses is never stopped: other runs depend on it. The
private cluster is built with ``initdb`` into a temporary folder and started with ``pg_ctl`` on a
free local port. PostgreSQL refuses to run as root, so under root its programs run as the
``postgres`` system user. Without the PostgreSQL server programs the restart tests are skipped,
except in CI (``CI=true``), where that is a failure.
"""

from __future__ import annotations

import contextlib
import glob
import os
import shutil
import socket
import subprocess
import tempfile
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession, create_async_engine

from tests.conftest import lasting_token, pg_admin

SERVER_PROGRAMS = ("initdb", "pg_ctl", "postgres")
DATABASE_NAME = "custledger"


def _in_ci() -> bool:
    return os.environ.get("CI", "").lower() in {"1", "true", "yes"}


def postgres_bindir() -> Path | None:
    """The folder holding initdb, pg_ctl and postgres, or None."""
    candidates: list[Path] = []
    pg_config = shutil.which("pg_config")
    if pg_config:
        found = subprocess.run(  # noqa: S603 - a fixed program found on PATH
            [pg_config, "--bindir"], capture_output=True, text=True, check=False, timeout=10
        )
        if found.returncode == 0 and found.stdout.strip():
            candidates.append(Path(found.stdout.strip()))
    candidates += [Path(p) for p in sorted(glob.glob("/usr/lib/postgresql/*/bin"), reverse=True)]
    for folder in candidates:
        if all((folder / program).is_file() for program in SERVER_PROGRAMS):
            return folder
    return None


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class PrivateCluster:
    """A PostgreSQL cluster of our own in a temporary folder; stop and start it at will."""

    def __init__(self, bindir: Path, root: Path) -> None:
        self.bindir = bindir
        self.root = root
        self.data = root / "data"
        self.sockets = root / "sockets"
        self.logfile = root / "server.log"
        self.port = free_port()
        self.as_root = os.geteuid() == 0

    def _run(self, program: str, *args: str, timeout: float = 60) -> None:
        command = [str(self.bindir / program), *args]
        if self.as_root:
            command = ["runuser", "-u", "postgres", "--", *command]
        done = subprocess.run(  # noqa: S603 - our own fixed arguments
            command, capture_output=True, text=True, check=False, timeout=timeout
        )
        if done.returncode != 0:
            raise RuntimeError(
                f"{program} {' '.join(args)} failed ({done.returncode}):\n"
                f"{done.stdout}\n{done.stderr}\n{self.log_tail()}"
            )

    def log_tail(self, lines: int = 30) -> str:
        try:
            return "\n".join(self.logfile.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""

    def init(self) -> None:
        self.sockets.mkdir(parents=True)
        if self.as_root:
            for path in (self.root, self.sockets):
                shutil.chown(path, user="postgres", group="postgres")
        self._run(
            "initdb",
            "-D",
            str(self.data),
            "-U",
            "postgres",
            "--auth=trust",
            "--encoding=UTF8",
            "--no-locale",
            "--no-sync",
        )

    def start(self) -> None:
        options = (
            f"-p {self.port} -k {self.sockets} -c listen_addresses=127.0.0.1 -c fsync=off "
            "-c max_connections=60"
        )
        self._run(
            "pg_ctl", "-D", str(self.data), "-l", str(self.logfile), "-w", "-t", "30",
            "-o", options, "start",
        )  # fmt: skip

    def stop(self, mode: str = "fast") -> None:
        self._run("pg_ctl", "-D", str(self.data), "-m", mode, "-w", "-t", "30", "stop")

    def url(self, database: str = DATABASE_NAME) -> str:
        return f"postgresql+asyncpg://postgres@127.0.0.1:{self.port}/{database}"


@pytest.fixture(scope="module")
def private_cluster() -> Iterator[PrivateCluster]:
    """A running private cluster with the custledger database migrated to head."""
    import asyncio

    from alembic import command

    from custledger.cli import alembic_config

    bindir = postgres_bindir()
    if bindir is None:
        message = "the PostgreSQL server programs (initdb, pg_ctl, postgres) are not installed"
        if _in_ci():
            pytest.fail(f"{message}; CI needs them")
        pytest.skip(message)
    root = Path(tempfile.mkdtemp(prefix="custledger-faults-"))
    cluster = PrivateCluster(bindir, root)
    try:
        cluster.init()
        cluster.start()
        asyncio.run(pg_admin(f'CREATE DATABASE "{DATABASE_NAME}"', cluster.url("postgres")))
        config: Any = alembic_config(cluster.url())
        config.attributes["configure_logger"] = False
        command.upgrade(config, "head")
        yield cluster
    finally:
        with contextlib.suppress(RuntimeError, OSError, subprocess.TimeoutExpired):
            cluster.stop("immediate")
        shutil.rmtree(root, ignore_errors=True)


@dataclass
class PrivateApp:
    cluster: PrivateCluster
    database: Any  # custledger.kit.db.Database
    client: httpx.AsyncClient
    owner_headers: dict[str, str]
    owner_id: int


async def _empty(session: AsyncSession) -> None:
    """Every test starts from the migrated state: no customers, payments or principals."""
    await session.execute(
        text(
            "TRUNCATE payments, cheques, deliveries, orders, idempotency_keys, audit_log, "
            "monthly_totals RESTART IDENTITY CASCADE"
        )
    )
    await session.execute(text("DELETE FROM customers WHERE NOT is_quick_sale"))
    await session.execute(text("UPDATE customers SET balance = 0, credit_reserved = 0"))
    await session.commit()


@pytest.fixture
async def private_app(private_cluster: PrivateCluster) -> AsyncIterator[PrivateApp]:
    """The app wired to the private cluster (the process-wide database swapped for the
    test's duration), an httpx client calling it in-process, and an owner's token."""
    from custledger.app import create_app
    from custledger.auth.models import PrincipalRow
    from custledger.auth.roles import ROLE_PERMISSIONS, Role
    from custledger.config import Settings
    from custledger.kit import db as kit_db

    previous = kit_db._database
    database = kit_db.Database(Settings(database_url=private_cluster.url()))
    kit_db.set_database(database)
    try:
        async with database.sessionmaker() as s:
            await _empty(s)
            store_id = await s.scalar(text("SELECT id FROM stores WHERE code = 'MAIN'"))
            assert store_id is not None
            principal = await s.scalar(text("SELECT id FROM principals WHERE name = 'owner'"))
            if principal is None:
                row = PrincipalRow(
                    kind="user",
                    name="owner",
                    username="owner",
                    password_hash="not-a-usable-hash",  # the tests authenticate by token
                    role="owner",
                    permissions=sorted(ROLE_PERMISSIONS[Role.OWNER]),
                    store_id=store_id,
                    active=True,
                )
                s.add(row)
                await s.commit()
                principal = row.id
        transport = httpx.ASGITransport(app=create_app())
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
            yield PrivateApp(
                cluster=private_cluster,
                database=database,
                client=client,
                owner_headers={"Authorization": f"Bearer {lasting_token(int(principal))}"},
                owner_id=int(principal),
            )
    finally:
        await database.dispose()
        kit_db.set_database(previous)


async def idle_in_transaction_on(url: str) -> list[str]:
    """The backends of the database at ``url`` left idle inside a transaction."""
    engine = create_async_engine(url, isolation_level="AUTOCOMMIT")
    try:
        async with engine.connect() as connection:
            rows = await connection.execute(
                text(
                    "SELECT pid, application_name, left(query, 80) FROM pg_stat_activity "
                    "WHERE datname = current_database() AND state LIKE 'idle in transaction%' "
                    "AND pid <> pg_backend_pid()"
                )
            )
            return [str(tuple(r)) for r in rows]
    finally:
        await engine.dispose()
