"""A merge moves the cheques with their lifecycle: a returned cheque of the source stays
returned on the survivor, its debit in the survivor's balance, monthly totals and statement."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from custledger.balance.models import MonthlyTotal
from custledger.kit import clock
from tests.payments.support import CHEQUE, NOON, stepped

API = "/api/v1"


async def test_merge_moves_returned_and_deposited_cheques_with_their_lifecycle(
    client, owner, session, ledger_consistent
):
    with clock.pinned(NOON):  # 2026-03-10
        ids = []
        for name in ("Maria Silva", "Maria S."):
            r = await client.post(f"{API}/customers", json={"name": name}, headers=owner.headers)
            assert r.status_code == 201, r.text
            ids.append(r.json()["id"])
        survivor, source = ids
        cheques = []
        for number, amount in (("1", "120.00"), ("2", "30.00")):
            r = await client.post(
                f"{API}/customers/{source}/payments",
                json={
                    "method": "CHEQUE",
                    "amount": amount,
                    "received_on": "2026-02-10",
                    "cheque": {**CHEQUE, "predated_to": "2026-02-10", "cheque_number": number},
                },
                headers=owner.headers,
            )
            assert r.status_code == 201, r.text
            cheques.append(r.json()["id"])
            await stepped(client, owner, cheques[-1], "deposit", on=date(2026, 2, 11))
        await stepped(client, owner, cheques[0], "return", on=date(2026, 3, 2), reason="alínea 12")

        r = await client.post(
            f"{API}/customers/{survivor}/merge", json={"source_id": source}, headers=owner.headers
        )
        assert r.status_code == 200, r.text
        assert r.json()["moved"]["cheques"] == 2
        assert r.json()["survivor"]["balance"] == "30.00"  # 120 + 30 received − 120 returned

        r = await client.get(
            f"{API}/cheques", params={"customer_id": survivor}, headers=owner.headers
        )
        items = {i["payment_id"]: i["cheque"] for i in r.json()["items"]}
        assert items[cheques[0]]["status"] == "returned"
        assert items[cheques[0]]["returned_on"] == "2026-03-02"
        assert items[cheques[0]]["return_reason"] == "alínea 12"
        assert items[cheques[1]]["status"] == "deposited"
        assert items[cheques[1]]["deposited_on"] == "2026-02-11"

        r = await client.get(f"{API}/customers/{survivor}/statement", headers=owner.headers)
        entries = r.json()["entries"]
        assert [(e["date"], e["type"], e["balance"]) for e in entries] == [
            ("2026-03-02", "returned_cheque", "30.00"),
            ("2026-02-10", "payment", "150.00"),
            ("2026-02-10", "payment", "120.00"),
        ]
        await session.rollback()
        totals = {
            t.month: (t.received, t.returned)
            for t in await session.scalars(
                select(MonthlyTotal).where(MonthlyTotal.customer_id == survivor)
            )
        }
        assert totals == {date(2026, 2, 1): (15000, 0), date(2026, 3, 1): (0, 12000)}
        # Once moved, the lifecycle goes on on the survivor.
        await stepped(client, owner, cheques[1], "clear")
    await ledger_consistent()
