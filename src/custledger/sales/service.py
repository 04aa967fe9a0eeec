"""A sale at the till: order, delivery and the payments taken at the counter in one
transaction (DESIGN "Second wave: decisions").

Everything is judged before the first row is written: the amounts add up, every cheque is
complete and new, the customer (locked for the whole transaction) may be sold to, and the
unpaid part passes the credit rule. Then the order is placed (``orders.service.place_order``),
what leaves the store now is delivered (``orders.service.deliver_locked``) and the payments are
recorded as received today (``payments.service.record_received_today``): the same rows, audit
entries and balance moves as the single calls write. A refusal anywhere rolls the whole
request back, so nothing of a refused sale is left behind.

The delivery is written before the payments, so a sale paid in full never shows the
customer settled in between (which would clear its invoicing follow-up).
"""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from custledger.auth.principal import Principal
from custledger.balance import service as balance
from custledger.customers.models import Customer
from custledger.kit import clock
from custledger.kit.errors import NotFound, Unprocessable, field_error, invalid
from custledger.kit.money import format_money
from custledger.orders import service as orders
from custledger.orders.schemas import DeliveryType, OrderCreate
from custledger.payments import cheques
from custledger.payments import service as payments
from custledger.sales import repository
from custledger.sales.schemas import SaleCreate, SaleCustomer, SaleOut

# The order's delivery type for each way the goods leave (docs/decisions/sales.md).
DELIVERY_TYPES: dict[str, DeliveryType] = {
    "now": "collected",
    "awaiting": "awaiting_collection",
    "partial": "partial",
}


def _check_amounts(data: SaleCreate) -> None:
    paid = sum(p.amount for p in data.payments)
    if paid + data.on_credit != data.total:
        raise Unprocessable(
            f"The payments ({format_money(paid)}) plus on_credit "
            f"({format_money(data.on_credit)}) must equal the total "
            f"({format_money(data.total)}).",
            errors=[
                field_error(
                    "total",
                    f"payments {format_money(paid)} + on_credit "
                    f"{format_money(data.on_credit)} != total {format_money(data.total)}",
                )
            ],
        )
    if data.delivered_amount is not None:
        if data.delivery != "partial":
            raise invalid("delivered_amount", "only with delivery `partial`")
        if data.delivered_amount > data.total:
            raise invalid("delivered_amount", "must not exceed the total")
    for i, payment in enumerate(data.payments):
        payments.check_cheque_presence(
            payment.method, payment.cheque is not None, f"payments.{i}.cheque"
        )


def delivered_now(data: SaleCreate) -> int:
    if data.delivery == "now":
        return data.total
    return data.delivered_amount or 0


def credit_requested(customer: Customer, data: SaleCreate) -> int:
    """What the sale adds to the customer's use of its credit as the ledger counts it
    (debt + undelivered open credit orders), once its rows are written: the unpaid part when
    everything is delivered now; the undelivered rest of a credit sale stays reserved in
    whole until delivered (a payment taken before the delivery settles old debt first)."""
    delivered = delivered_now(data)
    paid = data.total - data.on_credit
    balance_after = customer.balance + paid - delivered
    reserved_after = customer.credit_reserved
    if data.on_credit > 0:
        reserved_after += data.total - delivered
    before = max(0, -customer.balance) + customer.credit_reserved
    after = max(0, -balance_after) + reserved_after
    return max(0, after - before)


async def _customer(session: AsyncSession, principal: Principal, data: SaleCreate) -> Customer:
    customer_id = data.customer_id
    if customer_id is None:
        customer_id = await repository.quick_sale_customer_of(session, principal.store_id)
        if customer_id is None:
            raise NotFound(
                "Your store has no quick-sale customer; send customer_id.",
                type="customer-not-found",
            )
    return await balance.lock_customer(session, customer_id)


async def create_sale(session: AsyncSession, principal: Principal, data: SaleCreate) -> SaleOut:
    _check_amounts(data)
    customer = await _customer(session, principal, data)
    new_cheques = [
        (f"payments.{i}.cheque", p.cheque) for i, p in enumerate(data.payments) if p.cheque
    ]
    await cheques.check_new(session, new_cheques)
    today = clock.today()
    order = await orders.place_order(
        session,
        principal,
        customer,
        OrderCreate.model_construct(
            number=None,
            customer_id=customer.id,
            kind="order",
            delivery_type=DELIVERY_TYPES[data.delivery],
            total=data.total,
            payment_terms="credit" if data.on_credit > 0 else "cash",
            placed_on=today,
            external_ref=data.external_ref,
        ),
        credit_requested=credit_requested(customer, data),
    )
    deliveries = []
    amount = delivered_now(data)
    if amount > 0:
        delivery = await orders.deliver_locked(session, principal, customer, order, amount, today)
        if delivery is not None:
            deliveries.append(delivery)
    recorded = [
        await payments.record_received_today(
            session,
            principal,
            customer,
            order_number=order.number,
            method=p.method,
            amount=p.amount,
            details=p.details,
            cheque=p.cheque,
        )
        for p in data.payments
    ]
    available = balance.available_credit(
        customer.credit_limit, customer.balance, customer.credit_reserved
    )
    # Answered from the rows written: the order is new, so its deliveries are this sale's.
    placed = orders.present_placed(order, customer, deliveries)
    return SaleOut(
        order=placed,
        deliveries=placed.deliveries,
        payments=recorded,
        customer=SaleCustomer(
            id=customer.id,
            number=customer.number,
            balance=format_money(customer.balance),
            available_credit=None if available is None else format_money(available),
        ),
    )
