from __future__ import annotations

from typing import Annotated, Any

from fastapi import Query
from fastapi.responses import Response, StreamingResponse

from custledger.auth.dependencies import CustomersRead
from custledger.config import get_settings
from custledger.kit import clock
from custledger.kit.db import Session
from custledger.kit.errors import problems
from custledger.kit.jsonutil import dumps
from custledger.kit.pagination import Cursor, limit_query
from custledger.kit.routes import api_router
from custledger.kit.schemas import Id, IsoDate
from custledger.statement import export, service
from custledger.statement.schemas import ExportFormat, StatementPage

router = api_router(tags=["statement"])

FinancialOnly = Annotated[
    bool,
    Query(description="Only payment and delivery rows (drops order, cancelled and quote rows)."),
]


@router.get(
    "/customers/{customer_id}/statement",
    operation_id="statement-get",
    response_model=StatementPage,
    responses=problems(403, 404),
)
async def get_statement(
    customer_id: Id,
    session: Session,
    _principal: CustomersRead,
    financial_only: FinancialOnly = False,
    limit: Annotated[int, limit_query(service.MAX_PAGE, service.MAX_PAGE)] = service.MAX_PAGE,
    cursor: Cursor = None,
) -> Response:
    """The customer's statement (the Balance tab), newest first: received payments (credit),
    deliveries (debit) and order activity rows, each financial row with the running balance
    as of that row. `next_cursor` loads the earlier period."""
    page = await service.statement_page(
        session, customer_id, financial_only=financial_only, limit=limit, cursor=cursor
    )
    return Response(dumps(page), media_type="application/json")


EXPORT_RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {
        "description": "The statement as CSV or as a printable PDF, oldest row first.",
        "content": {
            "text/csv": {"schema": {"type": "string"}},
            "application/pdf": {"schema": {"type": "string", "format": "binary"}},
        },
    },
    **problems(403, 404),
}


@router.get(
    "/customers/{customer_id}/statement/export",
    operation_id="statement-export",
    response_class=StreamingResponse,
    responses=EXPORT_RESPONSES,
)
async def export_statement(
    customer_id: Id,
    session: Session,
    _principal: CustomersRead,
    format: Annotated[ExportFormat, Query(description="`csv` or `pdf`.")] = "csv",
    since: Annotated[
        IsoDate | None, Query(alias="from", description="First date included (default: the start).")
    ] = None,
    until: Annotated[
        IsoDate | None, Query(alias="to", description="Last date included (default: the end).")
    ] = None,
    financial_only: FinancialOnly = False,
) -> StreamingResponse:
    """The whole statement, or the rows dated `from`..`to`, oldest first, with the opening
    balance (before `from`), the running balance on every financial row and the closing
    balance. Streamed: rows are read in keyset batches, never the whole history at once."""
    header = await service.export_header(
        session,
        customer_id,
        since,
        until,
        pdf=format == "pdf",
        financial_only=financial_only,
    )
    reader = service.StatementReader(
        customer_id, since=since, until=until, financial_only=financial_only
    )
    name = f"statement-{header.customer_number or customer_id}"
    if since is not None or until is not None:
        name += f"-{since or 'start'}-{until or 'end'}"
    if format == "pdf":
        settings = get_settings()
        body = export.pdf_body(
            reader, header, settings.business_name, settings.currency, clock.today()
        )
        media_type, name = "application/pdf", f"{name}.pdf"
    else:
        body = export.csv_body(reader)
        media_type, name = "text/csv; charset=utf-8", f"{name}.csv"
    return StreamingResponse(
        body,
        media_type=media_type,
        headers={
            "Content-Disposition": f'attachment; filename="{name}"',
            "Cache-Control": "no-store",
        },
    )
