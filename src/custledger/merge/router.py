"""The Merge tab: owner only (the customers screen shows it to the owner alone)."""

from __future__ import annotations

from typing import Annotated

from fastapi import Query
from fastapi.responses import Response

from custledger.auth.dependencies import Owner
from custledger.kit.db import Session
from custledger.kit.errors import problems
from custledger.kit.idempotency import Idempotent
from custledger.kit.money import format_money
from custledger.kit.routes import api_router
from custledger.kit.schemas import MAX_ID, Id
from custledger.merge import service
from custledger.merge.schemas import (
    MergePreview,
    MergeRequest,
    MergeResult,
    RecordCounts,
    merge_customer,
)

router = api_router(tags=["merge"])

SourceId = Annotated[
    int,
    Query(ge=1, le=MAX_ID, description="The duplicate customer that would be merged and deleted."),
]


@router.get(
    "/customers/{customer_id}/merge-preview",
    operation_id="customers-merge-preview",
    responses=problems(403, 404, 409),
)
async def merge_preview(
    customer_id: Id, source_id: SourceId, session: Session, _owner: Owner
) -> MergePreview:
    """What merging `source_id` into this customer (the survivor) would move, without changing
    anything. Refused like the merge itself: 422 `merge-into-itself`, 409
    `quick-sale-customer`, 404 `customer-not-found` (possibly merged already)."""
    preview = await service.preview(session, customer_id, source_id)
    return MergePreview(
        survivor=merge_customer(preview.survivor),
        source=merge_customer(preview.source),
        moves=RecordCounts(**preview.moves),
        survivor_balance_after=format_money(preview.survivor_balance_after),
    )


@router.post(
    "/customers/{customer_id}/merge",
    operation_id="customers-merge",
    response_model=MergeResult,
    responses=problems(403, 404, 409),
)
async def merge(
    customer_id: Id, body: MergeRequest, session: Session, owner: Owner, idem: Idempotent
) -> Response:
    """Irreversible. Reassigns every payment, cheque, order, delivery and stored retry response
    of `source_id` to this customer, sums the balances, audits the source's full record and
    deletes the source, all in one transaction. A second merge of the same source is a 404
    (`customer-not-found`); a retry with the same `Idempotency-Key` gets the first answer."""
    outcome = await service.merge(session, owner, customer_id, body.source_id)
    result = MergeResult(
        survivor=merge_customer(outcome.survivor),
        moved=RecordCounts(**outcome.moved),
        audit_id=outcome.audit_id,
    )
    return await idem.respond(result, status_code=200, customer_id=customer_id)
