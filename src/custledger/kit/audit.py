"""The audit writer: who changed what, when, before and after, in the caller's transaction."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from typing import Any, NotRequired, TypedDict, Unpack

from sqlalchemy import (
    ColumnElement,
    ForeignKey,
    FromClause,
    Index,
    String,
    Text,
    bindparam,
    func,
    insert,
    select,
)
from sqlalchemy.dialects import postgresql
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped, mapped_column
from sqlalchemy.sql.dml import Insert

from custledger.kit import clock
from custledger.kit.db import Base, BigId, JSONColumn, Prepared, insert_row, table
from custledger.kit.requestid import current_request_id


class AuditEntry(Base):
    __tablename__ = "audit_log"
    __table_args__ = (
        Index("ix_audit_log_customer", "customer_id", "id"),
        Index("ix_audit_log_entity", "entity_type", "entity_id"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    occurred_at: Mapped[datetime]
    # Null for changes the system makes by itself (e.g. clearing invoice fields).
    principal_id: Mapped[int | None] = mapped_column(ForeignKey("principals.id"))
    action: Mapped[str] = mapped_column(String(40))
    entity_type: Mapped[str] = mapped_column(String(40))
    entity_id: Mapped[int]
    # No foreign key: the history of a customer outlives it (merged or deleted).
    customer_id: Mapped[int | None]
    changes: Mapped[dict[str, Any]] = mapped_column(JSONColumn)
    request_id: Mapped[str | None] = mapped_column(String(64))


def _plain(value: Any) -> Any:
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    return value


def diff(before: dict[str, Any], after: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """``{"before": {...}, "after": {...}}`` restricted to the fields that changed."""
    changed = [k for k in after if before.get(k) != after.get(k)]
    return {
        "before": {k: _plain(before.get(k)) for k in changed},
        "after": {k: _plain(after.get(k)) for k in changed},
    }


# Built once: nearly every write adds a row.
_INSERT = Prepared(insert_row(AuditEntry).returning(table(AuditEntry).c.id))
PREFIX = "audit_"
_audit = table(AuditEntry)


def _given(
    entity_id: ColumnElement[int] | None,
    filled: Mapping[tuple[str, ...], ColumnElement[Any]] | None,
) -> dict[str, ColumnElement[Any]]:
    given: dict[str, ColumnElement[Any]] = {}
    if entity_id is not None:
        given["entity_id"] = entity_id
    if filled:
        changes: ColumnElement[Any] = bindparam(PREFIX + "changes", type_=_audit.c.changes.type)
        for path, value in filled.items():
            changes = func.jsonb_set(
                changes, postgresql.array(path, type_=Text), func.to_jsonb(value)
            )
        given["changes"] = changes
    return given


def insert_about(
    entity_id: ColumnElement[int] | None = None,
    *,
    filled: Mapping[tuple[str, ...], ColumnElement[Any]] | None = None,
) -> Insert:
    """PostgreSQL: the insert of an audit row in a statement that writes more rows; its values
    are an ``entry``'s, ``prefixed`` with ``PREFIX``. ``entity_id``: the entity's id, when
    another part of the statement writes the entity (default: the entry's). ``filled``: values
    of the changes that another part of the statement gives, by their path in the changes
    (e.g. the id of a row written beside the entity); the entry holds a placeholder there."""
    return insert_row(AuditEntry, PREFIX, **_given(entity_id, filled))


def insert_about_each(
    source: FromClause,
    entity_id: ColumnElement[int],
    *,
    filled: Mapping[tuple[str, ...], ColumnElement[Any]] | None = None,
) -> Insert:
    """As ``insert_about``, one audit row for each row of ``source`` (another part of the
    statement, whose columns ``entity_id`` and ``filled`` may use): none when it wrote none."""
    given = _given(entity_id, filled)
    columns = [c for c in _audit.c if c.name != "id"]
    values = [given.get(c.name, bindparam(PREFIX + c.name, type_=c.type)) for c in columns]
    return insert(_audit).from_select(
        [c.name for c in columns], select(*values).select_from(source)
    )


class Fields(TypedDict):
    """What an audit row says: pass both ``before`` and ``after`` for an update (only changed
    fields are kept), only ``after`` for a creation and only ``before`` for a deletion (the
    whole row is kept)."""

    principal_id: int | None
    action: str
    entity_type: str
    entity_id: int | None
    customer_id: NotRequired[int | None]
    before: NotRequired[dict[str, Any] | None]
    after: NotRequired[dict[str, Any] | None]
    extra: NotRequired[dict[str, Any] | None]


def entry(**fields: Unpack[Fields]) -> dict[str, Any]:
    """The values of an audit row, as ``record`` writes it."""
    before, after, extra = fields.get("before"), fields.get("after"), fields.get("extra")
    if before is not None and after is not None:
        changes: dict[str, Any] = diff(before, after)
    else:
        changes = {
            "before": {k: _plain(v) for k, v in before.items()} if before else None,
            "after": {k: _plain(v) for k, v in after.items()} if after else None,
        }
    if extra:
        changes.update({k: _plain(v) for k, v in extra.items()})
    return {
        "occurred_at": clock.now(),
        "principal_id": fields["principal_id"],
        "action": fields["action"],
        "entity_type": fields["entity_type"],
        "entity_id": fields["entity_id"],
        "customer_id": fields.get("customer_id"),
        "changes": changes,
        "request_id": current_request_id(),
    }


async def record(session: AsyncSession, **fields: Unpack[Fields]) -> int:
    """Write an audit row in the session's transaction (committed or rolled back with the
    change it records); its id."""
    row = await _INSERT.first(session, entry(**fields))
    assert row is not None
    return int(row["id"])
