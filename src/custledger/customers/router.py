"""Customers over HTTP: parse, call the service, shape the response (ETag, Location, CSV)."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import Depends, Query, Response
from fastapi.responses import StreamingResponse

from custledger.auth.dependencies import CustomersRead, CustomersWrite, SalesManage
from custledger.customers import service
from custledger.customers.permissions import (
    CreditControlledCreate,
    CreditControlledPatch,
    credit_control_responses,
)
from custledger.customers.repository import CustomerFilters
from custledger.customers.schemas import (
    AuditEntryOut,
    CustomerCounts,
    CustomerOut,
    CustomerSort,
    CustomerStatus,
    Duplicates,
    MergedInto,
)
from custledger.kit.db import Session
from custledger.kit.errors import PROBLEM_JSON, problems
from custledger.kit.etag import IfMatch, etag, expected_versions
from custledger.kit.idempotency import Idempotent
from custledger.kit.jsonutil import dumps
from custledger.kit.pagination import Cursor, Page, limit_query
from custledger.kit.routes import api_router
from custledger.kit.schemas import MAX_ID, NO_CONTROL, Id, PlainText

router = api_router(tags=["customers"])


async def customer_filters(
    q: Annotated[
        PlainText | None,
        Query(
            max_length=200,
            json_schema_extra=NO_CONTROL,
            description="Words each found in name, trade name, contact, phone, e-mail, city or "
            "tax id, ignoring case and accents; an all-digit `q` also matches the number.",
        ),
    ] = None,
    status: Annotated[CustomerStatus, Query(description="Default `all`.")] = "all",
    blocked: Annotated[bool | None, Query(description="Only blocked (true) or not.")] = None,
    store_id: Annotated[int | None, Query(ge=1, le=MAX_ID)] = None,
    owing: Annotated[
        bool | None,
        Query(
            description="Only customers who owe (balance below zero: true) or who do not.",
            examples=[True],
        ),
    ] = None,
) -> CustomerFilters:
    return CustomerFilters(q=q, status=status, blocked=blocked, store_id=store_id, owing=owing)


Filters = Annotated[CustomerFilters, Depends(customer_filters)]
Sort = Annotated[
    CustomerSort | None,
    Query(
        description="Default: active first, then inactive, each by name. `balance`: those who "
        "owe most first; `-balance`: the highest balance first (ties by id).",
        examples=["balance"],
    ),
]
Limit = Annotated[int, limit_query(50, 200)]


MERGED_RESPONSES = problems(403, 404)
MERGED_RESPONSES[404] = {
    **MERGED_RESPONSES[404],
    "description": "No such customer (`customer-not-found`), or (`customer-merged`) it was "
    "merged into the customer `merged_into` `{id, number, name}` names.",
    "content": {
        PROBLEM_JSON: {
            "schema": {"$ref": "#/components/schemas/Problem"},
            "examples": {
                "customer-merged": {
                    "value": {
                        "type": "customer-merged",
                        "title": "Customer merged",
                        "status": 404,
                        "detail": "Customer 77 was merged into customer #1043 (Maria "
                        "Oliveira); its records are there now.",
                        "merged_into": MergedInto(
                            id=812, number=1043, name="Maria Oliveira"
                        ).model_dump(),
                    }
                },
                "customer-not-found": {
                    "value": {
                        "type": "customer-not-found",
                        "title": "Not found",
                        "status": 404,
                        "detail": "No customer with id 77.",
                    }
                },
            },
        }
    },
}


def _location(customer_id: int) -> str:
    return f"/api/v1/customers/{customer_id}"


@router.get(
    "/customers",
    operation_id="customers-list",
    response_model=Page[CustomerOut],
    responses=problems(403),
)
async def list_customers(
    session: Session,
    _principal: CustomersRead,
    filters: Filters,
    sort: Sort = None,
    limit: Limit = 50,
    cursor: Cursor = None,
) -> Response:
    """Customers (never a store's quick-sale customer), searched, filtered and sorted. When `q`
    is all digits and a customer has that number, that customer is the first item of the first
    page (and is not listed again on later pages)."""
    page = await service.list_customers(session, filters, sort, cursor, limit)
    return Response(dumps(page), media_type="application/json")


@router.get(
    "/customers/counts",
    operation_id="customers-counts",
    responses=problems(403),
)
async def count_customers(
    session: Session, _principal: CustomersRead, filters: Filters
) -> CustomerCounts:
    """How many customers the list's filters match, by tab: active, inactive, blocked and
    owing (balance below zero). Never a store's quick-sale customer."""
    return CustomerCounts(**await service.count_customers(session, filters))


@router.post(
    "/customers",
    status_code=201,
    response_model=CustomerOut,
    operation_id="customers-create",
    responses=credit_control_responses(409),
)
async def create_customer(
    body: CreditControlledCreate, session: Session, principal: CustomersWrite, idem: Idempotent
) -> Response:
    """A new customer of the caller's store. A tax id already used is a 409 `tax-id-taken`
    naming the customer that has it. A `credit_limit` or `blocked: true` needs `sales:manage`
    (403 `credit-control-required`). Honours `Idempotency-Key`."""
    customer = await service.create_customer(session, principal, body)
    return await idem.respond(
        service.out_of(customer),
        status_code=201,
        headers={"Location": _location(customer.id), "ETag": etag(customer.version)},
        customer_id=customer.id,
    )


@router.get(
    "/customers/duplicates",
    operation_id="customers-duplicates",
    responses=problems(403),
)
async def find_duplicates(
    session: Session,
    _principal: CustomersRead,
    name: Annotated[PlainText | None, Query(max_length=200, json_schema_extra=NO_CONTROL)] = None,
    tax_id: Annotated[PlainText | None, Query(max_length=20, json_schema_extra=NO_CONTROL)] = None,
    phone: Annotated[PlainText | None, Query(max_length=40, json_schema_extra=NO_CONTROL)] = None,
    email: Annotated[PlainText | None, Query(max_length=254, json_schema_extra=NO_CONTROL)] = None,
) -> Duplicates:
    """Likely duplicates of a customer about to be created, best first (at most 20): the same
    tax id, then the same phone or e-mail, then a similar name. Give at least one field."""
    items = await service.find_duplicates(
        session, name=name, tax_id=tax_id, phone=phone, email=email
    )
    return Duplicates(items=items)


@router.get(
    "/customers/export",
    operation_id="customers-export",
    response_class=StreamingResponse,
    responses={
        200: {
            "description": "UTF-8 CSV with a header row, streamed.",
            "content": {"text/csv": {"schema": {"type": "string"}}},
        },
        **problems(403),
    },
)
async def export_customers(
    _reader: CustomersRead,
    _principal: SalesManage,
    filters: Filters,
    sort: Sort = None,
    export_format: Annotated[Literal["csv"], Query(alias="format")] = "csv",
) -> StreamingResponse:
    """The customers of the list with the same filters, as CSV (every customer's tax id:
    `sales:manage` only). Cells a spreadsheet would run
    as a formula are prefixed with `'`."""
    service.check_filters(filters)
    return StreamingResponse(
        service.export_csv(filters, sort),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": 'attachment; filename="customers.csv"'},
    )


@router.get(
    "/customers/{customer_id:int}",
    operation_id="customers-get",
    response_model=CustomerOut,
    responses=MERGED_RESPONSES,
)
async def get_customer(customer_id: Id, session: Session, _principal: CustomersRead) -> Response:
    """One customer, with its version as `ETag` (send it back as `If-Match` on PATCH). A
    customer merged into another is a 404 `customer-merged` whose `merged_into` names the
    customer that holds its records now (after merges of merges, the last one)."""
    values = await service.get_customer(session, customer_id)
    return Response(
        dumps(values), media_type="application/json", headers={"ETag": etag(values["version"])}
    )


@router.patch(
    "/customers/{customer_id:int}",
    operation_id="customers-update",
    responses=credit_control_responses(404, 409, 412),
)
async def update_customer(
    customer_id: Id,
    body: CreditControlledPatch,
    session: Session,
    principal: CustomersWrite,
    response: Response,
    if_match: IfMatch = None,
) -> CustomerOut:
    """Change the fields the body sets. With `If-Match`, a customer changed since it was read
    is refused with 412. Read-only fields (balance, number, store, ...) are refused (422).
    Changing `credit_limit` or `blocked` needs `sales:manage` (403 `credit-control-required`,
    nothing changed); sending the value the customer already has is not a change."""
    customer = await service.update_customer(
        session, principal, customer_id, body, expected_versions(if_match)
    )
    response.headers["ETag"] = etag(customer.version)
    return service.out_of(customer)


@router.delete(
    "/customers/{customer_id:int}",
    status_code=204,
    response_class=Response,
    operation_id="customers-delete",
    responses=problems(403, 404, 409, 412),
)
async def delete_customer(
    customer_id: Id, session: Session, principal: CustomersWrite, if_match: IfMatch = None
) -> Response:
    """Delete a customer without any history. One with payments, orders or deliveries is a
    409 `customer-has-history`: deactivate it instead."""
    await service.delete_customer(session, principal, customer_id, expected_versions(if_match))
    return Response(status_code=204)


@router.get(
    "/customers/{customer_id}/audit",
    operation_id="customers-audit",
    responses=problems(403, 404),
)
async def customer_audit(
    customer_id: Id,
    session: Session,
    _principal: SalesManage,
    limit: Limit = 50,
    cursor: Cursor = None,
) -> Page[AuditEntryOut]:
    """Who changed what about this customer, newest first. Still readable after the customer
    was merged or deleted."""
    return await service.audit_entries(session, customer_id, cursor, limit)
