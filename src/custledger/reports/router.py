from __future__ import annotations

from typing import Annotated, Literal

from fastapi import Query
from fastapi.responses import Response, StreamingResponse

from custledger.auth.dependencies import CustomersRead, PaymentsRead, SalesManage
from custledger.kit import clock
from custledger.kit.db import Session
from custledger.kit.errors import problems
from custledger.kit.pagination import Cursor, Page, limit_query
from custledger.kit.routes import api_router
from custledger.kit.schemas import Id, IdField, IsoDate
from custledger.reports import service
from custledger.reports.schemas import AgeingReport, CreditReport, OverdueItem

router = api_router(tags=["reports"])

StoreFilter = Annotated[
    IdField | None, Query(description="Only customers of this store (their home store).")
]


@router.get(
    "/customers/{customer_id}/report",
    operation_id="customers-report",
    responses=problems(403, 404),
)
async def customer_report(
    customer_id: Id, session: Session, _principal: CustomersRead
) -> CreditReport:
    """The credit report of the Report tab: orders, payment behaviour, coded observations and
    the warning flag. The scoring is in docs/decisions/reports.md."""
    return await service.credit_report(session, customer_id)


@router.get(
    "/reports/receivables-ageing",
    operation_id="reports-receivables-ageing",
    response_model=AgeingReport,
    responses={
        200: {
            "description": "JSON, or with `format=csv` a CSV file with a TOTAL line.",
            "content": {"text/csv": {"schema": {"type": "string"}}},
        },
        **problems(403),
    },
)
async def receivables_ageing(
    session: Session,
    _principal: SalesManage,
    as_of: Annotated[
        IsoDate | None,
        Query(description="The date the receivables are aged at; default today."),
    ] = None,
    store_id: StoreFilter = None,
    format: Annotated[
        Literal["json", "csv"],
        Query(description="`csv` streams every customer (limit and cursor ignored)."),
    ] = "json",
    limit: Annotated[int, limit_query(100, 1000)] = 100,
    cursor: Cursor = None,
) -> Response | AgeingReport:
    """Per customer owing money and in total, the unpaid delivered amount by age since delivery
    as of `as_of`: current (delivered that day), 1–30, 31–60, 61–90 and over 90 days. Received
    payments pay the oldest deliveries first. Quick-sale customers are left out."""
    if format == "csv":
        day = as_of or clock.today()
        return StreamingResponse(
            service.ageing_csv(as_of=day, store_id=store_id),
            media_type="text/csv; charset=utf-8",
            headers={"Content-Disposition": f'attachment; filename="receivables-ageing-{day}.csv"'},
        )
    return await service.ageing_page(
        session, as_of=as_of, store_id=store_id, limit=limit, cursor=cursor
    )


@router.get(
    "/reports/overdue",
    operation_id="reports-overdue",
    responses=problems(403),
)
async def overdue_payments(
    session: Session,
    _principal: PaymentsRead,
    store_id: StoreFilter = None,
    limit: Annotated[int, limit_query(50, 200)] = 50,
    cursor: Cursor = None,
) -> Page[OverdueItem]:
    """Pending payments (not received) whose due date has passed, oldest due date first."""
    return await service.overdue(session, store_id=store_id, limit=limit, cursor=cursor)
