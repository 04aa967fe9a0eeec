"""Who may be sold to, and on credit: the checks of an order's creation.

Run with the customer row locked (``balance.service.lock_customer``) and write in the same
transaction, so two terminals selling to one customer at once can never both use the last of
its credit.
"""

from __future__ import annotations

from custledger.balance.service import available_credit
from custledger.customers.models import Customer
from custledger.kit import metrics
from custledger.kit.errors import Conflict
from custledger.kit.money import format_money

# What an inactive, blocked or credit-less customer may buy on credit now.
NONE_AVAILABLE = "0.00"

_WHO = {"id": 1042, "number": 5123, "name": "Maria Souza"}
# The refusals of the credit rule, as the OpenAPI document shows them.
REFUSAL_EXAMPLES = (
    {
        "type": "credit-limit-exceeded",
        "title": "Credit limit exceeded",
        "detail": "The credit limit of Customer 5123 (Maria Souza) would be exceeded: 70.00 "
        "available, 120.00 requested.",
        "customer_id": 1042,
        "customer": _WHO,
        "credit_limit": "1000.00",
        "available_credit": "70.00",
        "requested": "120.00",
    },
    {
        "type": "customer-blocked",
        "title": "Customer blocked",
        "detail": "Customer 5123 (Maria Souza) is blocked: no credit sales.",
        "customer_id": 1042,
        "customer": _WHO,
        "available_credit": NONE_AVAILABLE,
    },
    {
        "type": "customer-inactive",
        "title": "Customer inactive",
        "detail": "Customer 5123 (Maria Souza) is inactive and cannot be sold to.",
        "customer_id": 1042,
        "customer": _WHO,
        "available_credit": NONE_AVAILABLE,
    },
    {
        "type": "no-credit",
        "title": "No credit",
        "detail": "Customer 5123 (Maria Souza) has no credit limit: sell for cash.",
        "customer_id": 1042,
        "customer": _WHO,
        "available_credit": NONE_AVAILABLE,
    },
)


def check_sale(customer: Customer, *, kind: str, payment_terms: str, total: int) -> None:
    """``_check_sale``, with each credit refusal counted by its reason (its problem type)."""
    try:
        _check_sale(customer, kind=kind, payment_terms=payment_terms, total=total)
    except Conflict as refusal:
        if refusal.problem_type != "customer-inactive":
            metrics.credit_refused(refusal.problem_type)
        raise


def _check_sale(customer: Customer, *, kind: str, payment_terms: str, total: int) -> None:
    """Raise the 409 problem that says why this order may not be placed; pass otherwise.

    - An inactive customer cannot be sold to at all, not even a quote. The quick-sale
      (walk-in) customer of a store is always active, whatever its flag says.
    - The quick-sale customer buys for cash only (a credit quote included: it could never
      become a credit sale).
    - A credit sale (kind ``order``, terms ``credit``) needs an unblocked customer with a
      credit limit above zero, and debt + undelivered open credit orders + this total within
      the limit. Exactly reaching the limit is accepted.
    - A quote reserves nothing, so a credit quote is not checked against the limit.

    Every refusal names the customer by number and name (never by its internal id alone) and
    carries ``available_credit``: zero when the customer may not buy on credit at all.
    """
    named = (
        customer.name
        if customer.number is None
        else f"Customer {customer.number} ({customer.name})"
    )
    who = {"id": customer.id, "number": customer.number, "name": customer.name}
    if not customer.is_quick_sale and not customer.active:
        raise Conflict(
            f"{named} is inactive and cannot be sold to.",
            type="customer-inactive",
            title="Customer inactive",
            customer_id=customer.id,
            customer=who,
            available_credit=NONE_AVAILABLE,
        )
    if payment_terms != "credit":
        return
    if customer.is_quick_sale:
        raise Conflict(
            "The quick-sale customer buys for cash only; select a registered customer "
            "to sell on credit.",
            type="no-credit",
            title="No credit",
            customer_id=customer.id,
            customer=who,
            available_credit=NONE_AVAILABLE,
        )
    if kind != "order":
        return
    if customer.blocked:
        raise Conflict(
            f"{named} is blocked: no credit sales.",
            type="customer-blocked",
            title="Customer blocked",
            customer_id=customer.id,
            customer=who,
            available_credit=NONE_AVAILABLE,
        )
    if not customer.credit_limit:
        # Null is "no credit at all"; a limit of zero allows no credit sale either.
        raise Conflict(
            f"{named} has no credit limit: sell for cash.",
            type="no-credit",
            title="No credit",
            customer_id=customer.id,
            customer=who,
            available_credit=NONE_AVAILABLE,
        )
    available = available_credit(customer.credit_limit, customer.balance, customer.credit_reserved)
    assert available is not None
    if total > available:
        raise Conflict(
            f"The credit limit of {named} would be exceeded: "
            f"{format_money(max(available, 0))} available, {format_money(total)} requested.",
            type="credit-limit-exceeded",
            title="Credit limit exceeded",
            customer_id=customer.id,
            customer=who,
            credit_limit=format_money(customer.credit_limit),
            available_credit=format_money(available),
            requested=format_money(total),
        )
