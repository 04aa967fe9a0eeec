"""Retried POSTs: the same principal + ``Idempotency-Key`` gets the first response back.

Flow (after Stripe's semantics): the request claims its key inside its own transaction, and
the response is stored in that same transaction, so the work and its record land together or
not at all. A replay returns the stored response with ``Idempotent-Replayed: true``; the same
key with another body is a 422; a key whose request is still running is a 409.

On PostgreSQL the claim is a transaction-level advisory lock on the (principal, key) pair,
taken with ``pg_try_advisory_xact_lock``: a duplicate that cannot take it is answered 409 at
once, and the lock ends with the transaction however it ends. A request that fails, a worker
that crashes, a database that restarts mid-request: none of them leaves anything behind, so the
client's retry runs the request again, exactly once. On SQLite (one process, one writer at a
time) the writer queue already keeps two requests off the same key.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Annotated, Any

from fastapi import Depends, FastAPI, Header, Request
from fastapi.responses import Response
from pydantic import BaseModel
from sqlalchemy import (
    BigInteger,
    ForeignKey,
    Index,
    LargeBinary,
    String,
    UniqueConstraint,
    bindparam,
    delete,
    func,
    literal,
    select,
)
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped, mapped_column

from custledger.auth.dependencies import CurrentPrincipal
from custledger.config import get_settings
from custledger.kit import clock, metrics
from custledger.kit.db import (
    Base,
    BigId,
    JSONColumn,
    Prepared,
    RowData,
    Session,
    insert_row,
    is_postgres,
    table,
)
from custledger.kit.errors import Conflict, Unprocessable
from custledger.kit.jsonutil import dumps, loads

HEADER = "Idempotency-Key"
REPLAYED_HEADER = "Idempotent-Replayed"
# Stored records are always complete; ``in_flight`` rows were written by earlier versions,
# which committed the reservation first, and are discarded when met.
IN_FLIGHT, COMPLETED = "in_flight", "completed"


class IdempotencyRecord(Base):
    __tablename__ = "idempotency_keys"
    __table_args__ = (
        UniqueConstraint("principal_id", "key"),
        Index("ix_idempotency_keys_expires_at", "expires_at"),
        Index("ix_idempotency_keys_customer_id", "customer_id"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    principal_id: Mapped[int] = mapped_column(ForeignKey("principals.id"))
    key: Mapped[str] = mapped_column(String(255))
    fingerprint: Mapped[str] = mapped_column(String(64))
    state: Mapped[str] = mapped_column(String(10))
    status_code: Mapped[int | None]
    response_body: Mapped[bytes | None] = mapped_column(LargeBinary)
    response_headers: Mapped[dict[str, str] | None] = mapped_column(JSONColumn)
    # The customer the stored response is about; merges move it with the customer.
    customer_id: Mapped[int | None]
    created_at: Mapped[datetime]
    expires_at: Mapped[datetime]


class IdempotentReplay(Exception):
    """Carries the stored response as plain values: the session is rolled back after this."""

    def __init__(self, record: RowData) -> None:
        self.status_code = record["status_code"] or 200
        self.body = bytes(record["response_body"] or b"")
        self.headers = dict(record["response_headers"] or {})


def _fingerprint(request: Request, body: bytes) -> str:
    try:
        canonical = dumps(loads(body)) if body else b""
    except ValueError:
        canonical = body
    digest = hashlib.sha256()
    for part in (request.method.encode(), request.url.path.encode(), canonical):
        digest.update(part)
        digest.update(b"\x00")
    return digest.hexdigest()


def _in_flight() -> Conflict:
    return Conflict(
        "A request with this Idempotency-Key is still being processed. "
        "Retry in a moment to get its result.",
        type="idempotency-key-in-flight",
        headers={"Retry-After": "1"},
    )


def _lock_id(principal_id: int, key: str) -> int:
    """The advisory lock of a (principal, key) pair: 64 bits of its SHA-256."""
    digest = hashlib.sha256(f"idempotency\x00{principal_id}\x00{key}".encode()).digest()
    return int.from_bytes(digest[:8], "big", signed=True)


@dataclass(frozen=True)
class Claim:
    principal_id: int
    key: str
    fingerprint: str


# Built once: they run on every POST with a key.
_keys = table(IdempotencyRecord)
_WHERE_KEY = (_keys.c.principal_id == bindparam("principal_id")) & (_keys.c.key == bindparam("key"))
_RECORD = Prepared(select(_keys).where(_WHERE_KEY))
# PostgreSQL: the lock and the stored record in one round trip (one row, the record's columns
# null when there is none). The record is read in the statement's snapshot, which may predate
# the commit of a request that held the lock a moment before: that request's record is then
# not seen, and this one, after doing its work, fails to store its own (the unique key) and
# answers 409 with nothing written; the client's retry gets the replay.
_CLAIM = Prepared(
    select(
        func.pg_try_advisory_xact_lock(bindparam("lock_id", type_=BigInteger)).label("claimed"),
        *_keys.c,
    ).select_from(select(literal(1)).subquery().outerjoin(_keys, _WHERE_KEY))
)
_FORGET = Prepared(delete(_keys).where(_WHERE_KEY))
_STORE = Prepared(insert_row(IdempotencyRecord))


async def _claim(session: AsyncSession, claim: Claim) -> None:
    """Make this request the only one running under the key, or answer for it: the stored
    response (a replay), 422 for another body, 409 while another request holds the key."""
    where = {"principal_id": claim.principal_id, "key": claim.key}
    if is_postgres(session):
        lock_id = _lock_id(claim.principal_id, claim.key)
        found = await _CLAIM.first(session, {**where, "lock_id": lock_id})
        assert found is not None
        if not found["claimed"]:
            raise _in_flight()
        existing = found if found["id"] is not None else None
    else:
        existing = await _RECORD.first(session, where)
    if existing is None:
        return
    if existing["expires_at"] <= clock.now() or existing["state"] != COMPLETED:
        await _FORGET.all(session, where)
        return
    if existing["fingerprint"] != claim.fingerprint:
        raise Unprocessable(
            "This Idempotency-Key was already used with a different request body. "
            "Use a new key for a new request.",
            type="idempotency-key-reused",
        )
    raise IdempotentReplay(existing)


class Idempotency:
    """What a route uses to answer: ``return await idem.respond(model, status_code=201)``."""

    def __init__(self, session: AsyncSession, claim: Claim | None) -> None:
        self._session = session
        self.claim = claim

    async def respond(
        self,
        content: BaseModel | dict[str, Any] | list[Any],
        *,
        status_code: int = 200,
        headers: dict[str, str] | None = None,
        customer_id: int | None = None,
    ) -> Response:
        if isinstance(content, BaseModel):
            body = content.model_dump_json().encode()
        else:
            body = dumps(content)
        if self.claim is not None:
            now = clock.now()
            try:
                await _STORE.all(
                    self._session,
                    {
                        "principal_id": self.claim.principal_id,
                        "key": self.claim.key,
                        "fingerprint": self.claim.fingerprint,
                        "state": COMPLETED,
                        "status_code": status_code,
                        "response_body": body,
                        "response_headers": headers or {},
                        "customer_id": customer_id,
                        "created_at": now,
                        "expires_at": now + timedelta(hours=get_settings().idempotency_ttl_hours),
                    },
                )
            except IntegrityError:
                raise _in_flight() from None  # only without the lock: another process won
        return Response(
            body, status_code=status_code, headers=headers, media_type="application/json"
        )


async def idempotency(
    request: Request,
    session: Session,
    principal: CurrentPrincipal,
    idempotency_key: Annotated[
        str | None,
        Header(
            alias=HEADER,
            min_length=1,
            max_length=255,
            pattern=r"^[\x21-\x7e]+$",
            description="Any unique string (a UUID) per logical request; a retry reuses it.",
        ),
    ] = None,
) -> Idempotency:
    if idempotency_key is None:
        return Idempotency(session, None)
    claim = Claim(principal.id, idempotency_key, _fingerprint(request, await request.body()))
    await _claim(session, claim)
    return Idempotency(session, claim)


Idempotent = Annotated[Idempotency, Depends(idempotency)]


def install_replay_handler(app: FastAPI) -> None:
    async def on_replay(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, IdempotentReplay)
        metrics.replay()
        return Response(
            exc.body,
            status_code=exc.status_code,
            headers=exc.headers | {REPLAYED_HEADER: "true"},
            media_type="application/json",
        )

    app.add_exception_handler(IdempotentReplay, on_replay)


async def purge_expired(session: AsyncSession) -> int:
    result = await session.execute(
        delete(IdempotencyRecord).where(IdempotencyRecord.expires_at <= clock.now())
    )
    return int(getattr(result, "rowcount", 0) or 0)
