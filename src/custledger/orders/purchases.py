"""The customer's purchase history: what was bought (delivered), and how much of it is paid.

A purchase is an order with something delivered, whatever became of the rest: its amount is
``delivered_amount`` (a cancelled remainder was never bought). Every received payment, naming an
order or not, pays the customer's deliveries first-in first-out by ``(delivered_on, id)``, as the
credit report allocates them (``reports.allocation``). Then:

- Σ amounts of the history = Σ deliveries = the stored ``total_purchases``;
- Σ unpaid parts of the history = ``max(0, −balance)``, the debt;
- the unpaid part of delivery *k* is ``clamp(debt − Σ deliveries after k, 0, amount_k)``:
  the debt sits on the newest deliveries, so the page walks the deliveries newest first only
  until they cover the debt (none for a customer who owes nothing), never the whole history.

The page, the balance and that walk are one statement, so they see one snapshot even in a
reading request's autocommit.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import BigInteger, Date, bindparam, case, func, literal, or_, select, tuple_
from sqlalchemy.ext.asyncio import AsyncSession

from custledger.customers.models import Customer
from custledger.kit.db import Prepared
from custledger.kit.errors import NotFound
from custledger.kit.money import format_money
from custledger.kit.pagination import Page, encode_cursor
from custledger.orders import repository
from custledger.orders.models import Delivery, Order
from custledger.orders.schemas import Purchase

# Deliveries read by the first walk; a debt spread over more of them is walked again, at least
# twice as far.
FIRST_WALK = 64
WALK_GROWTH = 2

# An order is a purchase once something of it was delivered (a delivered 0.00 order too).
PURCHASED = or_(Order.delivered_amount > 0, Order.status == "delivered")


def payment_status(amount: int, unpaid: int) -> str:
    """``paid`` when nothing of the purchase is owed (a 0.00 purchase owes nothing)."""
    if unpaid <= 0:
        return "paid"
    return "partial" if unpaid < amount else "unpaid"


def _page_statement(paged: bool) -> Any:
    """The page (after a cursor when ``paged``), each row with its order's unpaid part, the
    debt, and how far the walk went: one statement, built once, bound per request."""
    customer_id = bindparam("customer_id", type_=BigInteger)
    debt = (
        select(case((Customer.balance < 0, -Customer.balance), else_=0).label("owed"))
        .where(Customer.id == customer_id)
        .cte("debt")
    )
    # Each delivery, newest first, with the sum of the deliveries after it.
    newest_first = (Delivery.delivered_on.desc(), Delivery.id.desc())
    walked = (
        select(
            Delivery.order_id,
            Delivery.amount,
            func.coalesce(
                func.sum(Delivery.amount).over(order_by=newest_first, rows=(None, -1)), 0
            ).label("newer"),
        )
        .where(Delivery.customer_id == customer_id)
        .order_by(*newest_first)
        .limit(bindparam("walk"))
        .cte("walked")
    )
    left = debt.c.owed - walked.c.newer
    owed_orders = (
        select(
            walked.c.order_id,
            func.sum(case((left >= walked.c.amount, walked.c.amount), else_=left)).label("unpaid"),
        )
        .select_from(walked.join(debt, literal(True)))
        .where(left > 0)
        .group_by(walked.c.order_id)
        .cte("owed_orders")
    )
    page = select(
        Order.id,
        Order.number,
        Order.placed_on,
        Order.total,
        Order.delivered_amount,
        Order.status,
    ).where(Order.customer_id == customer_id, PURCHASED)
    if paged:
        page = page.where(
            tuple_(Order.placed_on, Order.id)
            < tuple_(
                bindparam("after_placed_on", type_=Date), bindparam("after_id", type_=BigInteger)
            )
        )
    page_cte = (
        page.order_by(Order.placed_on.desc(), Order.id.desc())
        .limit(bindparam("page_limit"))
        .cte("page")
    )
    walked_count = select(func.count()).select_from(walked).scalar_subquery()
    walked_amount = select(func.coalesce(func.sum(walked.c.amount), 0)).scalar_subquery()
    return (
        select(
            page_cte,
            debt.c.owed,
            func.cast(func.coalesce(owed_orders.c.unpaid, 0), BigInteger).label("unpaid"),
            walked_count.label("walked"),
            func.cast(walked_amount, BigInteger).label("walked_amount"),
        )
        .select_from(
            page_cte.join(debt, literal(True)).outerjoin(
                owed_orders, owed_orders.c.order_id == page_cte.c.id
            )
        )
        .order_by(page_cte.c.placed_on.desc(), page_cte.c.id.desc())
    )


# Built once: the history is read every time a customer is opened.
_PAGE = {paged: Prepared(_page_statement(paged)) for paged in (False, True)}


async def history(
    session: AsyncSession,
    customer_id: int,
    *,
    after: tuple[date, int] | None,
    limit: int,
) -> Page[Purchase]:
    walk = FIRST_WALK
    while True:
        params: dict[str, Any] = {"customer_id": customer_id, "page_limit": limit + 1, "walk": walk}
        if after is not None:
            params |= {"after_placed_on": after[0], "after_id": after[1]}
        rows = await _PAGE[after is not None].all(session, params)
        # The walk must reach past the debt; when it stopped short, walk further: as far as
        # the deliveries read so far say the debt reaches, and a quarter more.
        first = rows[0] if rows else None
        if first is None or first["walked"] < walk or first["walked_amount"] >= first["owed"]:
            break
        reach = walk * first["owed"] // max(1, first["walked_amount"])
        walk = max(walk * WALK_GROWTH, reach + reach // 4)
    if not rows and not await repository.customer_exists(session, customer_id):
        raise NotFound(f"No customer with id {customer_id}.", type="customer-not-found")
    page, more = rows[:limit], len(rows) > limit
    items = []
    for row in page:
        amount = int(row["delivered_amount"])
        unpaid = min(amount, int(row["unpaid"] or 0))
        items.append(
            Purchase(
                order_id=row["id"],
                number=row["number"],
                date=row["placed_on"],
                total=format_money(row["total"]),
                delivered_amount=format_money(amount),
                status=row["status"],
                payment_status=payment_status(amount, unpaid),
                paid_amount=format_money(amount - unpaid),
                unpaid_amount=format_money(unpaid),
            )
        )
    next_cursor = None
    if more and page:
        last = page[-1]
        next_cursor = encode_cursor("purchases", [last["placed_on"].isoformat(), last["id"]])
    return Page[Purchase](items=items, next_cursor=next_cursor)
