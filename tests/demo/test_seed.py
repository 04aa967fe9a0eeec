"""``custledger seed-demo``: volumes, invariants, determinism and idempotence of the demo."""

from __future__ import annotations

import re
from datetime import date

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.ext.asyncio import AsyncSession

from custledger import demo
from custledger.auth.models import PrincipalRow
from custledger.balance.models import MonthlyTotal
from custledger.balance.service import recompute_all
from custledger.customers import service as customers_service
from custledger.customers.models import Customer
from custledger.kit import clock
from custledger.kit.audit import AuditEntry
from custledger.kit.db import next_number
from custledger.kit.errors import Conflict
from custledger.kit.text import fold
from custledger.orders.models import Delivery, Order
from custledger.payments.models import Cheque, Payment
from custledger.stores.models import Store

SMALL = {"customers": 150, "long_history_orders": 200, "duplicate_pairs": 5}
PHONE = re.compile(r"^\(\d{2}\) (9\d{4}|[2-5]\d{3})-\d{4}$")


async def count(session: AsyncSession, model: type, *where: object) -> int:
    return int(await session.scalar(select(func.count()).select_from(model).where(*where)) or 0)


def stated(lines: list[str], noun: str) -> int:
    summary = next(line for line in lines if line.startswith("seeded "))
    match = re.search(rf"(\d+) {noun}", summary)
    assert match, (noun, summary)
    return int(match.group(1))


async def seeded(session: AsyncSession) -> list[str]:
    lines = await demo.seed(session, **SMALL)
    await session.commit()
    return lines


def test_check_digits_match_known_valid_tax_ids():
    assert demo.cpf_from_base(529982247) == "52998224725"
    assert demo.cnpj_from_base(11222333, 1) == "11222333000181"
    assert demo.is_valid_cpf("529.982.247-25")
    assert not demo.is_valid_cpf("529.982.247-24")
    assert not demo.is_valid_cpf("111.111.111-11")
    assert demo.is_valid_cnpj("11.222.333/0001-81")
    assert not demo.is_valid_cnpj("11.222.333/0001-80")


def test_the_plan_is_deterministic_for_a_given_day():
    staff = {
        "MAIN": demo.Staff(store_id=1, manager=2, clerk=3, pos=4),
        "CENTRO": demo.Staff(store_id=5, manager=6, clerk=7),
    }
    day = date(2026, 3, 10)
    with clock.pinned(clock.now().replace(year=2026, month=3, day=10, hour=22)):
        first = demo.plan_business(staff, day, **SMALL)
        second = demo.plan_business(staff, day, **SMALL)

    def shape(plan: demo.Plan) -> list[tuple[str, int, int, list[int]]]:
        return [
            (c.name, len(c.orders), len(c.payments), [o.total for o in c.orders])
            for c in plan.customers
        ]

    assert shape(first) == shape(second)
    assert len(first.customers) == SMALL["customers"]
    assert [c.name for c in first.customers][:10] == [c.name for c in second.customers][:10]
    # Every entry lies in the two years before the day, never after it.
    for customer in first.customers:
        for order in customer.orders:
            assert date(2024, 3, 10) <= order.placed_on <= day
            assert all(d <= day for d, _, _ in order.deliveries)
        assert all(p.received_on is None or p.received_on <= day for p in customer.payments)


async def test_seed_fills_an_empty_database_once_keeping_every_ledger_invariant(session):
    lines = await seeded(session)

    assert await count(session, Store) == 3
    assert await count(session, PrincipalRow, PrincipalRow.kind == "user") == 7
    assert await count(session, PrincipalRow, PrincipalRow.kind == "api_client") == 1
    assert await count(session, Customer, Customer.is_quick_sale.is_(False)) == SMALL["customers"]
    assert await count(session, Order) == stated(lines, "orders")
    assert await count(session, Delivery) == stated(lines, "deliveries")
    assert await count(session, Payment) == stated(lines, "payments")
    assert await count(session, Cheque) == stated(lines, "cheques")
    assert await count(session, Payment, Payment.received_on.is_(None)) == stated(lines, "pending")
    assert await count(session, Cheque) == await count(session, Payment, Payment.method == "CHEQUE")

    # balance = Σ received − Σ delivered and the monthly totals agree, for every customer.
    assert await recompute_all(session) == []
    months = await session.execute(
        text(
            """
            SELECT m.customer_id, m.month, m.received, m.delivered FROM monthly_totals m
            """
        )
    )
    stored = {(r.customer_id, str(r.month)[:7]): (r.received, r.delivered) for r in months}
    derived: dict[tuple[int, str], list[int]] = {}
    for cid, day, amount in await session.execute(
        select(Payment.customer_id, Payment.received_on, Payment.amount).where(
            Payment.received_on.is_not(None)
        )
    ):
        derived.setdefault((cid, str(day)[:7]), [0, 0])[0] += amount
    for cid, day, amount in await session.execute(
        select(Delivery.customer_id, Delivery.delivered_on, Delivery.amount)
    ):
        derived.setdefault((cid, str(day)[:7]), [0, 0])[1] += amount
    assert stored == {k: tuple(v) for k, v in derived.items()}
    assert await count(session, MonthlyTotal) == len(derived)

    # credit_reserved and total_purchases as the orders domain keeps them.
    wrong = await session.execute(
        text(
            """
            SELECT c.id FROM customers c
            LEFT JOIN (
              SELECT customer_id,
                SUM(CASE WHEN status = 'open' AND payment_terms = 'credit'
                         THEN total - delivered_amount ELSE 0 END) AS reserved,
                SUM(CASE WHEN status IN ('open', 'delivered') THEN total ELSE 0 END) AS purchases
              FROM orders GROUP BY customer_id
            ) o ON o.customer_id = c.id
            WHERE c.credit_reserved != COALESCE(o.reserved, 0)
               OR c.total_purchases != COALESCE(o.purchases, 0)
            """
        )
    )
    assert wrong.all() == []
    # Deliveries never exceed the order, and delivered_amount is their sum.
    over = await session.execute(
        text(
            """
            SELECT o.id FROM orders o LEFT JOIN deliveries d ON d.order_id = o.id
            GROUP BY o.id, o.delivered_amount, o.total
            HAVING COALESCE(SUM(d.amount), 0) != o.delivered_amount
                OR o.delivered_amount > o.total
            """
        )
    )
    assert over.all() == []
    # Invoicing follow-up only for customers in debt.
    assert (
        await count(
            session,
            Customer,
            Customer.balance >= 0,
            Customer.next_invoice_date.is_not(None) | Customer.billing_instructions.is_not(None),
        )
        == 0
    )

    customers = (
        await session.scalars(
            select(Customer).where(Customer.is_quick_sale.is_(False)).order_by(Customer.number)
        )
    ).all()
    # Numbers come from the sequence, and the sequence goes on after them.
    assert [c.number for c in customers] == list(range(1, SMALL["customers"] + 1))
    assert await next_number(session, "customer_number_seq") == SMALL["customers"] + 1
    order_numbers = (await session.scalars(select(Order.number).order_by(Order.number))).all()
    assert order_numbers == list(range(1, len(order_numbers) + 1))
    assert await next_number(session, "order_number_seq") == len(order_numbers) + 1

    for c in customers:
        # The search columns exactly as the customers service writes them.
        assert c.search_text == customers_service.search_text_of(c)
        assert c.sort_name == fold(c.name)[:200]
        if c.tax_id is not None:
            assert demo.is_valid_cpf(c.tax_id) or demo.is_valid_cnpj(c.tax_id), c.tax_id
        if c.phone is not None:
            assert PHONE.match(c.phone), c.phone
    assert any(c.name != fold(c.name) and c.name.lower() != fold(c.name) for c in customers)
    assert any(c.blocked for c in customers)
    assert any(not c.active for c in customers)
    assert sum(c.credit_limit is not None for c in customers) > len(customers) // 3
    assert any(c.balance < 0 for c in customers) and any(c.balance > 0 for c in customers)
    # Same person typed twice: equal once folded, one of them without a tax id.
    folded: dict[str, list[Customer]] = {}
    for c in customers:
        folded.setdefault(fold(c.name), []).append(c)
    twins = [group for group in folded.values() if len(group) > 1]
    assert len(twins) >= SMALL["duplicate_pairs"]
    assert all(any(c.tax_id is None for c in group) for group in twins)
    typed_again = [g for g in twins if any(c.notes == demo.DUPLICATE_NOTE for c in g)]
    assert len(typed_again) == SMALL["duplicate_pairs"]
    # ... and typed differently (case or accents), as a hurried cashier would.
    assert all(len({c.name for c in group}) == len(group) for group in typed_again)

    methods = set((await session.scalars(select(Payment.method).distinct())).all())
    assert {"PIX", "CARD", "BOLETO", "CHEQUE", "CASH"} <= methods
    statuses = set((await session.scalars(select(Order.status).distinct())).all())
    assert statuses == {"quote", "open", "delivered", "cancelled", "consumed"}
    terms = set((await session.scalars(select(Order.payment_terms).distinct())).all())
    assert terms == {"cash", "credit"}
    assert await count(session, Delivery, Delivery.sequence > 1) > 0  # partial deliveries
    today = clock.today()
    overdue = await count(session, Payment, Payment.received_on.is_(None), Payment.due_date < today)
    assert overdue == stated(lines, "overdue") > 0
    received = (
        await session.execute(
            select(Payment.received_on, Payment.created_at).where(Payment.received_on.is_not(None))
        )
    ).all()
    backdated = [r for r in received if clock.business_date(r.created_at) > r.received_on]
    assert len(backdated) == stated(lines, "backdated") > 0
    # The long history: one customer with far more entries than anyone else.
    busiest = (
        await session.execute(
            select(Order.customer_id, func.count())
            .group_by(Order.customer_id)
            .order_by(func.count().desc())
        )
    ).first()
    assert busiest is not None and busiest[1] == SMALL["long_history_orders"]

    # Once only: --if-empty then does nothing, and without it the command refuses.
    before = await count(session, Customer)
    assert await demo.seed(session, if_empty=True, **SMALL) == [
        "the database already has data; nothing seeded"
    ]
    assert await count(session, Customer) == before
    with pytest.raises(Conflict):
        await demo.seed(session, **SMALL)


async def test_seeded_customers_match_the_deterministic_plan_and_the_demo_logins_work(
    session, client
):
    lines = await seeded(session)
    stores = {s.code: s for s in (await session.scalars(select(Store).order_by(Store.id))).all()}
    assert set(stores) == {"MAIN", "CENTRO", "LITORAL"}
    people = {p.username or p.name: p for p in (await session.scalars(select(PrincipalRow))).all()}
    staff = {
        code: demo.Staff(
            store_id=stores[code].id,
            manager=people[f"manager-{code.lower()}"].id,
            clerk=people[f"clerk-{code.lower()}"].id,
            pos=people["PDV Caixa 1 — MAIN"].id if code == "MAIN" else None,
        )
        for code in ("MAIN", "CENTRO", "LITORAL")
    }
    plan = demo.plan_business(staff, clock.today(), **SMALL)
    names = (
        await session.scalars(
            select(Customer.name).where(Customer.is_quick_sale.is_(False)).order_by(Customer.number)
        )
    ).all()
    assert list(names) == [c.name for c in plan.customers]
    assert stated(lines, "orders") == sum(len(c.orders) for c in plan.customers)

    # The printed logins work: the owner, a clerk and the POS terminal.
    for username, password in [demo.DEMO_OWNER, ("clerk-centro", "clerk-centro-demo")]:
        assert f"username {username!r}, password {password!r}" in "\n".join(lines)
        r = await client.post(
            "/api/v1/auth/token",
            data={"grant_type": "password", "username": username, "password": password},
        )
        assert r.status_code == 200, r.text
    pos_line = next(line for line in lines if "POS terminal" in line)
    client_id, secret = re.findall(r"'([^']+)'", pos_line)
    r = await client.post(
        "/api/v1/auth/token",
        data={"grant_type": "client_credentials", "client_id": client_id, "client_secret": secret},
    )
    assert r.status_code == 200, r.text
    token = r.json()["access_token"]

    # Search finds a seeded customer by an unaccented, lower-case fragment of the name.
    target = next(c for c in plan.customers if c.name != fold(c.name) and c.row["active"])
    fragment = fold(target.name).split()[0][:4] + " " + fold(target.name).split()[-1]
    r = await client.get(
        "/api/v1/customers",
        params={"q": fragment, "limit": 200},
        headers={"Authorization": f"Bearer {token}"},
    )
    assert r.status_code == 200, r.text
    assert target.name in [item["name"] for item in r.json()["items"]]


async def test_seeded_credit_was_set_by_credit_control(session):
    """Credit limits and blocks are sales:manage's: the audit never shows a clerk setting one."""
    await seeded(session)
    rows = await session.execute(
        select(Customer.credit_limit, Customer.blocked, PrincipalRow.role)
        .join(AuditEntry, AuditEntry.entity_id == Customer.id)
        .join(PrincipalRow, PrincipalRow.id == AuditEntry.principal_id)
        .where(AuditEntry.action == "customer.create", Customer.is_quick_sale.is_(False))
    )
    roles = {(limit is not None or blocked, role) for limit, blocked, role in rows}
    assert (True, "manager") in roles and (False, "clerk") in roles
    assert all(role in ("manager", "owner") for with_credit, role in roles if with_credit)
