"""Returned cheques in the reports: the credit report's FIFO nets a returned cheque out of the
receipts (it paid nothing) and warns with RETURNED_CHEQUES (severity high) for any return in
the last 12 months; the receivables ageing owes it again from the return on, by the age of the
deliveries it had paid. (Clock pinned at 2026-03-10.)"""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from tests.payments.support import CHEQUE, stepped
from tests.reports.helpers import Ledger

API = "/api/v1"


async def bounced_cheque(
    client, actor, customer_id: int, amount: str, received: date, returned: date | None
) -> int:
    """A cheque received (and pre-dated) on ``received``, deposited that day and, when
    ``returned`` is given, returned unpaid on that date."""
    r = await client.post(
        f"{API}/customers/{customer_id}/payments",
        json={
            "method": "CHEQUE",
            "amount": amount,
            "received_on": received.isoformat(),
            "cheque": {
                **CHEQUE,
                "predated_to": received.isoformat(),
                "cheque_number": f"{customer_id}{received:%m%d}",
            },
        },
        headers=actor.headers,
    )
    assert r.status_code == 201, r.text
    payment_id = int(r.json()["id"])
    await stepped(client, actor, payment_id, "deposit", on=received)
    if returned is not None:
        await stepped(client, actor, payment_id, "return", on=returned, reason="alínea 11")
    return payment_id


async def report(client, actor, customer_id: int) -> dict[str, Any]:
    r = await client.get(f"{API}/customers/{customer_id}/report", headers=actor.headers)
    assert r.status_code == 200, r.text
    return r.json()


def observation(body: dict[str, Any], code: str) -> dict[str, Any] | None:
    return next((o for o in body["observations"] if o["code"] == code), None)


async def test_a_returned_cheque_paid_nothing_in_the_credit_report(
    client, owner, ledger: Ledger, ledger_consistent
):
    customer = await ledger.customer("Ana")
    await ledger.sale(customer, date(2026, 2, 1), 100_00)
    await bounced_cheque(client, owner, customer, "100.00", date(2026, 2, 5), date(2026, 2, 20))

    body = await report(client, owner, customer)
    assert body["orders"]["total_delivered"] == "100.00"
    assert body["orders"]["outstanding"] == "100.00"
    assert body["orders"]["indebtedness_percent"] == 100.0
    # Nothing was ever paid: no days to pay, no last payment.
    assert body["behaviour"]["average_days_to_pay"] is None
    assert body["behaviour"]["days_since_last_payment"] is None
    assert body["behaviour"]["oldest_unpaid_days"] == 37  # from the delivery, 2026-02-01
    await ledger_consistent()


async def test_a_cheque_deposited_or_cleared_still_pays(client, owner, ledger: Ledger):
    customer = await ledger.customer("Bia")
    await ledger.sale(customer, date(2026, 2, 1), 100_00)
    await bounced_cheque(client, owner, customer, "100.00", date(2026, 2, 5), None)

    body = await report(client, owner, customer)
    assert body["orders"]["outstanding"] == "0.00"
    assert body["behaviour"]["average_days_to_pay"] == 4
    assert observation(body, "RETURNED_CHEQUES") is None


@pytest.mark.parametrize(
    ("returned", "warned"),
    [
        (date(2026, 3, 10), True),  # today
        (date(2025, 3, 10), True),  # twelve months ago to the day
        (date(2025, 3, 9), False),  # a day before the window
    ],
)
async def test_a_return_in_the_last_12_months_is_a_high_severity_warning(
    client, owner, ledger: Ledger, returned, warned
):
    customer = await ledger.customer("Caio")
    await bounced_cheque(client, owner, customer, "80.00", date(2025, 3, 1), returned)

    body = await report(client, owner, customer)
    found = observation(body, "RETURNED_CHEQUES")
    if not warned:
        assert found is None
        assert "RETURNED_CHEQUES" not in body["warning_reasons"]
        return
    assert found is not None
    assert found["severity"] == "high"
    assert "1 cheque came back unpaid in the last 12 months (80.00)" in found["message"]
    assert returned.isoformat() in found["message"]
    assert body["warning"] is True
    assert "RETURNED_CHEQUES" in body["warning_reasons"]
    # Most severe first: high comes before warning and info.
    order = {"critical": 0, "high": 1, "warning": 2, "info": 3}
    severities = [order[o["severity"]] for o in body["observations"]]
    assert severities == sorted(severities)


async def test_the_ageing_owes_a_returned_cheque_from_its_return_on(client, owner, ledger: Ledger):
    customer = await ledger.customer("Duda")
    await ledger.sale(customer, date(2026, 1, 1), 100_00)
    await bounced_cheque(client, owner, customer, "100.00", date(2026, 1, 5), date(2026, 2, 1))

    async def owed(as_of: str) -> dict[str, str] | None:
        r = await client.get(
            f"{API}/reports/receivables-ageing", params={"as_of": as_of}, headers=owner.headers
        )
        assert r.status_code == 200, r.text
        return next((i for i in r.json()["items"] if i["customer_id"] == customer), None)

    assert await owed("2026-01-20") is None  # the cheque still counted as paid then
    after_return = await owed("2026-02-15")
    assert after_return is not None
    assert after_return["days_31_60"] == "100.00"  # the delivery of 2026-01-01, 45 days old
    assert after_return["total"] == "100.00"
    today = await owed("2026-03-10")
    assert today is not None
    assert today["days_61_90"] == "100.00"
    assert today["total"] == "100.00"
