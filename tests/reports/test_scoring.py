"""The scoring helpers on their own: thirds, the payment delay, the order of observations."""

from __future__ import annotations

from custledger.reports.scoring import (
    Facts,
    ObservationCode,
    assess,
    early_and_recent,
    payment_delay,
)
from tests.reports.helpers import TODAY


def facts(**overrides) -> Facts:
    values = {
        "today": TODAY,
        "order_count": 10,
        "blocked": False,
        "next_invoice_date": None,
        "total_delivered": 100000,
        "outstanding": 0,
        "average_days_to_pay": 10,
        "oldest_unpaid_days": None,
        "delivery_delays": (),
    }
    return Facts(**(values | overrides))


def test_thirds_use_whole_thirds_of_the_known_delays():
    assert early_and_recent([1, 2]) is None
    assert early_and_recent([10, 99, 40]) == (10, 40)
    # Seven delays: thirds of two; (1 + 2) / 2 = 1.5 → 2 and (6 + 7) / 2 = 6.5 → 7.
    assert early_and_recent([1, 2, 3, 4, 5, 6, 7]) == (2, 7)


def test_payment_delay_is_the_worse_of_average_and_oldest_unpaid():
    assert payment_delay(facts(average_days_to_pay=None, oldest_unpaid_days=None)) is None
    assert payment_delay(facts(average_days_to_pay=20, oldest_unpaid_days=None)) == 20
    assert payment_delay(facts(average_days_to_pay=None, oldest_unpaid_days=50)) == 50
    assert payment_delay(facts(average_days_to_pay=60, oldest_unpaid_days=50)) == 60


def test_nothing_delivered_gives_no_payment_pattern():
    result = assess(facts(average_days_to_pay=None, total_delivered=0))
    assert result.codes() == []
    assert result.warning is False


def test_everything_at_once_is_ordered_critical_warning_info():
    result = assess(
        facts(
            order_count=2,
            blocked=True,
            outstanding=100000,
            average_days_to_pay=None,
            oldest_unpaid_days=200,
        )
    )
    assert result.codes() == [
        ObservationCode.SLOW_PAYER,
        ObservationCode.BLOCKED,
        ObservationCode.PROLONGED_HIGH_INDEBTEDNESS,
        ObservationCode.CONSIDER_INVOICING,
        ObservationCode.LIMITED_HISTORY,
    ]
    assert result.warning_reasons == [
        ObservationCode.BLOCKED,
        ObservationCode.PROLONGED_HIGH_INDEBTEDNESS,
    ]
    assert "200 days" in result.observations[0].message


def test_a_lapsed_invoice_date_is_named_in_the_message():
    lapsed = TODAY.replace(day=1)
    result = assess(facts(next_invoice_date=lapsed, outstanding=500, oldest_unpaid_days=40))
    invoicing = next(o for o in result.observations if o.code == "CONSIDER_INVOICING")
    assert lapsed.isoformat() in invoicing.message
