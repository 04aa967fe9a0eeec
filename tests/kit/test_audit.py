"""Audit rows are written in the caller's transaction: no change, no audit; no audit, no change."""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select

from custledger.kit import audit
from custledger.kit.audit import AuditEntry
from custledger.kit.requestid import begin


def test_diff_keeps_only_changed_fields():
    before = {"name": "Ana", "city": "Recife", "due": date(2026, 1, 2)}
    after = {"name": "Ana", "city": "Olinda", "due": date(2026, 1, 3)}
    assert audit.diff(before, after) == {
        "before": {"city": "Recife", "due": "2026-01-02"},
        "after": {"city": "Olinda", "due": "2026-01-03"},
    }


async def test_audit_rows_roll_back_with_the_change(session, owner):
    begin("req-123")
    await audit.record(
        session,
        principal_id=owner.id,
        action="x.create",
        entity_type="x",
        entity_id=1,
        after={"a": 1},
    )
    await session.flush()
    await session.rollback()
    mine = select(func.count()).select_from(AuditEntry).where(AuditEntry.action == "x.create")
    assert await session.scalar(mine) == 0

    await audit.record(
        session,
        principal_id=owner.id,
        action="x.create",
        entity_type="x",
        entity_id=1,
        after={"a": 1},
    )
    await session.commit()
    assert await session.scalar(mine) == 1
    entry = await session.scalar(select(AuditEntry).where(AuditEntry.action == "x.create"))
    assert entry is not None
    assert entry.request_id == "req-123"
    assert entry.changes == {"before": None, "after": {"a": 1}}
    assert entry.occurred_at.tzinfo is not None
