"""The in-memory model of the ledger the state machine compares the API with.

Written from DESIGN.md and docs/decisions (payments, orders, statement, merge), not from the
code: every number the API shows is recomputed here from the entries the model keeps.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

PRIVILEGED = frozenset({"owner", "manager"})

DELIVERY_DESCRIPTIONS = {
    "single": "Single delivery",
    "collected": "Collected by customer",
    "awaiting_collection": "Ready for collection",
    "unspecified": "Delivery",
}
WHOLE_DELIVERY_TYPES = frozenset({"single", "collected"})

# Ranks of the statement's key (date, rank, id): activity, delivery, payment, returned cheque.
ACTIVITY, DELIVERY, PAYMENT, RETURNED = 0, 1, 2, 3
# The cheque lifecycle (docs/decisions/cheques.md): the status each step needs and makes.
CHEQUE_STEPS = {
    "deposit": ("held", "deposited"),
    "clear": ("deposited", "cleared"),
    "return": ("deposited", "returned"),
}


def money(cents: int | None) -> str | None:
    """Cents as the API's decimal text (``-12.05``)."""
    if cents is None:
        return None
    sign = "-" if cents < 0 else ""
    return f"{sign}{abs(cents) // 100}.{abs(cents) % 100:02d}"


# A refusal the model predicts: (HTTP status, problem type or None when any type will do).
Refusal = tuple[int, str | None]


@dataclass
class CustomerM:
    id: int
    name: str
    credit_limit: int | None
    active: bool = True
    blocked: bool = False
    version: int = 1
    quick_sale: bool = False


@dataclass
class PaymentM:
    id: int
    customer_id: int
    recorded_by: int
    method: str
    amount: int
    received_on: date | None
    due_date: date
    order_number: int | None
    version: int = 1
    # A CHEQUE payment's cheque: its pre-dated day and lifecycle; None for other methods.
    predated_to: date | None = None
    cheque_status: str | None = None
    deposited_on: date | None = None
    returned_on: date | None = None

    @property
    def returned(self) -> bool:
        """A returned cheque: its payment stays, and a debit of its amount is added."""
        return self.cheque_status == "returned"


@dataclass
class OrderM:
    id: int
    number: int
    customer_id: int
    kind: str
    status: str
    delivery_type: str
    terms: str
    total: int
    placed_on: date
    delivered: int = 0


@dataclass
class DeliveryM:
    id: int
    order_id: int
    customer_id: int
    sequence: int
    on: date
    amount: int


@dataclass
class Ledger:
    customers: dict[int, CustomerM] = field(default_factory=dict)
    gone: set[int] = field(default_factory=set)  # merged away
    merged_into: dict[int, int] = field(default_factory=dict)
    payments: dict[int, PaymentM] = field(default_factory=dict)
    deleted_payments: set[int] = field(default_factory=set)
    orders: dict[int, OrderM] = field(default_factory=dict)
    deliveries: dict[int, DeliveryM] = field(default_factory=dict)

    # --- derived figures ---------------------------------------------------------------

    def balance(self, cid: int) -> int:
        received = sum(
            p.amount
            for p in self.payments.values()
            if p.customer_id == cid and p.received_on is not None
        )
        delivered = sum(d.amount for d in self.deliveries.values() if d.customer_id == cid)
        returned = sum(
            p.amount for p in self.payments.values() if p.customer_id == cid and p.returned
        )
        return received - delivered - returned

    def reserved(self, cid: int) -> int:
        """Undelivered remainder of open credit sales."""
        return sum(
            o.total - o.delivered
            for o in self.orders.values()
            if o.customer_id == cid and o.status == "open" and o.terms == "credit"
        )

    def available_credit(self, cid: int) -> int | None:
        limit = self.customers[cid].credit_limit
        if limit is None:
            return None
        return limit - max(0, -self.balance(cid)) - self.reserved(cid)

    def total_purchases(self, cid: int) -> int:
        """What the customer bought: Σ of its deliveries (orders.md, "One meaning of
        purchases")."""
        return sum(d.amount for d in self.deliveries.values() if d.customer_id == cid)

    def customer_fields(self, cid: int) -> dict[str, Any]:
        c = self.customers[cid]
        return {
            "id": c.id,
            "credit_limit": money(c.credit_limit),
            "active": c.active,
            "blocked": c.blocked,
            "balance": money(self.balance(cid)),
            "available_credit": money(self.available_credit(cid)),
            "total_purchases": money(self.total_purchases(cid)),
            "version": c.version,
        }

    def statement(self, cid: int, *, financial_only: bool = False) -> list[dict[str, Any]]:
        """Every statement row, newest first, with running balances."""
        rows: list[tuple[tuple[date, int, int], dict[str, Any], int]] = []
        for p in self.payments.values():
            if p.customer_id == cid and p.received_on is not None:
                row = {
                    "date": p.received_on.isoformat(),
                    "type": "payment",
                    "reference": p.id,
                    "description": p.method,
                    "debit": None,
                    "credit": money(p.amount),
                }
                rows.append(((p.received_on, PAYMENT, p.id), row, p.amount))
            if p.customer_id == cid and p.returned:
                assert p.returned_on is not None
                row = {
                    "date": p.returned_on.isoformat(),
                    "type": "returned_cheque",
                    "reference": p.id,
                    "description": "Returned cheque",
                    "debit": money(p.amount),
                    "credit": None,
                }
                # Cheques are numbered in the order of their payments: the payment id stands
                # for the cheque's in the key.
                rows.append(((p.returned_on, RETURNED, p.id), row, -p.amount))
        for d in self.deliveries.values():
            if d.customer_id != cid:
                continue
            order = self.orders[d.order_id]
            if order.delivery_type == "partial":
                description = f"Partial delivery {d.sequence}"
            else:
                description = DELIVERY_DESCRIPTIONS[order.delivery_type]
            row = {
                "date": d.on.isoformat(),
                "type": "delivery",
                "reference": order.number,
                "description": description,
                "debit": money(d.amount),
                "credit": None,
            }
            rows.append(((d.on, DELIVERY, d.id), row, -d.amount))
        if not financial_only:
            for o in self.orders.values():
                if o.customer_id != cid:
                    continue
                activity = self._activity(o)
                if activity is None:
                    continue
                kind, description = activity
                row = {
                    "date": o.placed_on.isoformat(),
                    "type": kind,
                    "reference": o.number,
                    "description": description,
                    "debit": None,
                    "credit": None,
                    "balance": None,
                }
                rows.append(((o.placed_on, ACTIVITY, o.id), row, 0))
        rows.sort(key=lambda r: r[0])
        running = 0
        for _key, row, delta in rows:
            if row["type"] in ("payment", "delivery", "returned_cheque"):
                running += delta
                row["balance"] = money(running)
        return [row for _key, row, _delta in reversed(rows)]

    @staticmethod
    def _activity(o: OrderM) -> tuple[str, str] | None:
        if o.status == "open":
            return "order", "Order placed"
        if o.status == "delivered":
            return ("order", "Order placed") if o.delivery_type == "unspecified" else None
        if o.status == "cancelled":
            return "cancelled", "Order cancelled"
        if o.status == "quote":
            return "quote", "Quote"
        if o.status == "consumed":
            return "quote", "Quote consumed"
        raise AssertionError(o.status)

    def paid_for(self, cid: int, number: int) -> int:
        return sum(
            p.amount
            for p in self.payments.values()
            if p.customer_id == cid
            and p.received_on is not None
            and p.order_number == number
            and not p.returned
        )

    def unpaid_by_delivery(self, cid: int) -> dict[int, int]:
        """Every received payment, naming an order or not, pays the deliveries oldest first:
        payments by (received_on, id), deliveries by (delivered_on, id), money beyond what was
        delivered waiting for the next delivery. Simulated payment by payment."""
        receipts = sorted(
            (p.received_on, p.id, p.amount)
            for p in self.payments.values()
            # A returned cheque paid nothing: its debit nets its payment out.
            if p.customer_id == cid and p.received_on is not None and not p.returned
        )
        deliveries = sorted(
            (d.on, d.id, d.amount) for d in self.deliveries.values() if d.customer_id == cid
        )
        unpaid = {d_id: amount for _on, d_id, amount in deliveries}
        queue = [d_id for _on, d_id, _amount in deliveries]
        at = 0
        for _received_on, _p_id, amount in receipts:
            while amount > 0 and at < len(queue):
                paid = min(amount, unpaid[queue[at]])
                unpaid[queue[at]] -= paid
                amount -= paid
                if unpaid[queue[at]] == 0:
                    at += 1
        return unpaid

    def purchases(self, cid: int) -> list[dict[str, Any]]:
        """Orders with something delivered (or delivered whole at 0.00), newest placed first:
        their amount is what was delivered, their unpaid part what the allocation leaves."""
        found = [
            o
            for o in self.orders.values()
            if o.customer_id == cid and (o.delivered > 0 or o.status == "delivered")
        ]
        found.sort(key=lambda o: (o.placed_on, o.id), reverse=True)
        unpaid_of = self.unpaid_by_delivery(cid)
        out = []
        for o in found:
            unpaid = sum(unpaid_of[d.id] for d in self.deliveries.values() if d.order_id == o.id)
            status = "paid" if unpaid == 0 else "partial" if unpaid < o.delivered else "unpaid"
            out.append(
                {
                    "order_id": o.id,
                    "number": o.number,
                    "date": o.placed_on.isoformat(),
                    "total": money(o.total),
                    "delivered_amount": money(o.delivered),
                    "status": o.status,
                    "payment_status": status,
                    "paid_amount": money(o.delivered - unpaid),
                    "unpaid_amount": money(unpaid),
                }
            )
        return out

    def payments_of(self, cid: int) -> list[PaymentM]:
        return sorted(
            (p for p in self.payments.values() if p.customer_id == cid),
            key=lambda p: p.id,
            reverse=True,
        )

    # --- what the rules refuse ---------------------------------------------------------

    @staticmethod
    def credit_control_refusal(
        role: str, asked: dict[str, Any], customer: CustomerM | None = None
    ) -> Refusal | None:
        """DESIGN "Credit control": setting or changing credit_limit or blocked needs
        sales:manage; the value the customer has (a new one: no credit, not blocked) is no
        change. Judged before the customer's version."""
        if role in PRIVILEGED:
            return None
        has = {"credit_limit": None, "blocked": False}
        if customer is not None:
            has = {"credit_limit": customer.credit_limit, "blocked": customer.blocked}
        if any(has[field] != value for field, value in asked.items()):
            return 403, "credit-control-required"
        return None

    def sale_refusal(self, cid: int, kind: str, terms: str, total: int) -> Refusal | None:
        """orders.md "Who may buy, and on credit", in its order."""
        c = self.customers[cid]
        if not c.quick_sale and not c.active:
            return 409, "customer-inactive"
        if terms != "credit":
            return None
        if c.quick_sale:
            return 409, "no-credit"
        if kind != "order":
            return None
        if c.blocked:
            return 409, "customer-blocked"
        if not c.credit_limit:
            return 409, "no-credit"
        available = self.available_credit(cid)
        assert available is not None
        if total > available:
            return 409, "credit-limit-exceeded"
        return None

    def payment_create_refusal(
        self, cid: int, role: str, received_on: date | None, today: date
    ) -> Refusal | None:
        if cid not in self.customers:
            return 404, "customer-not-found"
        if self.customers[cid].quick_sale:
            return 409, "quick-sale-customer"
        return self.received_date_refusal(role, received_on, today)

    @staticmethod
    def received_date_refusal(role: str, received_on: date | None, today: date) -> Refusal | None:
        if received_on is None:
            return None
        if received_on > today:
            return 422, "received-date-in-future"
        if received_on < today and role not in PRIVILEGED:
            return 403, "backdating-not-allowed"
        return None

    def payment_change_refusal(
        self, pid: int, role: str, actor_id: int, stale: bool, today: date
    ) -> Refusal | None:
        """Edit or delete, before the date rules of an edit."""
        payment = self.payments.get(pid)
        if payment is None:
            return 404, "payment-not-found"
        if stale:
            return 412, "precondition-failed"
        if role not in PRIVILEGED:
            if payment.recorded_by != actor_id:
                return 403, "payment-not-editable"
            if payment.received_on is not None and payment.received_on < today:
                return 403, "payment-not-editable"
        return None

    def frozen_refusal(self, pid: int, changes_money: bool) -> Refusal | None:
        """After the rules of an edit or a delete: a cheque out of the drawer keeps its
        payment's amount and received date, and its payment."""
        payment = self.payments[pid]
        if changes_money and payment.cheque_status not in (None, "held"):
            return 409, "cheque-not-held"
        return None

    def cheque_step_refusal(
        self, pid: int, action: str, role: str, on: date, today: date
    ) -> Refusal | None:
        if action == "return" and role not in PRIVILEGED:
            return 403, "forbidden"
        payment = self.payments.get(pid)
        if payment is None:
            return 404, "payment-not-found"
        if payment.cheque_status is None:
            return 409, "not-a-cheque"
        source, _target = CHEQUE_STEPS[action]
        if payment.cheque_status != source:
            return 409, "cheque-status-conflict"
        if action == "return" and payment.received_on is None:
            return 409, "cheque-not-received"
        if on > today:
            return 422, "cheque-date-in-future"
        if action == "deposit":
            assert payment.predated_to is not None
            earliest = max(payment.predated_to, payment.received_on or payment.predated_to)
        else:
            assert payment.deposited_on is not None
            earliest = payment.deposited_on
        if on < earliest:
            return 422, "cheque-date-too-early"
        return None

    def take_cheque_step(self, pid: int, action: str, on: date) -> None:
        payment = self.payments[pid]
        payment.cheque_status = CHEQUE_STEPS[action][1]
        payment.version += 1
        if action == "deposit":
            payment.deposited_on = on
        elif action == "return":
            payment.returned_on = on

    def delivery_refusals(
        self, oid: int, role: str, amount: int | None, on: date, today: date
    ) -> set[Refusal]:
        """Every refusal that applies (the documents do not rank them all)."""
        order = self.orders[oid]
        found: set[Refusal] = set()
        if on > today:
            found.add((422, "validation-error"))
        if on < today and role not in PRIVILEGED:
            found.add((403, "backdating-not-allowed"))
        if order.status != "open":
            found.add((409, "illegal-transition"))
            return found
        remaining = order.total - order.delivered
        wanted = remaining if amount is None else amount
        if wanted > remaining:
            found.add((409, "delivery-exceeds-order"))
        elif order.delivery_type in WHOLE_DELIVERY_TYPES and wanted != remaining:
            found.add((409, "whole-delivery-required"))
        return found

    def merge_refusal(self, survivor: int, source: int, role: str) -> Refusal | None:
        """merge.md "Refusals", in their order."""
        if role != "owner":
            return 403, "forbidden"
        if survivor == source:
            return 422, "merge-into-itself"
        for cid in (survivor, source):
            if cid not in self.customers:
                return 404, "customer-not-found"
        for cid in (survivor, source):
            if self.customers[cid].quick_sale:
                return 409, "quick-sale-customer"
        return None

    # --- changes -----------------------------------------------------------------------

    def merge(self, survivor: int, source: int) -> dict[str, int]:
        moved = {"payments": 0, "cheques": 0, "orders": 0, "deliveries": 0}
        for p in self.payments.values():
            if p.customer_id == source:
                p.customer_id = survivor
                moved["payments"] += 1
                moved["cheques"] += p.cheque_status is not None
        for o in self.orders.values():
            if o.customer_id == source:
                o.customer_id = survivor
                moved["orders"] += 1
        for d in self.deliveries.values():
            if d.customer_id == source:
                d.customer_id = survivor
                moved["deliveries"] += 1
        del self.customers[source]
        self.gone.add(source)
        self.merged_into[source] = survivor
        return moved

    def resolve(self, cid: int) -> int:
        """Where a customer's records are now: itself, or the survivor of its merges."""
        while cid in self.merged_into and cid not in self.customers:
            cid = self.merged_into[cid]
        return cid
