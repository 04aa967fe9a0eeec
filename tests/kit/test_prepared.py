"""``Prepared`` statements: the same answers and the same transaction as the session gives,
whether they run through it or (PostgreSQL) on the driver's connection."""

from __future__ import annotations

import asyncio
from datetime import datetime

import pytest
from sqlalchemy import bindparam, func, insert, select
from sqlalchemy.exc import IntegrityError

from custledger.kit.audit import AuditEntry
from custledger.kit.db import Database, Prepared, insert_row, table
from custledger.stores.models import Store
from tests.payments.support import API, make_customer

_audit = table(AuditEntry)
_stores = table(Store)
WRITE_AUDIT = Prepared(insert_row(AuditEntry).returning(_audit.c.id))
COUNT_STORES = Prepared(
    select(func.count().label("n")).select_from(_stores).where(_stores.c.code == bindparam("code"))
)
WRITE_STORE = Prepared(
    insert(_stores).values(
        code=bindparam("code"),
        name=bindparam("name"),
        created_at=bindparam("now"),
        updated_at=bindparam("now"),
    )
)


def _audit_values(owner_id: int, occurred_at: datetime) -> dict[str, object]:
    return {
        "occurred_at": occurred_at,
        "principal_id": owner_id,
        "action": "x.test",
        "entity_type": "x",
        "entity_id": 1,
        "customer_id": None,
        "changes": {"after": {"a": 1}},
        "request_id": None,
    }


async def _audit_rows(session) -> list[AuditEntry]:
    return list(await session.scalars(select(AuditEntry).where(AuditEntry.action == "x.test")))


async def test_statements_of_a_write_share_its_transaction(session, owner):
    """The first statement opens the transaction (through the session), the next run on the
    driver inside it: a rollback undoes both, a commit keeps both."""
    now = datetime.now().astimezone()
    await WRITE_AUDIT.all(session, _audit_values(owner.id, now))
    await WRITE_AUDIT.all(session, _audit_values(owner.id, now))
    await session.rollback()
    assert await _audit_rows(session) == []

    await WRITE_AUDIT.all(session, _audit_values(owner.id, now))
    await WRITE_AUDIT.all(session, _audit_values(owner.id, now))
    await session.commit()
    assert len(await _audit_rows(session)) == 2


async def test_column_types_convert_as_through_the_session(session, owner):
    """JSON goes in as JSON (read back as the same object), and a naive time is refused by
    the UTC column type, on whichever path the statement runs."""
    now = datetime.now().astimezone()
    await WRITE_AUDIT.all(session, _audit_values(owner.id, now))  # opens the transaction
    await WRITE_AUDIT.all(session, _audit_values(owner.id, now))  # on the driver (PostgreSQL)
    await session.commit()
    assert [entry.changes for entry in await _audit_rows(session)] == [{"after": {"a": 1}}] * 2

    await WRITE_AUDIT.all(session, _audit_values(owner.id, now))
    with pytest.raises(Exception, match="naive datetime"):
        await WRITE_AUDIT.all(session, _audit_values(owner.id, datetime.now()))
    await session.rollback()


async def test_pending_orm_changes_are_flushed_before_a_statement(session):
    now = datetime.now().astimezone()
    await WRITE_STORE.all(session, {"code": "S1", "name": "One", "now": now})  # opens it
    session.add(Store(code="S2", name="Two"))  # pending, not flushed
    found = await COUNT_STORES.first(session, {"code": "S2"})
    assert found is not None and found["n"] == 1  # the session would have flushed it too
    await session.rollback()


async def test_a_constraint_broken_by_a_statement_is_an_integrity_error(session):
    """Answered 409 by the error handlers, on the driver as through the session."""
    now = datetime.now().astimezone()
    await WRITE_STORE.all(session, {"code": "S1", "name": "One", "now": now})
    with pytest.raises(IntegrityError):
        await WRITE_STORE.all(session, {"code": "S1", "name": "Again", "now": now})
    await session.rollback()


@pytest.mark.postgres
async def test_a_reading_session_runs_prebuilt_reads_without_an_orm_transaction(database):
    """A reading request's session reads in autocommit; its prebuilt reads borrow a pooled
    connection each and begin no ORM transaction."""
    from starlette.requests import Request

    from custledger.kit.db import session_scope

    assert isinstance(database, Database)
    request = Request({"type": "http", "method": "GET", "headers": []})
    scope = session_scope(request)
    session = await anext(scope)
    found = await COUNT_STORES.first(session, {"code": "MAIN"})
    assert found is not None and found["n"] == 1
    assert not session.in_transaction()
    with pytest.raises(StopAsyncIteration):
        await anext(scope)


@pytest.mark.parametrize("reading", [True, False], ids=["reading", "writing"])
async def test_a_session_is_reused_closed_and_empty(database, reading):
    """A request's session is kept for the next request of its kind once closed: it holds no
    connection, no transaction, no object and nothing in ``info`` from the request before."""
    assert isinstance(database, Database)
    first = database.session(reading)
    store = (await first.execute(select(Store).where(Store.code == "MAIN"))).scalar_one()
    first.info["left"] = True
    assert first.in_transaction() and store in first
    await database.release(first)
    again = database.session(reading)
    assert again is first
    assert not again.in_transaction() and store not in again and not again.info
    assert (await COUNT_STORES.first(again, {"code": "MAIN"}) or {}).get("n") == 1
    other = database.session(not reading)
    assert other is not again
    assert (other.bind is database.read_engine) is (not reading and not database.is_sqlite)
    await database.release(other)
    await database.release(again)


@pytest.mark.postgres
async def test_reading_requests_never_hold_a_connection_while_waiting_for_another(
    migrated, database, client, owner, session
):
    """With one pooled connection in all, concurrent reading requests that read both through
    prebuilt statements (the principal, a customer) and through the session (the payments
    list) all answer: a prebuilt read gives its borrowed connection back at once, so a request
    never waits for a second connection while it holds one (that would wait out the pool)."""
    from custledger.config import Settings
    from custledger.kit import db as kit_db

    customer_id = await make_customer(session)
    await session.rollback()
    single = kit_db.Database(
        Settings(database_url=migrated, db_pool_size=1, db_max_overflow=0), pool_timeout=3
    )
    kit_db.set_database(single)
    try:
        urls = [f"{API}/customers/{customer_id}", f"{API}/customers/{customer_id}/payments"]
        responses = await asyncio.gather(
            *(client.get(url, headers=owner.headers) for url in urls * 4)
        )
    finally:
        kit_db.set_database(database)
        await single.dispose()
    assert [r.status_code for r in responses] == [200] * 8, [r.text for r in responses]
