"""Orders from the POS, their deliveries and transitions.

Every change locks the customer row first, then the order, so it never races a payment, a
merge or another terminal; the customer's ``credit_reserved`` (Σ undelivered remainder of open
credit orders) and ``total_purchases`` change in the same transaction, and a delivery moves the
balance through ``balance.service.move``.

``total_purchases`` is what the customer really bought: Σ of its deliveries (a delivery adds to
it; an order not yet delivered, a quote or a cancelled remainder never count), the same number as
the purchase history's amounts (``purchases``).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import date
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import make_transient_to_detached
from sqlalchemy.orm.attributes import set_committed_value

from custledger.auth.principal import Principal
from custledger.balance import service as balance
from custledger.customers.models import Customer
from custledger.kit import audit, clock
from custledger.kit.db import is_postgres, next_number, utcnow
from custledger.kit.errors import Conflict, Forbidden, NotFound, invalid
from custledger.kit.money import format_money
from custledger.kit.pagination import Page, decode_cursor, encode_cursor
from custledger.orders import repository
from custledger.orders.credit import check_sale
from custledger.orders.models import Delivery, Order
from custledger.orders.schemas import (
    CustomerRef,
    DeliveryCreate,
    DeliveryOut,
    OrderCreate,
    OrderOut,
)

# Delivery types whose goods leave in one go: one delivery of the whole total.
WHOLE_DELIVERY_TYPES = ("single", "collected")
# How many assigned numbers to try past ones the POS already used.
NUMBER_ATTEMPTS = 50


def order_not_found(order_id: int) -> NotFound:
    return NotFound(f"No order with id {order_id}.", type="order-not-found")


def illegal_transition(order: Order, status: str, action: str) -> Conflict:
    return Conflict(
        f"Order number {order.number} is {status}: it cannot be {action}.",
        type="illegal-transition",
        title="Illegal transition",
        status_now=status,
        order_id=order.id,
    )


EXTERNAL_REF_TAKEN_EXAMPLE = {
    "type": "external-ref-taken",
    "title": "External reference already used",
    "detail": "Your order number 90417 already carries the reference 'TILL-07/0042'.",
    "external_ref": "TILL-07/0042",
    "order_id": 7731,
    "number": 90417,
}


def external_ref_taken(external_ref: str, existing: tuple[int, int]) -> Conflict:
    order_id, number = existing
    return Conflict(
        f"Your order number {number} already carries the reference {external_ref!r}.",
        type="external-ref-taken",
        title="External reference already used",
        external_ref=external_ref,
        order_id=order_id,
        number=number,
    )


def number_taken(number: int, existing_id: int | None) -> Conflict:
    return Conflict(
        f"Order number {number} is already used by another order.",
        type="order-number-taken",
        title="Order number taken",
        number=number,
        order_id=existing_id,
    )


def snapshot(order: Order) -> dict[str, Any]:
    return {
        "number": order.number,
        "customer_id": order.customer_id,
        "store_id": order.store_id,
        "kind": order.kind,
        "status": order.status,
        "delivery_type": order.delivery_type,
        "payment_terms": order.payment_terms,
        "total": format_money(order.total),
        "delivered_amount": format_money(order.delivered_amount),
        "placed_on": order.placed_on,
        "closed_on": order.closed_on,
        "external_ref": order.external_ref,
    }


def customer_totals(customer: Customer) -> dict[str, str]:
    return {
        "credit_reserved": format_money(customer.credit_reserved),
        "total_purchases": format_money(customer.total_purchases),
    }


# Output money fields parse their input as an amount: hand them the decimal text of the stored
# cents (an int would be read as whole units).
def order_out(
    row: Mapping[str, Any] | Order,
    deliveries: Sequence[Mapping[str, Any]],
    customer: Mapping[str, Any] | None = None,
) -> OrderOut:
    """``customer`` (id, number, name) for an ``Order``; a row of the repository carries them
    as ``customer_number`` and ``customer_name``."""

    def get(name: str) -> Any:
        return row[name] if isinstance(row, Mapping) else getattr(row, name)

    if customer is None:
        assert isinstance(row, Mapping)
        customer = {
            "id": row["customer_id"],
            "number": row["customer_number"],
            "name": row["customer_name"],
        }
    return OrderOut(
        id=get("id"),
        number=get("number"),
        customer_id=get("customer_id"),
        customer=CustomerRef(id=customer["id"], number=customer["number"], name=customer["name"]),
        store_id=get("store_id"),
        kind=get("kind"),
        status=get("status"),
        delivery_type=get("delivery_type"),
        payment_terms=get("payment_terms"),
        total=format_money(get("total")),
        delivered_amount=format_money(get("delivered_amount")),
        outstanding_delivery=format_money(get("total") - get("delivered_amount")),
        placed_on=get("placed_on"),
        closed_on=get("closed_on"),
        external_ref=get("external_ref"),
        deliveries=[
            DeliveryOut(
                id=d["id"],
                sequence=d["sequence"],
                delivered_on=d["delivered_on"],
                amount=format_money(d["amount"]),
            )
            for d in deliveries
        ],
        created_at=get("created_at"),
        updated_at=get("updated_at"),
        version=get("version"),
    )


async def present(
    session: AsyncSession, order: Order, customer: Customer | None = None
) -> OrderOut:
    """The response for an order this request changed (``customer``: its customer, if the
    caller holds it)."""
    deliveries = await repository.deliveries_of(session, [order.id])
    if customer is not None:
        ref = {"id": customer.id, "number": customer.number, "name": customer.name}
    else:
        ref = await repository.customer_ref(session, order.customer_id)
    return order_out(order, deliveries[order.id], ref)


def present_placed(order: Order, customer: Customer, deliveries: Sequence[Delivery]) -> OrderOut:
    """The response for an order this request placed, from the rows it wrote (``deliveries``:
    every delivery it made of the order) instead of reading them back."""
    ref = {"id": customer.id, "number": customer.number, "name": customer.name}
    rows = [
        {"id": d.id, "sequence": d.sequence, "delivered_on": d.delivered_on, "amount": d.amount}
        for d in deliveries
    ]
    return order_out(order, rows, ref)


# --- reading ---------------------------------------------------------------------------


async def get_order(session: AsyncSession, order_id: int) -> OrderOut:
    row = await repository.order_row(session, order_id)
    if row is None:
        raise order_not_found(order_id)
    deliveries = await repository.deliveries_of(session, [order_id])
    return order_out(row, deliveries[order_id])


def date_cursor(kind: str, cursor: str | None) -> tuple[date, int] | None:
    key = decode_cursor(kind, cursor, 2)
    if key is None:
        return None
    placed_on, order_id = key
    try:
        if not isinstance(placed_on, str) or not isinstance(order_id, int):
            raise ValueError
        return date.fromisoformat(placed_on), order_id
    except ValueError:
        raise invalid("cursor", "not a cursor this list returned", "query") from None


async def list_orders(
    session: AsyncSession,
    *,
    customer_id: int | None,
    status: str | None,
    limit: int,
    cursor: str | None,
    number: int | None = None,
    external_ref: str | None = None,
) -> Page[OrderOut]:
    rows = await repository.list_orders(
        session,
        customer_id=customer_id,
        status=status,
        number=number,
        external_ref=external_ref,
        after=date_cursor("orders", cursor),
        limit=limit,
    )
    page, more = rows[:limit], len(rows) > limit
    ids = [row["id"] for row in page]
    deliveries = await repository.deliveries_of(session, ids)
    items = [order_out(row, deliveries[row["id"]]) for row in page]
    next_cursor = None
    if more and page:
        last = page[-1]
        next_cursor = encode_cursor("orders", [last["placed_on"].isoformat(), last["id"]])
    return Page[OrderOut](items=items, next_cursor=next_cursor)


# --- creating --------------------------------------------------------------------------


async def _insert(session: AsyncSession, values: dict[str, Any], given: int | None) -> Order:
    """Insert the order with the POS's number, or with the next free assigned one.

    The unique index decides races: a POS number taken meanwhile is the client's 409; an
    assigned number taken meanwhile by a POS is skipped.
    """
    if given is not None:
        existing = await repository.order_with_number(session, given)
        if existing is not None:
            raise number_taken(given, existing)
    for _attempt in range(NUMBER_ATTEMPTS):
        number = given if given is not None else await next_number(session, "order_number_seq")
        if given is None and await repository.order_with_number(session, number) is not None:
            continue
        order = Order(number=number, **values)
        try:
            async with session.begin_nested():
                session.add(order)
                await session.flush()
        except IntegrityError:
            external_ref = values.get("external_ref")
            if external_ref is not None:
                taken = await repository.order_with_external_ref(
                    session, values["created_by_id"], external_ref
                )
                if taken is not None:
                    raise external_ref_taken(external_ref, taken) from None
            if given is not None:
                existing = await repository.order_with_number(session, given)
                raise number_taken(given, existing) from None
            continue
        return order
    raise Conflict("Could not assign a free order number; retry.", type="order-number-taken")


async def _insert_numbered(
    session: AsyncSession, values: dict[str, Any], about: Callable[[Order], audit.Fields]
) -> Order:
    """PostgreSQL, an assigned number: the order, its number and its audit row (``about``
    the order) in one statement, which skips a number a POS took (one statement instead of
    six: the number, the check that no POS took it, the row between a savepoint and its
    release, the audit row)."""
    now = utcnow()
    values = {**values, "created_at": now, "updated_at": now}
    # The audit row's order has its number filled in by the statement.
    entry = audit.entry(**about(Order(number=None, **values)))
    for _attempt in range(NUMBER_ATTEMPTS):
        written = await repository.insert_numbered_order(session, values, entry)
        if written is not None:
            order = Order(id=written["id"], number=written["number"], **values)
            # The row as written, known to the session as if read: later changes update it.
            make_transient_to_detached(order)
            session.add(order)
            return order
        external_ref = values["external_ref"]
        if external_ref is not None:
            taken = await repository.order_with_external_ref(
                session, values["created_by_id"], external_ref
            )
            if taken is not None:
                raise external_ref_taken(external_ref, taken)
    raise Conflict("Could not assign a free order number; retry.", type="order-number-taken")


async def create_order(session: AsyncSession, principal: Principal, data: OrderCreate) -> Order:
    today = clock.today()
    placed_on = data.placed_on or today
    if placed_on > today:
        raise invalid("placed_on", f"must not be after today ({today.isoformat()})")
    customer = await balance.lock_customer(session, data.customer_id)
    return await place_order(session, principal, customer, data)


async def place_order(
    session: AsyncSession,
    principal: Principal,
    customer: Customer,
    data: OrderCreate,
    *,
    credit_requested: int | None = None,
) -> Order:
    """Create the order for ``customer``, which the caller has locked. The credit rule judges
    ``credit_requested`` (default: the order's total), what the order adds to the customer's
    use of its credit: a sale at the till passes only its unpaid part."""
    placed_on = data.placed_on or clock.today()
    requested = data.total if credit_requested is None else credit_requested
    check_sale(customer, kind=data.kind, payment_terms=data.payment_terms, total=requested)
    if data.external_ref is not None:
        taken = await repository.order_with_external_ref(session, principal.id, data.external_ref)
        if taken is not None:
            raise external_ref_taken(data.external_ref, taken)
    before = customer_totals(customer)
    values = {
        "customer_id": customer.id,
        "store_id": principal.store_id,
        "created_by_id": principal.id,
        "kind": data.kind,
        "status": "quote" if data.kind == "quote" else "open",
        "delivery_type": data.delivery_type,
        "payment_terms": data.payment_terms,
        "total": data.total,
        "delivered_amount": 0,
        "placed_on": placed_on,
        "closed_on": None,
        "version": 1,
        "external_ref": data.external_ref,
    }
    reserves = data.kind == "order" and data.payment_terms == "credit"

    def about(order: Order) -> audit.Fields:
        return {
            "principal_id": principal.id,
            "action": "order.create",
            "entity_type": "order",
            "entity_id": order.id,
            "customer_id": customer.id,
            "after": snapshot(order),
            "extra": {"customer": {"before": before, "after": customer_totals(customer)}},
        }

    if data.number is None and is_postgres(session):
        if reserves:
            customer.credit_reserved += data.total  # flushed before the order's statement
        return await _insert_numbered(session, values, about)
    order = await _insert(session, values, data.number)
    if reserves:
        customer.credit_reserved += data.total
    await session.flush()
    await audit.record(session, **about(order))
    return order


# --- changing --------------------------------------------------------------------------


async def _lock(session: AsyncSession, order_id: int) -> tuple[Customer, Order]:
    """Lock the order's customer, then the order (the one lock order of every money change).

    The order is re-read under the lock: should a merge have moved it to another customer
    between the two reads, lock that one instead.
    """
    for _attempt in range(3):
        customer_id = await repository.customer_of_order(session, order_id)
        if customer_id is None:
            raise order_not_found(order_id)
        customer = await balance.lock_customer(session, customer_id)
        order = await repository.lock_order(session, order_id)
        if order is None:
            raise order_not_found(order_id)
        if order.customer_id == customer.id:
            return customer, order
    raise Conflict(f"Order {order_id} is being moved; retry.", type="order-busy")


async def deliver(
    session: AsyncSession, principal: Principal, order_id: int, data: DeliveryCreate
) -> Order:
    if await repository.customer_of_order(session, order_id) is None:
        raise order_not_found(order_id)
    today = clock.today()
    delivered_on = data.delivered_on or today
    if delivered_on > today:
        raise invalid("delivered_on", f"must not be after today ({today.isoformat()})")
    if delivered_on < today and not principal.privileged:
        raise Forbidden(
            "Only sales managers and owners may date a delivery before today.",
            type="backdating-not-allowed",
            title="Backdating not allowed",
        )
    customer, order = await _lock(session, order_id)
    await deliver_locked(session, principal, customer, order, data.amount, delivered_on)
    return order


async def deliver_locked(
    session: AsyncSession,
    principal: Principal,
    customer: Customer,
    order: Order,
    amount: int | None,
    delivered_on: date,
) -> Delivery | None:
    """Deliver ``amount`` (None: everything left) of the order, both locked by the caller;
    the delivery row, or None for a zero-total order (closed with no row)."""
    if order.status != "open":
        raise illegal_transition(order, order.status, "delivered")
    remaining = order.total - order.delivered_amount
    amount = remaining if amount is None else amount
    if amount > remaining:
        raise Conflict(
            f"Order number {order.number} has {format_money(remaining)} left to deliver; "
            f"{format_money(amount)} is more.",
            type="delivery-exceeds-order",
            title="Delivery exceeds the order",
            remaining=format_money(remaining),
            requested=format_money(amount),
        )
    if order.delivery_type in WHOLE_DELIVERY_TYPES and amount != remaining:
        raise Conflict(
            f"A {order.delivery_type} order is delivered whole, in one delivery of "
            f"{format_money(remaining)}.",
            type="whole-delivery-required",
            title="Whole delivery required",
            remaining=format_money(remaining),
            requested=format_money(amount),
        )
    before, customer_before = snapshot(order), customer_totals(customer)
    if amount == 0:
        # A zero-total order has nothing to debit: delivering it only closes it, with no row.
        for name, value in _delivered(order, 0).items():
            setattr(order, name, value)
        await session.flush()
        await audit.record(
            session,
            **_delivery_audit(
                principal, customer, order, None, 0, delivered_on, before, customer_before
            ),
        )
        return None
    delivery = Delivery(
        order_id=order.id,
        customer_id=customer.id,
        sequence=await _next_sequence(session, order),
        delivered_on=delivered_on,
        amount=amount,
        created_by_id=principal.id,
        created_at=clock.now(),
    )
    if order.payment_terms == "credit":
        customer.credit_reserved -= amount
    changed = _delivered(order, amount)
    if is_postgres(session):
        # The busiest path of a sale: the delivery, the order's new state, its audit row, the
        # month's totals and the balance in one statement.
        for name, value in changed.items():
            set_committed_value(order, name, value)
        move = balance.move_values(customer, delivered_on, delivered=amount)
        customer_after = {
            **customer_totals(customer),
            "total_purchases": format_money(customer.total_purchases + amount),
        }
        about = _delivery_audit(
            principal, customer, order, delivery, amount, delivered_on, before, customer_before,
            customer_after,
        )  # fmt: skip
        written = await repository.insert_delivery_together(
            session,
            {name: getattr(delivery, name) for name in DELIVERY_COLUMNS},
            {"id": order.id, **changed},
            audit.entry(**about),
            move,
        )
        delivery.id = written["delivery_id"]
        await balance.moved(session, customer, written["balance"], move)
        return delivery
    session.add(delivery)
    # The balance and total_purchases.
    await balance.move(session, customer, delivered_on, delivered=amount)
    for name, value in changed.items():
        setattr(order, name, value)
    await session.flush()
    await audit.record(
        session,
        **_delivery_audit(
            principal, customer, order, delivery, amount, delivered_on, before, customer_before
        ),
    )
    return delivery


# A delivery row's columns but its id (the statement that writes it binds each).
DELIVERY_COLUMNS = (
    "order_id",
    "customer_id",
    "sequence",
    "delivered_on",
    "amount",
    "created_by_id",
    "created_at",
)


def _delivered(order: Order, amount: int) -> dict[str, Any]:
    """The order's columns a delivery of ``amount`` changes, as they become."""
    delivered_amount = order.delivered_amount + amount
    return {
        "delivered_amount": delivered_amount,
        "status": "delivered" if delivered_amount == order.total else order.status,
        "version": order.version + 1,
        "updated_at": utcnow(),
    }


async def _next_sequence(session: AsyncSession, order: Order) -> int:
    # Nothing delivered yet means no delivery row (each has an amount above zero and adds it to
    # the order's delivered amount): the first delivery, e.g. a sale's, reads nothing.
    if order.delivered_amount == 0:
        return 1
    return await repository.last_sequence(session, order.id) + 1


def _delivery_audit(
    principal: Principal,
    customer: Customer,
    order: Order,
    delivery: Delivery | None,
    amount: int,
    delivered_on: date,
    before: dict[str, Any],
    customer_before: dict[str, str],
    customer_after: dict[str, str] | None = None,
) -> audit.Fields:
    """The ``order.deliver`` audit row (``customer_after``: the customer's totals after the
    delivery, when the object does not hold them yet). A delivery not yet written has no id:
    the statement that writes it fills it in."""
    return {
        "principal_id": principal.id,
        "action": "order.deliver",
        "entity_type": "order",
        "entity_id": order.id,
        "customer_id": customer.id,
        "before": before,
        "after": snapshot(order),
        "extra": {
            "delivery": {
                "id": None if delivery is None else delivery.id,
                "sequence": None if delivery is None else delivery.sequence,
                "delivered_on": delivered_on.isoformat(),
                "amount": format_money(amount),
            },
            "customer": {
                "before": customer_before,
                "after": customer_after or customer_totals(customer),
            },
        },
    }


async def cancel(session: AsyncSession, principal: Principal, order_id: int) -> Order:
    """Cancel a quote, or what is still undelivered of an open order.

    Deliveries already made stay (they were debited and the goods are gone): the remainder
    leaves the credit reservation; what was delivered stays in the balance and in
    ``total_purchases``, which the remainder never entered.
    """
    customer, order = await _lock(session, order_id)
    if order.status not in ("quote", "open"):
        raise illegal_transition(order, order.status, "cancelled")
    before, customer_before = snapshot(order), customer_totals(customer)
    if order.status == "open" and order.payment_terms == "credit":
        customer.credit_reserved -= order.total - order.delivered_amount
    customer_change = {"before": customer_before, "after": customer_totals(customer)}
    return await _close(
        session,
        principal,
        customer,
        order,
        "cancelled",
        before=before,
        extra={"customer": customer_change},
    )


async def consume(session: AsyncSession, principal: Principal, order_id: int) -> Order:
    """A quote used up (turned into a sale at the POS): it becomes ``consumed``."""
    customer, order = await _lock(session, order_id)
    if order.status != "quote":
        raise illegal_transition(order, order.status, "consumed")
    return await _close(session, principal, customer, order, "consumed", before=snapshot(order))


CLOSING_ACTIONS = {"cancelled": "order.cancel", "consumed": "order.consume"}


async def _close(
    session: AsyncSession,
    principal: Principal,
    customer: Customer,
    order: Order,
    status: str,
    *,
    before: dict[str, Any],
    extra: dict[str, Any] | None = None,
) -> Order:
    """The order leaves the open states today: its new status, closing date and version, and
    the audit row (``before`` is the order as it was)."""
    order.status = status
    order.closed_on = clock.today()
    order.version += 1
    await session.flush()
    await audit.record(
        session,
        principal_id=principal.id,
        action=CLOSING_ACTIONS[status],
        entity_type="order",
        entity_id=order.id,
        customer_id=customer.id,
        before=before,
        after=snapshot(order),
        extra=extra,
    )
    return order
