"""Each observation of the credit report, triggered and not triggered at its threshold's edge.

Every history is made by hand and the expected outcome computed by hand in the test: with
one payment per delivery in the same order, first-in first-out pairs them one to one, so a
sale "paid in N days" is a delivery and a payment N days apart. Today is TODAY (pinned).
"""

from __future__ import annotations

import pytest

from tests.reports.helpers import TODAY, Ledger, ago, cents

HUNDRED = cents("100.00")


async def paid_sale(ledger: Ledger, cid: int, delivered_ago: int, days_to_pay: int) -> None:
    """100.00 ordered and delivered ``delivered_ago`` days ago, paid ``days_to_pay`` later."""
    await ledger.sale(cid, ago(delivered_ago), HUNDRED)
    await ledger.receive(cid, HUNDRED, ago(delivered_ago - days_to_pay))


async def paid_sales(ledger: Ledger, cid: int, delays: list[int], *, every: int = 100) -> None:
    """One paid sale per delay, the first ``every × len`` days ago, then every ``every`` days."""
    for index, delay in enumerate(delays):
        await paid_sale(ledger, cid, every * (len(delays) - index), delay)


async def get_report(client, actor, cid):
    r = await client.get(f"/api/v1/customers/{cid}/report", headers=actor.headers)
    assert r.status_code == 200, r.text
    return r.json()


async def observed(client, actor, cid) -> dict[str, str]:
    """code → severity."""
    return {
        o["code"]: o["severity"] for o in (await get_report(client, actor, cid))["observations"]
    }


# --- payment pattern: PAYS_ON_TIME / PAYS_LATE / SLOW_PAYER -----------------------------------


@pytest.mark.parametrize(
    ("days_to_pay", "code", "severity", "absent"),
    [
        (35, "PAYS_ON_TIME", "info", {"PAYS_LATE", "SLOW_PAYER"}),
        (36, "PAYS_LATE", "warning", {"PAYS_ON_TIME", "SLOW_PAYER"}),
        (90, "PAYS_LATE", "warning", {"PAYS_ON_TIME", "SLOW_PAYER"}),
        (91, "SLOW_PAYER", "warning", {"PAYS_ON_TIME", "PAYS_LATE"}),
        (120, "SLOW_PAYER", "warning", {"PAYS_ON_TIME", "PAYS_LATE"}),
        (121, "SLOW_PAYER", "critical", {"PAYS_ON_TIME", "PAYS_LATE"}),
    ],
)
async def test_payment_pattern_follows_the_average_days_to_pay(
    client, clerk, ledger: Ledger, days_to_pay, code, severity, absent
):
    # One sale delivered 200 days ago and paid in full `days_to_pay` days later.
    cid = await ledger.customer()
    await paid_sale(ledger, cid, 200, days_to_pay)
    body = await get_report(client, clerk, cid)
    assert body["behaviour"]["average_days_to_pay"] == days_to_pay
    found = {o["code"]: o["severity"] for o in body["observations"]}
    assert found[code] == severity
    assert not absent & found.keys()


@pytest.mark.parametrize(
    ("second_payment_after", "code"), [(40, "PAYS_ON_TIME"), (41, "PAYS_LATE")]
)
async def test_the_on_time_edge_is_on_the_amount_weighted_average_rounded_half_up(
    client, clerk, ledger: Ledger, second_payment_after, code
):
    # 100.00 delivered 100 days ago; 50.00 paid after 30 days and 50.00 after 40 or 41 days:
    # (50 × 30 + 50 × 40) / 100 = 35 → on time; (50 × 30 + 50 × 41) / 100 = 35.5 → 36 → late.
    cid = await ledger.customer()
    await ledger.sale(cid, ago(100), HUNDRED)
    await ledger.receive(cid, cents("50.00"), ago(70))
    await ledger.receive(cid, cents("50.00"), ago(100 - second_payment_after))
    body = await get_report(client, clerk, cid)
    assert body["behaviour"]["average_days_to_pay"] == (35 if code == "PAYS_ON_TIME" else 36)
    assert code in {o["code"] for o in body["observations"]}


@pytest.mark.parametrize(
    ("unpaid_age", "code"),
    [(35, None), (36, "PAYS_LATE"), (90, "PAYS_LATE"), (91, "SLOW_PAYER")],
)
async def test_an_unpaid_delivery_sets_the_pattern_once_past_terms(
    client, clerk, ledger: Ledger, unpaid_age, code
):
    # Nothing ever paid: no average; the pattern comes from the oldest unpaid delivery's age,
    # and says nothing while that delivery is still within the 35-day terms.
    cid = await ledger.customer()
    await ledger.sale(cid, ago(unpaid_age), HUNDRED)
    body = await get_report(client, clerk, cid)
    assert body["behaviour"]["average_days_to_pay"] is None
    assert body["behaviour"]["oldest_unpaid_days"] == unpaid_age
    patterns = {o["code"] for o in body["observations"]} & {
        "PAYS_ON_TIME",
        "PAYS_LATE",
        "SLOW_PAYER",
    }
    assert patterns == ({code} if code else set())


@pytest.mark.parametrize(("unpaid_age", "code"), [(90, "PAYS_LATE"), (91, "SLOW_PAYER")])
async def test_a_prompt_past_does_not_hide_an_old_unpaid_delivery(
    client, clerk, ledger: Ledger, unpaid_age, code
):
    # Paid in 10 days 300 days ago (average 10), but another delivery unpaid for 90/91 days:
    # delay = max(10, 90|91).
    cid = await ledger.customer()
    await paid_sale(ledger, cid, 300, 10)
    await ledger.sale(cid, ago(unpaid_age), HUNDRED)
    body = await get_report(client, clerk, cid)
    assert body["behaviour"]["average_days_to_pay"] == 10
    found = await observed(client, clerk, cid)
    assert code in found
    assert "PAYS_ON_TIME" not in found


# --- CONSIDER_INVOICING -------------------------------------------------------------------


@pytest.mark.parametrize(("unpaid_age", "expected"), [(35, False), (36, True)])
async def test_consider_invoicing_when_a_delivery_is_unpaid_past_the_terms(
    client, clerk, ledger: Ledger, unpaid_age, expected
):
    # 100.00 delivered `unpaid_age` days ago, 40.00 of it paid: 60.00 unpaid since then.
    cid = await ledger.customer()
    await ledger.sale(cid, ago(unpaid_age), HUNDRED)
    await ledger.receive(cid, cents("40.00"), ago(unpaid_age))
    found = await observed(client, clerk, cid)
    assert ("CONSIDER_INVOICING" in found) is expected
    if expected:
        assert found["CONSIDER_INVOICING"] == "warning"


@pytest.mark.parametrize(("invoice_in_days", "expected"), [(0, False), (-1, True)])
async def test_consider_invoicing_is_held_back_while_an_invoice_date_is_scheduled(
    client, clerk, ledger: Ledger, invoice_in_days, expected
):
    # Owes 100.00 for 60 days; the next invoice date is today (scheduled) or yesterday (lapsed).
    cid = await ledger.customer(next_invoice_date=ago(-invoice_in_days))
    await ledger.sale(cid, ago(60), HUNDRED)
    assert ("CONSIDER_INVOICING" in await observed(client, clerk, cid)) is expected


async def test_no_invoicing_suggestion_for_a_late_payer_who_owes_nothing(
    client, clerk, ledger: Ledger
):
    cid = await ledger.customer()
    await paid_sale(ledger, cid, 200, 60)
    found = await observed(client, clerk, cid)
    assert "PAYS_LATE" in found
    assert "CONSIDER_INVOICING" not in found


# --- CONSIDER_BLOCKING --------------------------------------------------------------------


@pytest.mark.parametrize(("days_to_pay", "expected"), [(120, False), (121, True)])
async def test_consider_blocking_past_120_days_on_average(
    client, clerk, ledger: Ledger, days_to_pay, expected
):
    # Three sales 150 days apart, each paid in 120/121 days: average 120/121.
    cid = await ledger.customer()
    await paid_sales(ledger, cid, [days_to_pay] * 3, every=150)
    found = await observed(client, clerk, cid)
    assert ("CONSIDER_BLOCKING" in found) is expected
    if expected:
        assert found["CONSIDER_BLOCKING"] == "critical"


@pytest.mark.parametrize(("unpaid_age", "expected"), [(120, False), (121, True)])
async def test_consider_blocking_when_a_delivery_is_unpaid_past_120_days(
    client, clerk, ledger: Ledger, unpaid_age, expected
):
    # Two sales paid in 10 days (300 and 200 days ago) and a third unpaid for 120/121 days.
    cid = await ledger.customer()
    await paid_sale(ledger, cid, 300, 10)
    await paid_sale(ledger, cid, 200, 10)
    await ledger.sale(cid, ago(unpaid_age), HUNDRED)
    found = await observed(client, clerk, cid)
    assert ("CONSIDER_BLOCKING" in found) is expected
    assert found["SLOW_PAYER"] == ("critical" if expected else "warning")


async def test_no_blocking_suggestion_on_a_limited_history(client, clerk, ledger: Ledger):
    # Two sales paid in 200 days: slow (critical), but two orders are too few to suggest blocking.
    cid = await ledger.customer()
    await paid_sales(ledger, cid, [200, 200], every=250)
    found = await observed(client, clerk, cid)
    assert found["SLOW_PAYER"] == "critical"
    assert "LIMITED_HISTORY" in found
    assert "CONSIDER_BLOCKING" not in found


async def test_no_blocking_suggestion_for_a_customer_already_blocked(client, clerk, ledger: Ledger):
    cid = await ledger.customer(blocked=True)
    await paid_sales(ledger, cid, [200, 200, 200], every=250)
    found = await observed(client, clerk, cid)
    assert "CONSIDER_BLOCKING" not in found
    assert found["BLOCKED"] == "critical"


# --- EXCELLENT_CLIENT ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("delays", "expected"),
    [
        ([35] * 6, True),  # six orders, all paid in 35 days
        ([35] * 5, False),  # only five orders
        ([36] * 6, False),  # six orders paid in 36 days: late
    ],
)
async def test_excellent_client_needs_six_orders_paid_within_terms(
    client, clerk, ledger: Ledger, delays, expected
):
    cid = await ledger.customer()
    await paid_sales(ledger, cid, delays, every=60)
    found = await observed(client, clerk, cid)
    assert ("EXCELLENT_CLIENT" in found) is expected


async def test_a_blocked_customer_is_never_an_excellent_client(client, clerk, ledger: Ledger):
    cid = await ledger.customer(blocked=True)
    await paid_sales(ledger, cid, [10] * 6, every=60)
    found = await observed(client, clerk, cid)
    assert "PAYS_ON_TIME" in found
    assert "EXCELLENT_CLIENT" not in found


async def test_a_deteriorating_customer_is_not_an_excellent_client(client, clerk, ledger: Ledger):
    # Delays 5, 5, 5, 5, 60, 60 on equal amounts: average 140 / 6 = 23.3 → 23 (on time), but
    # the first third averages 5 and the last third 60.
    cid = await ledger.customer()
    await paid_sales(ledger, cid, [5, 5, 5, 5, 60, 60], every=100)
    body = await get_report(client, clerk, cid)
    assert body["behaviour"]["average_days_to_pay"] == 23
    found = {o["code"] for o in body["observations"]}
    assert {"PAYS_ON_TIME", "DETERIORATING"} <= found
    assert "EXCELLENT_CLIENT" not in found


# --- DETERIORATING ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("delays", "expected"),
    [
        ([35, 10, 36], True),  # prompt first (35 ≤ 35), late last (36 > 35)
        ([36, 10, 40], False),  # never prompt at first
        ([35, 10, 35], False),  # still within terms recently
    ],
)
async def test_deteriorating_compares_the_first_and_last_thirds(
    client, clerk, ledger: Ledger, delays, expected
):
    cid = await ledger.customer()
    await paid_sales(ledger, cid, delays)
    found = await observed(client, clerk, cid)
    assert ("DETERIORATING" in found) is expected


async def test_a_late_unpaid_delivery_counts_as_a_recent_delay(client, clerk, ledger: Ledger):
    # Paid in 10 days (300 and 200 days ago), then a delivery unpaid for 50 days: delays
    # 10, 10, ≥50 → early 10, recent 50.
    cid = await ledger.customer()
    await paid_sales(ledger, cid, [10, 10], every=100)
    await ledger.sale(cid, ago(50), HUNDRED)
    found = await observed(client, clerk, cid)
    assert found["DETERIORATING"] == "warning"


async def test_a_recent_unpaid_delivery_does_not_dilute_the_recent_third(
    client, clerk, ledger: Ledger
):
    # Six paid sales with delays 10, 10, 10, 10, 40, 40 (first third 10, last third 40), then
    # a sale delivered 5 days ago, unpaid and within terms: its delay is not known yet, so it
    # is left out (counted as 5 the last third would be (40 + 5) / 2 = 23: not deteriorating).
    cid = await ledger.customer()
    await paid_sales(ledger, cid, [10, 10, 10, 10, 40, 40], every=60)
    await ledger.sale(cid, ago(5), HUNDRED)
    assert "DETERIORATING" in await observed(client, clerk, cid)


async def test_no_deterioration_verdict_on_a_limited_history(client, clerk, ledger: Ledger):
    # Two orders, three deliveries paid in 35, 10 and 36 days (would be deteriorating).
    cid = await ledger.customer()
    first = await ledger.order(cid, ago(300), cents("200.00"))
    await ledger.deliver(first, HUNDRED, ago(300))
    await ledger.receive(cid, HUNDRED, ago(265))
    await ledger.deliver(first, HUNDRED, ago(200))
    await ledger.receive(cid, HUNDRED, ago(190))
    await ledger.sale(cid, ago(100), HUNDRED)
    await ledger.receive(cid, HUNDRED, ago(64))
    found = await observed(client, clerk, cid)
    assert "LIMITED_HISTORY" in found
    assert "DETERIORATING" not in found


# --- LIMITED_HISTORY ----------------------------------------------------------------------


@pytest.mark.parametrize(("orders", "expected"), [(2, True), (3, False)])
async def test_limited_history_below_three_orders(client, clerk, ledger: Ledger, orders, expected):
    cid = await ledger.customer()
    await paid_sales(ledger, cid, [10] * orders)
    found = await observed(client, clerk, cid)
    assert ("LIMITED_HISTORY" in found) is expected
    if expected:
        assert found["LIMITED_HISTORY"] == "info"


async def test_quotes_cancelled_and_consumed_orders_do_not_make_history(
    client, clerk, ledger: Ledger
):
    cid = await ledger.customer()
    await paid_sales(ledger, cid, [10, 10])
    for status in ("quote", "cancelled", "consumed"):
        await ledger.order(cid, ago(5), HUNDRED, status=status)
    body = await get_report(client, clerk, cid)
    assert body["orders"]["count"] == 2
    assert "LIMITED_HISTORY" in {o["code"] for o in body["observations"]}


# --- the warning flag ---------------------------------------------------------------------


async def test_a_blocked_customer_carries_the_warning(client, clerk, ledger: Ledger):
    cid = await ledger.customer(blocked=True)
    body = await get_report(client, clerk, cid)
    assert body["warning"] is True
    assert body["warning_reasons"] == ["BLOCKED"]


@pytest.mark.parametrize(
    ("delivered_ago", "received", "expected"),
    [
        (91, "50.00", True),  # 50.00 of 100.00 unpaid (50 %) for 91 days
        (91, "50.01", False),  # 49.99 % unpaid
        (90, "50.00", False),  # 50 % but only 90 days
    ],
)
async def test_prolonged_high_indebtedness_warning(
    client, clerk, ledger: Ledger, delivered_ago, received, expected
):
    cid = await ledger.customer()
    await ledger.sale(cid, ago(delivered_ago), HUNDRED)
    await ledger.receive(cid, cents(received), ago(delivered_ago - 10))
    body = await get_report(client, clerk, cid)
    assert body["warning"] is expected
    assert body["warning_reasons"] == (["PROLONGED_HIGH_INDEBTEDNESS"] if expected else [])
    codes = {o["code"] for o in body["observations"]}
    assert ("PROLONGED_HIGH_INDEBTEDNESS" in codes) is expected


async def test_observations_are_ordered_most_severe_first(client, clerk, ledger: Ledger):
    cid = await ledger.customer(blocked=True)
    await ledger.sale(cid, ago(200), HUNDRED)
    body = await get_report(client, clerk, cid)
    order = {"critical": 0, "warning": 1, "info": 2}
    ranks = [order[o["severity"]] for o in body["observations"]]
    assert ranks == sorted(ranks)
    assert body["as_of"] == TODAY.isoformat()
