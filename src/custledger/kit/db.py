"""Engine, the per-request session, the declarative base and the dialect differences."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable, Mapping, Sequence
from contextlib import AsyncExitStack
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Annotated, Any, ClassVar

from fastapi import Depends, Request
from sqlalchemy import (
    JSON,
    BigInteger,
    CompoundSelect,
    DateTime,
    Dialect,
    Integer,
    MetaData,
    Select,
    String,
    Table,
    TypeDecorator,
    bindparam,
    event,
    insert,
    select,
    text,
    update,
)
from sqlalchemy import Sequence as SqlSequence
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.engine import CursorResult
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlalchemy.ext.asyncio import (
    AsyncConnection,
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.sql.dml import Insert, UpdateBase

from custledger.config import Settings, get_settings
from custledger.kit.jsonutil import loads

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
        value = await session.scalar(select(SqlSequence(name).next_value()))
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
        "max_overflow": settings.db_max_overflow,
        # No pre-ping round trip per checkout: a connection broken by a database restart
        # fails its request once (a 503) and SQLAlchemy then recycles the whole pool.
        "pool_pre_ping": False,
        "pool_recycle": 1800,
        "connect_args": {
            "server_settings": {
                "statement_timeout": str(settings.statement_timeout_ms),
                # Short OLTP queries: JIT compilation costs more than it saves.
                "jit": "off",
                # A search's bitmap of candidate rows stays exact up to about 260,000 table
                # pages (5,000,000 customers) instead of 65,000: a lossy page would have the
                # grams of each of its rows recomputed (about 0.1 ms a row; migration 0006).
                "work_mem": "16MB",
                "idle_in_transaction_session_timeout": "60000",
                "application_name": "custledger",
            },
            "timeout": 5,
        },
    }
    options.update(overrides)
    return create_async_engine(url, **options)


# Closed sessions a worker keeps for reuse, of each kind: about as many as it serves at once.
IDLE_SESSIONS = 64


class Database:
    """The engine and session factory of one running app."""

    def __init__(self, settings: Settings | None = None, **overrides: Any) -> None:
        self.engine = make_engine(settings, **overrides)
        self.sessionmaker = async_sessionmaker(self.engine, expire_on_commit=False)
        self.is_sqlite = self.engine.dialect.name == "sqlite"
        # Reading requests on PostgreSQL run in autocommit: no BEGIN and COMMIT round trips.
        # Under READ COMMITTED every statement takes its own snapshot inside a transaction
        # too, so a read loses nothing; reads that need one snapshot (the exports) open a
        # REPEATABLE READ transaction of their own.
        self.read_engine = (
            None if self.is_sqlite else self.engine.execution_options(isolation_level="AUTOCOMMIT")
        )
        # SQLite has one writer at a time: writing requests of this process queue here instead
        # of failing with "database is locked" when their read snapshot went stale.
        self.sqlite_writer = asyncio.Lock()
        # Requests' sessions, closed and kept for the next request of their kind (reading in
        # autocommit, or not): setting up a session cost 7 % of a customer read.
        self.idle: dict[bool, list[AsyncSession]] = {True: [], False: []}

    def session(self, reading: bool) -> AsyncSession:
        """A session for a request; a reading one on PostgreSQL runs in autocommit. Give it back
        with ``release``."""
        reading = reading and self.read_engine is not None
        if self.idle[reading]:
            return self.idle[reading].pop()
        return AsyncSession(self.read_engine if reading else self.engine, expire_on_commit=False)

    async def release(self, session: AsyncSession) -> None:
        # A closed session is as new (SQLAlchemy: "may be used again"); its ``info`` is ours.
        await session.close()
        session.info.clear()
        idle = self.idle[session.bind is self.read_engine]
        if len(idle) < IDLE_SESSIONS:
            idle.append(session)

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

RowData = Mapping[Any, Any]  # read by column name


# What ``Prepared`` runs: a select, or an insert, update or delete.
Statement = Select[*tuple[Any, ...]] | CompoundSelect[*tuple[Any, ...]] | UpdateBase


def table(model: type[Base]) -> Table:
    """A mapped class's table, for statements that bypass the ORM."""
    found = model.__table__
    assert isinstance(found, Table)
    return found


def insert_row(model: type[Base], prefix: str = "", **given: Any) -> Insert:
    """An insert of one row of ``model`` binding every column but the id by its name (after
    ``prefix``, for a statement that writes several rows), or taking the expression ``given``
    for it. Run as ``Prepared``, it applies no column defaults: the caller gives every value."""
    found = table(model)
    return insert(found).values(
        {c.name: given.get(c.name, bindparam(prefix + c.name)) for c in found.c if c.name != "id"}
    )


def prefixed(prefix: str, values: Mapping[str, Any]) -> dict[str, Any]:
    """The parameters of an ``insert_row`` made with ``prefix``."""
    return {prefix + name: value for name, value in values.items()}


class Prepared:
    """A statement built once and run many times with bound parameters; rows are read by name.

    On PostgreSQL it runs on the driver's own connection with its SQL compiled once: for the
    short statements every request makes (the principal, a customer, a statement page, the
    rows a payment writes) SQLAlchemy's per-execution work costs several times what asyncpg
    spends. It does so in a reading request (an autocommit session: on a pooled connection
    borrowed for the statement, or the session's own once it has one), inside a writing request
    once its transaction is open on the driver (the session's pending changes are flushed
    first, as the session would before a query), and anywhere for a read marked
    ``standalone`` (its answer need not be part of the request's transaction: the principal
    behind the token). Otherwise (SQLite, a writing request's first statement, which opens
    the transaction) it runs through the session. Driver errors are raised as SQLAlchemy's,
    so they answer as every other database error does (a 409 for a constraint, a 503 when
    the database is away or too slow). Statements that return no rows give ``[]``.

    ``explain``: the statement is only planned (PostgreSQL's ``EXPLAIN``), for
    ``planned_rows``; being no part of the request's transaction, it is ``standalone``.
    """

    def __init__(
        self, statement: Statement, *, standalone: bool = False, explain: bool = False
    ) -> None:
        self.statement = statement
        self.standalone = standalone or explain
        self.explain = explain
        self._compiled: tuple[str, tuple[_Bind, ...]] | None = None

    async def all(self, session: AsyncSession, params: Mapping[str, Any]) -> Sequence[RowData]:
        bind = session.bind
        if bind is None or bind.dialect.name != "postgresql":
            return await self._through_session(session, params)
        if isinstance(bind, AsyncEngine) and _autocommit(bind) and not session.in_transaction():
            # A reading request's prebuilt read borrows a pooled connection for this statement
            # alone: no SQLAlchemy connection or transaction is set up, and a request never
            # holds one connection while it waits for another.
            fairy = await bind.raw_connection()
            try:
                return await self._fetch(fairy, session, params)
            finally:
                fairy.close()
        fairy = await _pooled_connection(session)
        if not (_autocommit(bind) or self.standalone):
            if not fairy.driver_connection.is_in_transaction():
                # The session opens the transaction with this statement.
                return await self._through_session(session, params)
            if session.new or session.dirty or session.deleted:
                await session.flush()
        return await self._fetch(fairy, session, params)

    async def _through_session(
        self, session: AsyncSession, params: Mapping[str, Any]
    ) -> Sequence[RowData]:
        result = await session.execute(self.statement, params)
        if isinstance(result, CursorResult) and not result.returns_rows:
            return []
        found: Sequence[RowData] = result.mappings().all()
        return found

    async def _fetch(
        self, fairy: Any, session: AsyncSession, params: Mapping[str, Any]
    ) -> Sequence[RowData]:
        driver = fairy.driver_connection
        sql, binds = self._sql(session)
        values = [bind.value(params) for bind in binds]
        try:
            rows: Sequence[RowData] = await driver.fetch(sql, *values)
        except Exception as exc:
            lost = driver.is_closed()
            if lost:
                fairy.invalidate(exc)  # the pool must not hand this connection out again
            if isinstance(exc, OSError):
                raise
            if str(getattr(exc, "sqlstate", None) or "").startswith("23"):  # a constraint
                raise IntegrityError(sql, values, exc) from exc
            raise DBAPIError(sql, values, exc, connection_invalidated=lost) from exc
        return rows

    async def first(self, session: AsyncSession, params: Mapping[str, Any]) -> RowData | None:
        rows = await self.all(session, params)
        return rows[0] if rows else None

    async def planned_rows(self, session: AsyncSession, params: Mapping[str, Any]) -> list[float]:
        """PostgreSQL's estimate of the rows of each branch of an ``explain`` statement (a
        ``UNION ALL``: one figure per branch, in order), planned with these values and not
        run: a fraction of a millisecond, from the table's statistics."""
        assert self.explain
        rows = await self.all(session, params)
        found = rows[0][0]  # decoded by the driver's JSON codec, or text
        plan = (loads(found) if isinstance(found, str) else found)[0]["Plan"]
        branches = plan["Plans"] if plan["Node Type"] == "Append" else [plan]
        return [float(branch["Plan Rows"]) for branch in branches]

    def _sql(self, session: AsyncSession) -> tuple[str, tuple[_Bind, ...]]:
        if self._compiled is None:
            compiled = self.statement.compile(dialect=session.get_bind().dialect)
            # The column types' own conversions (JSON to text, the UTC check of times), as
            # SQLAlchemy applies them when it executes.
            processors = compiled._bind_processors
            binds = []
            for name in compiled.positiontup or ():
                processor = processors.get(name)
                assert processor is None or callable(processor)  # no expanding IN lists here
                binds.append(_Bind(name, compiled.params[name], processor))
            sql = f"EXPLAIN (FORMAT JSON) {compiled.string}" if self.explain else compiled.string
            self._compiled = (sql, tuple(binds))
        return self._compiled


def _autocommit(bind: AsyncEngine | AsyncConnection) -> bool:
    """Whether the session reads in autocommit (a reading request on PostgreSQL)."""
    engine = bind.engine if isinstance(bind, AsyncConnection) else bind
    return engine.get_execution_options().get("isolation_level") == "AUTOCOMMIT"


async def _pooled_connection(session: AsyncSession) -> Any:
    """The pooled connection of the session's transaction, looked up once per transaction."""
    owner = session.sync_session.get_transaction()
    held = session.info.get(_HELD)
    if held is None or held[0] is not owner or not held[1].is_valid:
        connection = await session.connection()
        fairy = await connection.get_raw_connection()
        held = (session.sync_session.get_transaction(), fairy)
        session.info[_HELD] = held
    return held[1]


_HELD = "custledger.pooled_connection"


@dataclass(frozen=True, slots=True)
class _Bind:
    """One positional parameter of a prebuilt statement."""

    name: str
    default: Any
    processor: Callable[[Any], Any] | None

    def value(self, params: Mapping[str, Any]) -> Any:
        given = params.get(self.name, self.default)
        return given if self.processor is None else self.processor(given)


async def session_scope(request: Request) -> AsyncIterator[AsyncSession]:
    """One session per request: committed once at the end, rolled back on any error.

    Used with ``scope="function"`` so the commit happens before the response is sent:
    a failed commit is the client's error response, never a silent loss.
    """
    database = get_database()
    reading = request.method in READ_ONLY_METHODS
    async with AsyncExitStack() as stack:
        if database.is_sqlite and not reading:
            await stack.enter_async_context(database.sqlite_writer)
        session = database.session(reading)
        stack.push_async_callback(database.release, session)
        if reading and database.read_engine is not None:
            # Autocommit: nothing to commit or roll back. The session connects only if it runs
            # a statement itself; prebuilt reads borrow a pooled connection each.
            yield session
            return
        try:
            yield session
            await session.commit()
        except BaseException:
            await session.rollback()
            raise


Session = Annotated[AsyncSession, Depends(session_scope, scope="function")]
