"""Credit control: only `sales:manage` (and the owner) lend money.

Setting or changing a customer's `credit_limit` or `blocked` needs `sales:manage`; a clerk or a
till still registers customers (without credit) and edits their contact data. These are the
permission dependencies of the routes that write those fields: each takes the route's body (so
the body is parsed and validated once) and hands it on only if the principal may write it, so a
reader of a route sees the rule on its body and the OpenAPI document lists its refusal. A value
equal to the one the customer already has (for a new customer: no credit, not blocked) is not a
change and needs nothing.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Depends

from custledger.auth.dependencies import CustomersWrite
from custledger.auth.principal import Principal
from custledger.auth.roles import Permission
from custledger.balance.service import lock_customer
from custledger.customers.schemas import CustomerCreate, CustomerPatch
from custledger.kit.db import Session
from custledger.kit.errors import PROBLEM_JSON, Forbidden, problems
from custledger.kit.schemas import Id

# The fields only credit control may set, with what a new customer has.
CREDIT_FIELDS: dict[str, Any] = {"credit_limit": None, "blocked": False}


class CreditControlRequired(Forbidden):
    type, title = "credit-control-required", "Credit control required"


def _refuse(principal: Principal, fields: list[str]) -> None:
    if fields and not principal.has(Permission.SALES_MANAGE):
        raise CreditControlRequired(
            f"Setting or changing {' and '.join(f'`{f}`' for f in fields)} needs the "
            f"`{Permission.SALES_MANAGE}` permission (credit control).",
            permission=Permission.SALES_MANAGE.value,
            fields=sorted(fields),
        )


async def credit_control_on_create(
    body: CustomerCreate, principal: CustomersWrite
) -> CustomerCreate:
    """A new customer with credit, or blocked, needs `sales:manage`."""
    _refuse(principal, [f for f, default in CREDIT_FIELDS.items() if getattr(body, f) != default])
    return body


async def credit_control_on_update(
    customer_id: Id, body: CustomerPatch, session: Session, principal: CustomersWrite
) -> CustomerPatch:
    """Changing a customer's credit limit or blocked flag needs `sales:manage`. Judged on the
    customer row locked for the request's transaction (the edit then runs under that lock), so
    the check and the write cannot drift apart."""
    asked = {f: v for f, v in body.changes().items() if f in CREDIT_FIELDS}
    if not asked or principal.has(Permission.SALES_MANAGE):
        return body
    customer = await lock_customer(session, customer_id)
    _refuse(principal, [f for f, value in asked.items() if getattr(customer, f) != value])
    return body


# The bodies of POST and PATCH /customers, past credit control.
CreditControlledCreate = Annotated[CustomerCreate, Depends(credit_control_on_create)]
CreditControlledPatch = Annotated[CustomerPatch, Depends(credit_control_on_update)]

_FORBIDDEN_EXAMPLE = {
    "type": "forbidden",
    "title": "Not allowed",
    "status": 403,
    "detail": "This needs the `customers:write` permission.",
    "permission": "customers:write",
}
_CREDIT_CONTROL_EXAMPLE = {
    "type": "credit-control-required",
    "title": "Credit control required",
    "status": 403,
    "detail": "Setting or changing `credit_limit` needs the `sales:manage` permission "
    "(credit control).",
    "permission": "sales:manage",
    "fields": ["credit_limit"],
}


def credit_control_responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """``problems(403, *statuses)`` with the 403 of credit control shown beside the plain one."""
    responses = problems(403, *statuses)
    responses[403] = {
        **responses[403],
        "description": "The principal lacks `customers:write`, or (`credit-control-required`) "
        "sets or changes `credit_limit` or `blocked` without `sales:manage`; nothing is "
        "changed. `fields` names the refused fields.",
        "content": {
            PROBLEM_JSON: {
                "schema": {"$ref": "#/components/schemas/Problem"},
                "examples": {
                    "credit-control-required": {"value": _CREDIT_CONTROL_EXAMPLE},
                    "forbidden": {"value": _FORBIDDEN_EXAMPLE},
                },
            }
        },
    }
    return responses
