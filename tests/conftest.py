"""The test harness: a fresh database per run (SQLite file or a new PostgreSQL database),
built by the migrations, emptied before every test; the app called in-process through httpx.

``CUSTLEDGER_TEST_BACKEND=sqlite|postgres`` picks the database (``make test`` runs both).
PostgreSQL is found at ``CUSTLEDGER_TEST_DATABASE_URL``; when it is unreachable the run is
skipped with a message, except in CI (``CI=true``), where that is a failure.
"""

from __future__ import annotations

import asyncio
import os
import secrets
import tempfile
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession, create_async_engine

BACKEND = os.environ.get("CUSTLEDGER_TEST_BACKEND", "sqlite")
PG_ADMIN_URL = os.environ.get(
    "CUSTLEDGER_TEST_DATABASE_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432/postgres"
)
TEST_PASSWORD = "test-password-123"


def pytest_report_header() -> str:
    return f"custledger test database backend: {BACKEND}"


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if BACKEND == "postgres":
        return
    skip = pytest.mark.skip(reason="needs PostgreSQL (runs in the PostgreSQL half of make test)")
    for item in items:
        if "postgres" in item.keywords:
            item.add_marker(skip)


async def pg_admin(sql: str, url: str = PG_ADMIN_URL) -> None:
    """Run one statement outside a transaction (CREATE / DROP DATABASE)."""
    engine = create_async_engine(url, isolation_level="AUTOCOMMIT")
    try:
        async with engine.connect() as connection:
            await connection.execute(text(sql))
    finally:
        await engine.dispose()


def _database_url(admin_url: str, name: str) -> str:
    base, _, _ = admin_url.rpartition("/")
    return f"{base}/{name}"


@pytest.fixture(scope="session")
def database_url() -> Iterator[str]:
    if BACKEND == "postgres":
        name = f"custledger_test_{os.getpid()}_{secrets.token_hex(3)}"
        try:
            asyncio.run(pg_admin(f'CREATE DATABASE "{name}"'))
        except (OSError, Exception) as exc:
            message = f"PostgreSQL at {PG_ADMIN_URL} is unreachable ({type(exc).__name__}: {exc})"
            if os.environ.get("CI", "").lower() in {"1", "true", "yes"}:
                pytest.exit(f"{message}; CI needs it", returncode=1)
            pytest.skip(f"{message}; skipping the PostgreSQL half")
        try:
            yield _database_url(PG_ADMIN_URL, name)
        finally:
            asyncio.run(pg_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    else:
        with tempfile.TemporaryDirectory() as folder:
            yield f"sqlite+aiosqlite:///{Path(folder) / 'test.db'}"


@pytest.fixture(scope="session")
def migrated(database_url: str) -> str:
    """Configure the app for the test database and build its schema with the migrations."""
    from alembic import command

    os.environ["CUSTLEDGER_DATABASE_URL"] = database_url
    os.environ["CUSTLEDGER_ENVIRONMENT"] = "test"
    os.environ.setdefault("CUSTLEDGER_LOG_LEVEL", "WARNING")
    # The suite is no till: it sends thousands of requests a second as principal 1. The limits
    # stay on (every request takes a token); tests/kit/test_ratelimit.py sets small budgets.
    for name in ("RATE_LIMIT", "CLIENT_RATE_LIMIT", "LOGIN_RATE_LIMIT"):
        os.environ.setdefault(f"CUSTLEDGER_{name}_PER_SECOND", "1000000")
        os.environ.setdefault(f"CUSTLEDGER_{name}_BURST", "1000000")
    from custledger.cli import alembic_config
    from custledger.config import get_settings

    get_settings.cache_clear()
    config = alembic_config(database_url)
    config.attributes["configure_logger"] = False  # type: ignore[attr-defined]
    command.upgrade(config, "head")  # type: ignore[arg-type]
    return database_url


@pytest.fixture(scope="session")
async def database(migrated: str) -> AsyncIterator[object]:
    from custledger.kit.db import Database, set_database

    db = Database()
    set_database(db)
    yield db
    await db.dispose()
    set_database(None)


@pytest.fixture(scope="session")
def app(database: object) -> object:
    from custledger.app import create_app

    return create_app()


@pytest.fixture(scope="session")
def password_hash() -> str:
    """Hashing is slow by design: hash the test password once per run."""
    from custledger.auth.passwords import hash_secret

    return hash_secret(TEST_PASSWORD)


async def _reset(db: object) -> None:
    """Empty every table and restart numbering, then recreate the MAIN store."""
    from custledger.kit.db import SEQUENCES, Counter, Database
    from custledger.models import Base
    from custledger.stores.service import create_store

    assert isinstance(db, Database)
    tables = [t.name for t in reversed(Base.metadata.sorted_tables)]
    async with db.sessionmaker() as session:
        if BACKEND == "postgres":
            await session.execute(text(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE"))
            for name in SEQUENCES:
                await session.execute(text(f"ALTER SEQUENCE {name} RESTART WITH 1"))
        else:
            await session.execute(text("UPDATE stores SET quick_sale_customer_id = NULL"))
            for table in tables:
                await session.execute(text(f"DELETE FROM {table}"))
            await session.execute(text("DELETE FROM sqlite_sequence"))  # ids restart at 1
        session.add_all(Counter(name=name, value=0) for name in SEQUENCES)
        await create_store(session, "MAIN", "Main store")
        await session.commit()


@pytest.fixture(autouse=True)
async def clean_database(request: pytest.FixtureRequest) -> None:
    if "database" in request.fixturenames or "app" in request.fixturenames:
        await _reset(request.getfixturevalue("database"))


@pytest.fixture
async def session(database: object) -> AsyncIterator[AsyncSession]:
    """A session of the test's own, for arranging data and checking what was stored."""
    from custledger.kit.db import Database

    assert isinstance(database, Database)
    async with database.sessionmaker() as s:
        yield s


@pytest.fixture
async def client(app: object) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=app)  # type: ignore[arg-type]
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as c:
        yield c


@dataclass
class Actor:
    """A principal with a valid token, ready to call the API."""

    id: int
    role: str
    store_id: int
    name: str
    headers: dict[str, str]


MakeActor = Callable[..., Awaitable[Actor]]


def lasting_token(principal_id: int) -> str:
    """A valid token for 2000–2100, so tests may pin the business clock anywhere."""
    from jose import jwt

    from custledger.auth import tokens
    from custledger.config import get_settings

    settings = get_settings()
    claims = {
        "sub": str(principal_id),
        "iss": settings.token_issuer,
        "aud": settings.token_audience,
        "iat": 946684800,  # 2000-01-01
        "exp": 4102444800,  # 2100-01-01
        "jti": secrets.token_hex(8),
    }
    return str(jwt.encode(claims, settings.secret_key, algorithm=tokens.ALGORITHM))


@pytest.fixture
def make_actor(database: object, password_hash: str) -> MakeActor:
    from custledger.auth.models import PrincipalRow
    from custledger.auth.roles import ROLE_PERMISSIONS, Role
    from custledger.kit.db import Database
    from custledger.stores.models import Store

    assert isinstance(database, Database)
    counter = {"n": 0}

    async def make(
        role: str = "owner",
        *,
        store_id: int | None = None,
        permissions: list[str] | None = None,
        name: str | None = None,
    ) -> Actor:
        counter["n"] += 1
        async with database.sessionmaker() as s:
            if store_id is None:
                store_id = await s.scalar(text("SELECT id FROM stores WHERE code = 'MAIN'"))
                assert store_id is not None
            elif await s.get(Store, store_id) is None:
                raise ValueError(f"no store {store_id}")
            kind = "api_client" if role == "pos-terminal" else "user"
            label = name or f"{role}-{counter['n']}"
            row = PrincipalRow(
                kind=kind,
                name=label,
                username=label if kind == "user" else None,
                password_hash=password_hash if kind == "user" else None,
                client_id=f"cl_{label}" if kind == "api_client" else None,
                secret_hash=password_hash if kind == "api_client" else None,
                role=role,
                permissions=sorted(permissions or ROLE_PERMISSIONS[Role(role)]),
                store_id=store_id,
                active=True,
            )
            s.add(row)
            await s.commit()
            return Actor(
                id=row.id,
                role=role,
                store_id=store_id,
                name=label,
                headers={"Authorization": f"Bearer {lasting_token(row.id)}"},
            )

    return make


@pytest.fixture
async def owner(make_actor: MakeActor) -> Actor:
    return await make_actor("owner", name="owner")


@pytest.fixture
async def manager(make_actor: MakeActor) -> Actor:
    return await make_actor("manager", name="manager")


@pytest.fixture
async def clerk(make_actor: MakeActor) -> Actor:
    return await make_actor("clerk", name="clerk")


@pytest.fixture
async def pos(make_actor: MakeActor) -> Actor:
    return await make_actor("pos-terminal", name="pos")


@pytest.fixture
def ledger_consistent(database: object) -> Callable[[], Awaitable[None]]:
    """Call at the end of a money scenario: every stored balance equals the derived one."""
    from custledger.balance.service import recompute_all
    from custledger.kit.db import Database

    assert isinstance(database, Database)

    async def check() -> None:
        async with database.sessionmaker() as s:
            differences = await recompute_all(s)
        assert differences == [], differences

    return check
