"""Retried POSTs: the same principal + ``Idempotency-Key`` gets the first response back.

Flow (after Stripe's): the key is reserved in a committed row marked ``in_flight`` before the
work starts; the work's transaction stores the response on that row, so the two land together
or not at all. A replay returns the stored response with ``Idempotent-Replayed: true``; the same
key with another body is a 422; a key still in flight is a 409. A failed request releases its
key so the client can retry. A reservation left by a crashed worker is taken over after
``STALE_AFTER``.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import AsyncIterator
from datetime import datetime, timedelta
from typing import Annotated, Any

from fastapi import Depends, FastAPI, Header, Request
from fastapi.responses import Response
from pydantic import BaseModel
from sqlalchemy import ForeignKey, Index, LargeBinary, String, UniqueConstraint, delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped, mapped_column

from custledger.auth.dependencies import CurrentPrincipal
from custledger.auth.principal import Principal
from custledger.config import get_settings
from custledger.kit import clock
from custledger.kit.db import Base, BigId, JSONColumn, Session
from custledger.kit.errors import Conflict, Unprocessable
from custledger.kit.jsonutil import dumps, loads

log = logging.getLogger("custledger.idempotency")

HEADER = "Idempotency-Key"
REPLAYED_HEADER = "Idempotent-Replayed"
STALE_AFTER = timedelta(seconds=60)
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

    def __init__(self, record: IdempotencyRecord) -> None:
        self.status_code = record.status_code or 200
        self.body = record.response_body or b""
        self.headers = dict(record.response_headers or {})


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


class Idempotency:
    """What a route uses to answer: ``return await idem.respond(model, status_code=201)``."""

    def __init__(self, session: AsyncSession, record: IdempotencyRecord | None) -> None:
        self._session = session
        self.record = record

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
        if self.record is not None:
            self.record.state = COMPLETED
            self.record.status_code = status_code
            self.record.response_body = body
            self.record.response_headers = headers or {}
            self.record.customer_id = customer_id
            await self._session.flush()
        return Response(
            body, status_code=status_code, headers=headers, media_type="application/json"
        )


async def _reserve(
    session: AsyncSession, principal: Principal, key: str, fingerprint: str
) -> IdempotencyRecord:
    now = clock.now()
    for _attempt in range(2):
        existing = await session.scalar(
            select(IdempotencyRecord).where(
                IdempotencyRecord.principal_id == principal.id, IdempotencyRecord.key == key
            )
        )
        if existing is not None and existing.expires_at <= now:
            await session.delete(existing)
            await session.flush()
            existing = None
        if existing is not None:
            if existing.fingerprint != fingerprint:
                raise Unprocessable(
                    "This Idempotency-Key was already used with a different request body. "
                    "Use a new key for a new request.",
                    type="idempotency-key-reused",
                )
            if existing.state == COMPLETED:
                raise IdempotentReplay(existing)
            if existing.created_at > now - STALE_AFTER:
                raise Conflict(
                    "A request with this Idempotency-Key is still being processed. "
                    "Retry in a moment to get its result.",
                    type="idempotency-key-in-flight",
                    headers={"Retry-After": "1"},
                )
            existing.created_at = now  # abandoned by a crashed worker: take it over
            await session.commit()
            return existing
        record = IdempotencyRecord(
            principal_id=principal.id,
            key=key,
            fingerprint=fingerprint,
            state=IN_FLIGHT,
            created_at=now,
            expires_at=now + timedelta(hours=get_settings().idempotency_ttl_hours),
        )
        session.add(record)
        try:
            await session.commit()
        except IntegrityError:
            await session.rollback()  # a parallel request reserved it first: look again
            continue
        return record
    raise Conflict(
        "A request with this Idempotency-Key is still being processed.",
        type="idempotency-key-in-flight",
        headers={"Retry-After": "1"},
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
) -> AsyncIterator[Idempotency]:
    if idempotency_key is None:
        yield Idempotency(session, None)
        return
    record = await _reserve(
        session, principal, idempotency_key, _fingerprint(request, await request.body())
    )
    record_id = record.id  # read now: a rollback expires the object
    try:
        yield Idempotency(session, record)
    except BaseException:
        # Release the key so the client's retry runs the request again. If the database is
        # gone this fails too; the reservation then goes stale and is taken over.
        try:
            await session.rollback()
            await session.execute(
                delete(IdempotencyRecord).where(IdempotencyRecord.id == record_id)
            )
            await session.commit()
        except Exception:
            log.warning("could not release idempotency key %s", record_id)
        raise


Idempotent = Annotated[Idempotency, Depends(idempotency, scope="function")]


def install_replay_handler(app: FastAPI) -> None:
    async def on_replay(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, IdempotentReplay)
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
