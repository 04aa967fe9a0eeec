"""First-in first-out allocation: hand-computed examples, and the invariants on any history."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from custledger.reports.allocation import (
    DeliveryEntry,
    OpenItem,
    ReceiptEntry,
    Slice,
    age_receivables,
    allocate,
    average_days_to_pay,
    bucket_of,
    delivery_delays,
    oldest_unpaid_days,
    round_half_up,
)

JAN1 = date(2026, 1, 1)


def day(n: int) -> date:
    """Day n of 2026 counted from 1 January (day(0) = 1 January)."""
    return JAN1 + timedelta(days=n)


def test_one_delivery_paid_in_full_ten_days_later():
    result = allocate([DeliveryEntry(1, day(0), 10000)], [ReceiptEntry(7, day(10), 10000)])
    assert result.slices == [Slice(1, day(0), 7, day(10), 10000, 10)]
    assert result.open_items == []
    assert result.unused_credit == 0
    assert average_days_to_pay(result.slices) == 10


def test_partial_payments_are_weighted_by_amount():
    # 1000.00 delivered on 1 Jan; 250.00 paid 10 days later, 750.00 paid 40 days later:
    # (250 × 10 + 750 × 40) / 1000 = 32.5 days, shown as 33 (half up).
    result = allocate(
        [DeliveryEntry(1, day(0), 100000)],
        [ReceiptEntry(1, day(10), 25000), ReceiptEntry(2, day(40), 75000)],
    )
    assert [(s.payment_id, s.amount, s.days) for s in result.slices] == [
        (1, 25000, 10),
        (2, 75000, 40),
    ]
    assert average_days_to_pay(result.slices) == 33


def test_a_payment_spanning_two_deliveries_pays_the_oldest_first():
    # D1 100.00 on day 0, D2 200.00 on day 10; 250.00 received on day 20:
    # 100.00 of D1 after 20 days, 150.00 of D2 after 10 days; 50.00 of D2 still unpaid.
    result = allocate(
        [DeliveryEntry(2, day(10), 20000), DeliveryEntry(1, day(0), 10000)],
        [ReceiptEntry(1, day(20), 25000)],
    )
    assert [(s.delivery_id, s.amount, s.days) for s in result.slices] == [
        (1, 10000, 20),
        (2, 15000, 10),
    ]
    assert result.open_items == [OpenItem(2, day(10), 5000)]
    assert result.outstanding == 5000
    # (100 × 20 + 150 × 10) / 250 = 14
    assert average_days_to_pay(result.slices) == 14


def test_an_overpayment_is_credit_carried_to_later_deliveries_at_zero_days():
    # 100.00 delivered on day 0, 300.00 received on day 4: 100.00 paid in 4 days, 200.00 of
    # credit. 150.00 delivered on day 31 is paid by that credit on its own date: 0 days.
    result = allocate(
        [DeliveryEntry(1, day(0), 10000), DeliveryEntry(2, day(31), 15000)],
        [ReceiptEntry(1, day(4), 30000)],
    )
    assert [(s.delivery_id, s.amount, s.days) for s in result.slices] == [
        (1, 10000, 4),
        (2, 15000, 0),
    ]
    assert result.open_items == []
    assert result.unused_credit == 5000
    # (100 × 4 + 150 × 0) / 250 = 1.6 → 2
    assert average_days_to_pay(result.slices) == 2


def test_a_backdated_payment_is_allocated_by_its_received_date_not_by_when_it_was_recorded():
    # D1 on day 0 and D2 on day 31, 100.00 each. Payment 1 (recorded first) was received on
    # day 41; payment 2, recorded later, was backdated to day 5. By received date, payment 2
    # pays D1 in 5 days and payment 1 pays D2 in 10 days: 7.5 → 8 days on average.
    # (By recording order it would have been 41 and 0 days: 20.5.)
    result = allocate(
        [DeliveryEntry(1, day(0), 10000), DeliveryEntry(2, day(31), 10000)],
        [ReceiptEntry(1, day(41), 10000), ReceiptEntry(2, day(5), 10000)],
    )
    assert [(s.delivery_id, s.payment_id, s.days) for s in result.slices] == [
        (1, 2, 5),
        (2, 1, 10),
    ]
    assert average_days_to_pay(result.slices) == 8


def test_same_day_entries_are_taken_in_id_order():
    result = allocate(
        [DeliveryEntry(9, day(0), 10000), DeliveryEntry(3, day(0), 10000)],
        [ReceiptEntry(8, day(2), 10000), ReceiptEntry(4, day(2), 5000)],
    )
    assert [(s.delivery_id, s.payment_id, s.amount) for s in result.slices] == [
        (3, 4, 5000),
        (3, 8, 5000),
        (9, 8, 5000),
    ]
    assert result.open_items == [OpenItem(9, day(0), 5000)]


def test_nothing_received_leaves_every_delivery_open_and_no_average():
    result = allocate([DeliveryEntry(1, day(0), 500), DeliveryEntry(2, day(3), 700)], [])
    assert result.slices == []
    assert result.open_items == [OpenItem(1, day(0), 500), OpenItem(2, day(3), 700)]
    assert average_days_to_pay(result.slices) is None
    assert oldest_unpaid_days(result.open_items, day(10)) == 10


def test_money_received_without_deliveries_is_all_credit():
    result = allocate([], [ReceiptEntry(1, day(0), 500), ReceiptEntry(2, day(1), 250)])
    assert result.slices == [] and result.open_items == []
    assert result.unused_credit == 750
    assert oldest_unpaid_days(result.open_items, day(5)) is None


def test_round_half_up_is_exact():
    assert round_half_up(65, 2) == 33  # 32.5
    assert round_half_up(64, 2) == 32
    assert round_half_up(1, 3) == 0
    assert round_half_up(2, 3) == 1
    assert round_half_up(-65, 2) == -33


def test_a_delivery_delay_counts_unpaid_remainders_only_once_they_are_late():
    # D1 (day 0) fully paid on day 20; D2 (day 10) half paid on day 20, half unpaid;
    # D3 (day 60) unpaid. Today is day 70: D2 is 60 days old (late), D3 10 days (not yet).
    deliveries = [
        DeliveryEntry(1, day(0), 10000),
        DeliveryEntry(2, day(10), 10000),
        DeliveryEntry(3, day(60), 10000),
    ]
    allocation = allocate(deliveries, [ReceiptEntry(1, day(20), 15000)])
    delays = delivery_delays(deliveries, allocation, day(70), late_after=35)
    # D1: 20 days. D2: (50.00 × 10 days + 50.00 × 60 days old) / 100.00 = 35.
    assert [(d.delivery_id, d.days) for d in delays] == [(1, 20), (2, 35)]


def test_an_unpaid_delivery_is_known_late_only_past_the_terms():
    # Today is day 100. An unpaid delivery 35 days old may still be paid within terms: left
    # out. One 36 days old is known to be late: its delay is at least 36.
    for age, expected in [(35, []), (36, [(2, 36)])]:
        deliveries = [DeliveryEntry(1, day(0), 100), DeliveryEntry(2, day(100 - age), 100)]
        allocation = allocate(deliveries, [ReceiptEntry(1, day(20), 100)])
        delays = delivery_delays(deliveries, allocation, day(100), late_after=35)
        assert [(d.delivery_id, d.days) for d in delays] == [(1, 20), *expected]


def test_ageing_buckets_by_days_since_delivery():
    assert [bucket_of(age) for age in (0, 1, 30, 31, 60, 61, 90, 91, 400)] == [
        "current",
        "days_1_30",
        "days_1_30",
        "days_31_60",
        "days_31_60",
        "days_61_90",
        "days_61_90",
        "over_90",
        "over_90",
    ]


def test_ageing_as_of_a_past_date_ignores_later_deliveries_and_payments():
    as_of = day(100)
    deliveries = [
        DeliveryEntry(1, day(0), 10000),  # 100 days old as of day 100
        DeliveryEntry(2, day(70), 10000),  # 30 days old
        DeliveryEntry(3, day(101), 10000),  # after as_of: not yet delivered
    ]
    receipts = [ReceiptEntry(1, day(50), 4000), ReceiptEntry(2, day(101), 16000)]
    # As of day 100 only 40.00 was received: it pays part of D1.
    assert age_receivables(deliveries, receipts, as_of) == {
        "current": 0,
        "days_1_30": 10000,
        "days_31_60": 0,
        "days_61_90": 0,
        "over_90": 6000,
        "total": 16000,
    }


deliveries_strategy = st.lists(st.tuples(st.integers(0, 200), st.integers(1, 100000)), max_size=12)
receipts_strategy = st.lists(st.tuples(st.integers(0, 200), st.integers(1, 100000)), max_size=12)


@settings(max_examples=300, deadline=None)
@given(deliveries_strategy, receipts_strategy)
def test_allocation_conserves_money_and_matches_the_cumulative_sum_rule(raw_d, raw_r):
    deliveries = [DeliveryEntry(i + 1, day(d), a) for i, (d, a) in enumerate(raw_d)]
    receipts = [ReceiptEntry(i + 1, day(d), a) for i, (d, a) in enumerate(raw_r)]
    result = allocate(deliveries, receipts)
    delivered = sum(d.amount for d in deliveries)
    received = sum(r.amount for r in receipts)
    paid = sum(s.amount for s in result.slices)
    assert paid == min(delivered, received)
    assert result.outstanding == max(0, delivered - received)
    assert result.unused_credit == max(0, received - delivered)
    assert all(s.amount > 0 and s.days >= 0 for s in result.slices)
    # The SQL's rule: unpaid part of delivery k = clamp(cumulative_k − received, 0, amount_k).
    cumulative = 0
    expected_open = []
    for d in sorted(deliveries, key=lambda d: (d.delivered_on, d.id)):
        cumulative += d.amount
        unpaid = min(d.amount, max(0, cumulative - received))
        if unpaid:
            expected_open.append(OpenItem(d.id, d.delivered_on, unpaid))
    assert result.open_items == expected_open
