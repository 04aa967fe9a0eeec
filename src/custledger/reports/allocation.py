"""First-in first-out allocation of received payments to deliveries, and what follows from it.

Pure functions over two lists, no database: the credit report, the ageing report's tests and
the scoring all stand on this one definition.

The rule: received payments, ordered by (received_on, id), pay deliveries, ordered by
(delivered_on, id), oldest first. Money paid beyond what was delivered so far is credit that
pays the next deliveries as they come (a payment made before its delivery counts as paid on the
delivery's own date: 0 days). A slice is one (delivery, payment, amount) piece of that matching;
its days to pay are ``max(0, received_on − delivered_on)``.

Because the matching depends only on the two orders, the unpaid part of delivery *k* is
``clamp(cumulative_delivered_k − total_received, 0, amount_k)``: that is what the ageing
report computes in SQL with a window function, and what the tests check against ``allocate``.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta


@dataclass(frozen=True, slots=True)
class DeliveryEntry:
    id: int
    delivered_on: date
    amount: int  # cents, > 0


@dataclass(frozen=True, slots=True)
class ReceiptEntry:
    """A received payment (pending payments are not money in hand and never allocated)."""

    id: int
    received_on: date
    amount: int  # cents, > 0


@dataclass(frozen=True, slots=True)
class Slice:
    delivery_id: int
    delivered_on: date
    payment_id: int
    received_on: date
    amount: int
    days: int


@dataclass(frozen=True, slots=True)
class OpenItem:
    """The unpaid remainder of a delivery."""

    delivery_id: int
    delivered_on: date
    unpaid: int


@dataclass(slots=True)
class Allocation:
    slices: list[Slice] = field(default_factory=list)
    open_items: list[OpenItem] = field(default_factory=list)
    # Received money not used by any delivery yet (the customer's credit).
    unused_credit: int = 0

    @property
    def outstanding(self) -> int:
        return sum(item.unpaid for item in self.open_items)


def round_half_up(numerator: int, denominator: int) -> int:
    """``numerator / denominator`` to the nearest integer, halves away from zero (exact)."""
    if denominator <= 0:
        raise ValueError("denominator must be positive")
    sign = -1 if numerator < 0 else 1
    return sign * ((2 * abs(numerator) + denominator) // (2 * denominator))


def allocate(deliveries: Iterable[DeliveryEntry], receipts: Iterable[ReceiptEntry]) -> Allocation:
    """Match received payments to deliveries first in, first out."""
    pending_deliveries = sorted(deliveries, key=lambda d: (d.delivered_on, d.id))
    pending_receipts = sorted(receipts, key=lambda r: (r.received_on, r.id))
    result = Allocation()
    d_index = r_index = 0
    d_left = pending_deliveries[0].amount if pending_deliveries else 0
    r_left = pending_receipts[0].amount if pending_receipts else 0
    while d_index < len(pending_deliveries) and r_index < len(pending_receipts):
        delivery = pending_deliveries[d_index]
        receipt = pending_receipts[r_index]
        taken = min(d_left, r_left)
        result.slices.append(
            Slice(
                delivery_id=delivery.id,
                delivered_on=delivery.delivered_on,
                payment_id=receipt.id,
                received_on=receipt.received_on,
                amount=taken,
                days=max(0, (receipt.received_on - delivery.delivered_on).days),
            )
        )
        d_left -= taken
        r_left -= taken
        if d_left == 0:
            d_index += 1
            if d_index < len(pending_deliveries):
                d_left = pending_deliveries[d_index].amount
        if r_left == 0:
            r_index += 1
            if r_index < len(pending_receipts):
                r_left = pending_receipts[r_index].amount
    for index in range(d_index, len(pending_deliveries)):
        delivery = pending_deliveries[index]
        unpaid = d_left if index == d_index else delivery.amount
        result.open_items.append(OpenItem(delivery.id, delivery.delivered_on, unpaid))
    if r_index < len(pending_receipts):
        result.unused_credit = r_left + sum(r.amount for r in pending_receipts[r_index + 1 :])
    return result


def average_days_to_pay(slices: Sequence[Slice]) -> int | None:
    """Amount-weighted mean of the slices' days to pay, in whole days (half up); None if no
    payment was ever allocated."""
    paid = sum(s.amount for s in slices)
    if paid == 0:
        return None
    return round_half_up(sum(s.amount * s.days for s in slices), paid)


def oldest_unpaid_days(open_items: Sequence[OpenItem], today: date) -> int | None:
    """Age in days of the oldest delivery not fully paid; None when nothing is owed."""
    if not open_items:
        return None
    return max(0, (today - min(item.delivered_on for item in open_items)).days)


@dataclass(frozen=True, slots=True)
class DeliveryDelay:
    delivery_id: int
    delivered_on: date
    days: int


def delivery_delays(
    deliveries: Iterable[DeliveryEntry],
    allocation: Allocation,
    today: date,
    *,
    late_after: int,
) -> list[DeliveryDelay]:
    """Per delivery, in delivery order, how long its money took to come in, when that is known.

    A delivery's delay is the amount-weighted mean over its paid slices (their days to pay) and
    its unpaid remainder (its age so far, a lower bound). It is known when the delivery is fully
    paid, or when it is still (partly) unpaid but already older than ``late_after`` days, i.e.
    known to be late. A recent unpaid delivery says nothing yet and is left out.
    """
    weighted: dict[int, list[int]] = {}
    for s in allocation.slices:
        totals = weighted.setdefault(s.delivery_id, [0, 0])
        totals[0] += s.amount * s.days
        totals[1] += s.amount
    unpaid = {item.delivery_id: item for item in allocation.open_items}
    delays = []
    for delivery in sorted(deliveries, key=lambda d: (d.delivered_on, d.id)):
        numerator, amount = weighted.get(delivery.id, [0, 0])
        item = unpaid.get(delivery.id)
        if item is not None:
            age = max(0, (today - delivery.delivered_on).days)
            if age <= late_after:
                continue
            numerator += item.unpaid * age
            amount += item.unpaid
        if amount == 0:
            continue
        delays.append(
            DeliveryDelay(delivery.id, delivery.delivered_on, round_half_up(numerator, amount))
        )
    return delays


# The ageing buckets: (name, youngest age, oldest age) in days since delivery, as of a date.
BUCKETS: tuple[tuple[str, int, int | None], ...] = (
    ("current", 0, 0),
    ("days_1_30", 1, 30),
    ("days_31_60", 31, 60),
    ("days_61_90", 61, 90),
    ("over_90", 91, None),
)


def bucket_of(age: int) -> str:
    """The ageing bucket of a delivery ``age`` days old (0 = delivered on the as-of date)."""
    for name, youngest, oldest in BUCKETS:
        if age >= youngest and (oldest is None or age <= oldest):
            return name
    return "current"  # a negative age cannot happen: later deliveries are excluded


def age_receivables(
    deliveries: Iterable[DeliveryEntry], receipts: Iterable[ReceiptEntry], as_of: date
) -> dict[str, int]:
    """The unpaid delivered amount by age bucket as of ``as_of``: only deliveries and receipts
    dated on or before it count, allocated first in, first out. Keys: the bucket names and
    ``total``."""
    allocation = allocate(
        [d for d in deliveries if d.delivered_on <= as_of],
        [r for r in receipts if r.received_on <= as_of],
    )
    buckets = dict.fromkeys([name for name, _, _ in BUCKETS], 0)
    for item in allocation.open_items:
        buckets[bucket_of((as_of - item.delivered_on).days)] += item.unpaid
    buckets["total"] = sum(buckets.values())
    return buckets


def bucket_bounds(as_of: date) -> dict[str, tuple[date | None, date] | None]:
    """Per bucket, the (earliest, latest) delivery dates it holds as of ``as_of`` (earliest None
    = unbounded; the whole bucket None = empty, its dates before the first day of the calendar,
    as when ``as_of`` is in year 1): the SQL compares dates, which is portable, instead of
    subtracting them."""
    bounds: dict[str, tuple[date | None, date] | None] = {}
    for name, youngest, oldest in BUCKETS:
        latest = days_before(as_of, youngest)
        earliest = None if oldest is None else days_before(as_of, oldest)
        bounds[name] = None if latest is None else (earliest, latest)
    return bounds


def days_before(day: date, days: int) -> date | None:
    """``day`` minus ``days``, or None when that is before ``date.min``."""
    if (day - date.min).days < days:
        return None
    return day - timedelta(days=days)
