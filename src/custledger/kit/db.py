"""Engine, the per-request session, the declarative base and the dialect differences."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack
from datetime import UTC, datetime
from typing import Annotated, Any, ClassVar

from fastapi import Depends, Request
from sqlalchemy import (
    JSON,
    BigInteger,
    DateTime,
    Dialect,
    Integer,
    MetaData,
    Sequence,
    String,
    TypeDecorator,
    event,
    select,
    text,
    update,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from custledger.config import Settings, get_settings

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UTCDateTime(TypeDecorator[datetime]):
    """A timestamptz that always comes back timezone-aware in UTC, on SQLite too."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


# Money columns hold integer minor units (cents).
MoneyColumn = BigInteger
JSONColumn = JSON().with_variant(JSONB(), "postgresql")
# SQLite only auto-increments INTEGER PRIMARY KEY; PostgreSQL gets a BIGINT identity.
BigId = BigInteger().with_variant(Integer(), "sqlite")


def utcnow() -> datetime:
    return datetime.now(UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map: ClassVar[dict[Any, Any]] = {datetime: UTCDateTime}


class TimestampMixin:
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class Counter(Base):
    """Number generators for SQLite; PostgreSQL uses real sequences of the same name."""

    __tablename__ = "counters"
    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    value: Mapped[int] = mapped_column(BigInteger, default=0)


# The sequences PostgreSQL uses (created by the migrations); SQLite uses ``counters``.
SEQUENCES = ("customer_number_seq", "order_number_seq")


def is_postgres(session: AsyncSession) -> bool:
    return session.get_bind().dialect.name == "postgresql"


async def lift_statement_timeout(session: AsyncSession) -> None:
    """For whole-database maintenance (recompute-balances): no statement timeout in this
    transaction. The API's requests keep theirs."""
    if is_postgres(session):
        await session.execute(text("SET LOCAL statement_timeout = 0"))


async def next_number(session: AsyncSession, name: str) -> int:
    """The next value of a never-reused number sequence (customer numbers, order numbers)."""
    if is_postgres(session):
        value = await session.scalar(select(Sequence(name).next_value()))
    else:
        value = await session.scalar(
            update(Counter)
            .where(Counter.name == name)
            .values(value=Counter.value + 1)
            .returning(Counter.value)
        )
    if value is None:
        raise RuntimeError(f"number sequence {name!r} is missing; run the migrations")
    return int(value)


def make_engine(settings: Settings | None = None, **overrides: Any) -> AsyncEngine:
    settings = settings or get_settings()
    url = settings.database_url
    if url.startswith("sqlite"):
        engine = create_async_engine(url, connect_args={"timeout": 30}, **overrides)

        @event.listens_for(engine.sync_engine, "connect")
        def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
            # Let SQLAlchemy emit BEGIN itself (pysqlite's implicit transactions are off).
            dbapi_connection.isolation_level = None
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA busy_timeout=30000")
            cursor.close()

        @event.listens_for(engine.sync_engine, "begin")
        def _sqlite_begin(conn: Any) -> None:
            # A deferred BEGIN: readers never wait; a transaction whose snapshot went stale
            # before its first write fails with "database is locked" (a 503) rather than
            # overwriting a concurrent change. SQLite is the single-user embedded default.
            conn.exec_driver_sql("BEGIN")

        return engine
    options: dict[str, Any] = {
        "pool_size": settings.db_pool_size,
        "max_overflow": settings.db_pool_size,
        # No pre-ping round trip per checkout: a connection broken by a database restart
        # fails its request once (a 503) and SQLAlchemy then recycles the whole pool.
        "pool_pre_ping": False,
        "pool_recycle": 1800,
        "connect_args": {
            "server_settings": {
                "statement_timeout": str(settings.statement_timeout_ms),
                # Short OLTP queries: JIT compilation costs more than it saves.
                "jit": "off",
                "idle_in_transaction_session_timeout": "60000",
                "application_name": "custledger",
            },
            "timeout": 5,
        },
    }
    options.update(overrides)
    return create_async_engine(url, **options)


class Database:
    """The engine and session factory of one running app."""

    def __init__(self, settings: Settings | None = None, **overrides: Any) -> None:
        self.engine = make_engine(settings, **overrides)
        self.sessionmaker = async_sessionmaker(self.engine, expire_on_commit=False)
        self.is_sqlite = self.engine.dialect.name == "sqlite"
        # SQLite has one writer at a time: writing requests of this process queue here instead
        # of failing with "database is locked" when their read snapshot went stale.
        self.sqlite_writer = asyncio.Lock()

    async def dispose(self) -> None:
        await self.engine.dispose()


_database: Database | None = None


def get_database() -> Database:
    global _database
    if _database is None:
        _database = Database()
    return _database


def set_database(database: Database | None) -> None:
    global _database
    _database = database


READ_ONLY_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


async def session_scope(request: Request) -> AsyncIterator[AsyncSession]:
    """One session per request: committed once at the end, rolled back on any error.

    Used with ``scope="function"`` so the commit happens before the response is sent:
    a failed commit is the client's error response, never a silent loss.
    """
    database = get_database()
    async with AsyncExitStack() as stack:
        if database.is_sqlite and request.method not in READ_ONLY_METHODS:
            await stack.enter_async_context(database.sqlite_writer)
        session = await stack.enter_async_context(database.sessionmaker())
        try:
            yield session
            await session.commit()
        except BaseException:
            await session.rollback()
            raise


Session = Annotated[AsyncSession, Depends(session_scope, scope="function")]
