"""Model-based test of the ledger: random sequences of customer, payment, order, delivery,
retry and merge requests, sent to the API and applied to an in-memory model (model.py), which
must agree after every step.

Operations: create customers (credit limits of none, 0.00 and more) and block, unblock,
deactivate, reactivate them or change their limit (PATCH, with a current, stale or no
If-Match); payments received today, pending, backdated (a manager or owner may, a clerk or a
POS terminal gets 403) or dated in the future (422); payment edits (amount, received date) and
deletes with a current, stale (412) or no If-Match, by their recorder or another principal;
cheques (pre-dated before or after today, received, pending or backdated) taken through their
lifecycle: deposits, clearings and returns on dates from 25 days back to the future, by every
role, on cheques in every status, on other payments and on deleted ones, each refused or done
exactly as the transition table, the date rules and the permissions say (a returned cheque's
debit in the balance, the statement and the purchase history; its payment's amount and date
frozen once deposited);
orders and quotes on cash or credit terms, accepted or refused exactly as the credit rules
predict (totals drawn at exactly the available credit and one cent above); whole, partial,
excessive, backdated and future deliveries; cancellations and consumptions; merges by the owner
(and refused ones: by a manager, into itself, of the quick-sale customer, of a merged-away
customer); the business day moving on; retries of earlier POSTs with the same Idempotency-Key
(same body: the first response again, nothing written; another body: 422
``idempotency-key-reused``).

After every step, each customer the step touched is compared with the model: balance,
available credit, total purchases, limit, flags and version; every page of its statement
(rows, order, running balances, page totals); its purchase history with payment statuses; its
payments. At the end of each example every customer is compared (statement also with
``financial_only``) and the stored balances must equal the derived ones (``recompute_all``).

Each example empties the database first (the harness empties it only per test) and runs with
the business clock pinned at noon, 2026-03-10 in São Paulo, moved on by whole days by a rule.
Settings: ``derandomize=True`` (a fixed seed: the same examples on every run), 30 examples of
up to 30 steps each (``stateful_step_count=30``), statement pages of 2, 5 or 50 rows drawn per
example. About 50 s on SQLite and on PostgreSQL; a failure then shrinks for up to 5 minutes.
"""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import Coroutine
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any, TypeVar

import httpx
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)
from sqlalchemy import text

from custledger.auth.models import PrincipalRow
from custledger.auth.roles import ROLE_PERMISSIONS, Role
from custledger.balance.service import recompute_all
from custledger.kit import clock
from custledger.kit import db as kit_db
from custledger.kit.db import Database
from tests.conftest import _reset, lasting_token
from tests.model.model import (
    PRIVILEGED,
    CustomerM,
    DeliveryM,
    Ledger,
    OrderM,
    PaymentM,
    Refusal,
    money,
)

T = TypeVar("T")

API = "/api/v1"
START = datetime(2026, 3, 10, 15, 0, tzinfo=UTC)  # noon in São Paulo
MAX_DAYS_AHEAD = 3
MAX_EXAMPLES = 30
STEPS = 30

SETTINGS = settings(
    max_examples=MAX_EXAMPLES,
    stateful_step_count=STEPS,
    derandomize=True,
    database=None,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)

ROLES = {"owner": "owner", "manager": "manager", "clerk": "clerk", "pos": "pos-terminal"}
METHODS = ["CASH", "PIX", "CARD", "TRANSFER", "BOLETO"]
DELIVERY_TYPES = ["single", "partial", "collected", "awaiting_collection", "unspecified"]

picks = st.integers(0, 999)
amounts = st.one_of(st.sampled_from([1, 10_00, 25_00, 50_00, 100_00]), st.integers(1, 300_00))
limits = st.sampled_from([100_00, 250_00, None, 0, 1_000_00])
anyone = st.sampled_from(["clerk", "owner", "manager", "pos"])
sellers = st.sampled_from(["clerk", "pos", "manager", "owner"])
days_back = st.integers(1, 40)
if_matches = st.sampled_from(["current", "none", "current", "stale"])
editors = st.sampled_from(["recorder", "recorder", "clerk", "owner", "manager", "pos"])
# Mostly registered customers; sometimes the store's quick-sale customer or a merged-away one.
targets = st.sampled_from(["customer"] * 6 + ["quick", "gone"])


@dataclass
class Env:
    """What every example shares: one event loop, its database handle and the client."""

    loop: asyncio.AbstractEventLoop
    database: Database
    client: httpx.AsyncClient


ENV: Env | None = None


@dataclass
class Actor:
    id: int
    role: str
    headers: dict[str, str]


@dataclass
class KeyedPost:
    """A POST that succeeded with an Idempotency-Key, to be retried."""

    role: str
    path: str
    body: dict[str, Any]
    altered: dict[str, Any]
    key: str
    status: int
    response: Any
    at: datetime
    customers: list[int]


def choose(items: list[T], pick: int) -> T:
    return items[pick % len(items)]


def problem(response: httpx.Response, allowed: set[Refusal], what: str) -> dict[str, Any]:
    """The response is one of the refusals the model allows."""
    statuses = {status for status, _ in allowed}
    assert response.status_code in statuses, (what, allowed, response.status_code, response.text)
    assert response.headers["content-type"].startswith("application/problem+json"), what
    body: dict[str, Any] = response.json()
    assert any(
        response.status_code == status and kind in (None, body.get("type"))
        for status, kind in allowed
    ), (what, allowed, body)
    return body


def success(response: httpx.Response, status: int, what: str) -> Any:
    assert response.status_code == status, (what, response.status_code, response.text)
    return response.json() if response.content else None


class LedgerMachine(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        assert ENV is not None, "run through test_ledger_agrees_with_the_model"
        self.env = ENV
        self.now = START
        self.model = Ledger()
        self.dirty: set[int] = set()
        self.last_status = 200
        self.last_order: int | None = None
        self.keyed: list[KeyedPost] = []
        self.serial = itertools.count(1)
        self.page_limit = 50
        self.actors: dict[str, Actor] = {}
        self.quick_sale_id = 0
        self.cheque_numbers = 0
        self.run(self._setup())

    # --- plumbing ----------------------------------------------------------------------

    def run(self, coroutine: Coroutine[Any, Any, T]) -> T:
        with clock.pinned(self.now):
            return self.env.loop.run_until_complete(coroutine)

    @property
    def today(self) -> date:
        return clock.business_date(self.now)

    async def _setup(self) -> None:
        database = self.env.database
        await _reset(database)
        async with database.sessionmaker() as session:
            store_id = await session.scalar(text("SELECT id FROM stores WHERE code = 'MAIN'"))
            quick = await session.scalar(
                text("SELECT quick_sale_customer_id FROM stores WHERE code = 'MAIN'")
            )
            assert store_id is not None and quick is not None
            for name, role in ROLES.items():
                kind = "api_client" if role == "pos-terminal" else "user"
                row = PrincipalRow(
                    kind=kind,
                    name=name,
                    username=name if kind == "user" else None,
                    password_hash="unused" if kind == "user" else None,
                    client_id=f"cl_{name}" if kind == "api_client" else None,
                    secret_hash="unused" if kind == "api_client" else None,
                    role=role,
                    permissions=sorted(ROLE_PERMISSIONS[Role(role)]),
                    store_id=store_id,
                    active=True,
                )
                session.add(row)
                await session.flush()
                self.actors[name] = Actor(
                    row.id, name, {"Authorization": f"Bearer {lasting_token(row.id)}"}
                )
            await session.commit()
        self.quick_sale_id = int(quick)
        response = await self._request("GET", f"/customers/{self.quick_sale_id}", "owner")
        data = success(response, 200, "quick-sale customer")
        limit = data["credit_limit"]
        self.model.customers[self.quick_sale_id] = CustomerM(
            id=self.quick_sale_id,
            name=data["name"],
            credit_limit=None if limit is None else cents(limit),
            active=data["active"],
            blocked=data["blocked"],
            version=data["version"],
            quick_sale=True,
        )

    async def _request(
        self,
        method: str,
        path: str,
        role: str,
        *,
        json: Any = None,
        key: str | None = None,
        if_match: str | None = None,
        params: dict[str, Any] | None = None,
    ) -> httpx.Response:
        headers = dict(self.actors[role].headers)
        if key is not None:
            headers["Idempotency-Key"] = key
        if if_match is not None:
            headers["If-Match"] = if_match
        return await self.env.client.request(
            method, API + path, json=json, headers=headers, params=params
        )

    def call(self, method: str, path: str, role: str, **options: Any) -> httpx.Response:
        response = self.run(self._request(method, path, role, **options))
        self.last_status = response.status_code
        return response

    def post(
        self,
        path: str,
        role: str,
        body: dict[str, Any],
        keyed: bool,
        altered: dict[str, Any],
        about: list[int] | None = None,
    ) -> httpx.Response:
        """POST, with an Idempotency-Key when ``keyed``; a success is kept for retries."""
        key = f"key-{next(self.serial)}" if keyed else None
        response = self.call("POST", path, role, json=body, key=key)
        if key is not None and response.status_code < 300:
            assert response.headers.get("idempotent-replayed") is None
            data = response.json()
            customers = [data["id"]] if about is None else about
            self.keyed.append(
                KeyedPost(
                    role,
                    path,
                    body,
                    altered,
                    key,
                    response.status_code,
                    data,
                    self.now,
                    customers,
                )
            )
        return response

    def registered(self) -> list[int]:
        return sorted(c.id for c in self.model.customers.values() if not c.quick_sale)

    def target(self, kind: str, pick: int) -> int:
        if kind == "quick":
            return self.quick_sale_id
        if kind == "gone" and self.model.gone:
            return choose(sorted(self.model.gone), pick)
        return choose(self.registered(), pick)

    def if_match(self, choice: str, version: int) -> str | None:
        if choice == "none":
            return None
        if choice == "current":
            return f'"{version}"'
        return f'"{version - 1 if version > 1 else version + 1}"'

    def date_for(self, when: str, days: int) -> date | None:
        if when == "pending":
            return None
        if when == "back":
            return self.today - timedelta(days=days)
        if when == "future":
            return self.today + timedelta(days=1 + days % 5)
        return self.today

    def order_customer(self, oid: int) -> int:
        return self.model.orders[oid].customer_id

    # --- customers ---------------------------------------------------------------------

    @initialize(limit=st.sampled_from([5, 2, 50]))
    def page_size(self, limit: int) -> None:
        self.page_limit = limit

    @initialize(first=st.lists(limits, min_size=2, max_size=3))
    def first_customers(self, first: list[int | None]) -> None:
        for limit in first:
            self.create_customer(limit, "owner", keyed=False)

    @precondition(lambda self: len(self.registered()) < 5)
    @rule(limit=limits, role=st.sampled_from(["clerk", "owner", "pos"]), keyed=st.booleans())
    def another_customer(self, limit: int | None, role: str, keyed: bool) -> None:
        self.create_customer(limit, role, keyed)

    def create_customer(self, limit: int | None, role: str, keyed: bool) -> None:
        name = f"Customer {next(self.serial)}"
        body: dict[str, Any] = {"name": name}
        if limit is not None or next(self.serial) % 2:
            body["credit_limit"] = money(limit)
        response = self.post("/customers", role, body, keyed, {**body, "name": name + " X"})
        refusal = self.model.credit_control_refusal(role, {"credit_limit": limit})
        if refusal is not None:
            problem(response, {refusal}, f"create customer {body} by {role}")
            return
        data = success(response, 201, "create customer")
        cid = data["id"]
        assert cid not in self.model.customers
        # SQLite hands out a deleted (merged) customer's id again: see test_ids_are_not_reused.
        self.model.gone.discard(cid)
        self.model.customers[cid] = CustomerM(id=cid, name=name, credit_limit=limit)
        assert response.headers["location"].endswith(f"/customers/{cid}")
        for field, value in self.model.customer_fields(cid).items():
            assert data[field] == value, (field, data)
        self.dirty.add(cid)

    @precondition(lambda self: self.registered())
    @rule(
        pick=picks,
        change=st.sampled_from(["block", "deactivate", "limit", "unblock", "activate"]),
        limit=limits,
        match=if_matches,
        role=st.sampled_from(["clerk", "owner", "manager", "pos"]),
    )
    def update_customer(
        self, pick: int, change: str, limit: int | None, match: str, role: str
    ) -> None:
        cid = choose(self.registered(), pick)
        customer = self.model.customers[cid]
        bodies: dict[str, dict[str, Any]] = {
            "block": {"blocked": True},
            "unblock": {"blocked": False},
            "deactivate": {"active": False},
            "activate": {"active": True},
            "limit": {"credit_limit": money(limit)},
        }
        body = bodies[change]
        asked = {"blocked": change == "block"} if change in ("block", "unblock") else {}
        if change == "limit":
            asked = {"credit_limit": limit}
        refusal = self.model.credit_control_refusal(role, asked, customer)
        response = self.call(
            "PATCH",
            f"/customers/{cid}",
            role,
            json=body,
            if_match=self.if_match(match, customer.version),
        )
        self.dirty.add(cid)
        if refusal is not None:  # judged before the version: nothing changes
            problem(response, {refusal}, f"customer PATCH {body} by {role}")
            return
        if match == "stale":
            data = problem(response, {(412, "precondition-failed")}, "stale customer PATCH")
            assert data["current_version"] == customer.version
            return
        data = success(response, 200, "customer PATCH")
        before = (customer.active, customer.blocked, customer.credit_limit)
        if change in ("block", "unblock"):
            customer.blocked = change == "block"
        elif change in ("activate", "deactivate"):
            customer.active = change == "activate"
        else:
            customer.credit_limit = limit
        if (customer.active, customer.blocked, customer.credit_limit) != before:
            customer.version += 1
        for field, value in self.model.customer_fields(cid).items():
            assert data[field] == value, (field, data)

    # --- payments ----------------------------------------------------------------------

    @precondition(lambda self: self.registered())
    @rule(
        where=targets,
        pick=picks,
        amount=amounts,
        when=st.sampled_from(["today", "today", "pending", "back", "future"]),
        days=days_back,
        role=anyone,
        reference=st.sampled_from(["none", "none", "own", "any"]),
        reference_pick=picks,
        method=st.sampled_from(METHODS),
        keyed=st.booleans(),
    )
    def pay(
        self,
        where: str,
        pick: int,
        amount: int,
        when: str,
        days: int,
        role: str,
        reference: str,
        reference_pick: int,
        method: str,
        keyed: bool,
    ) -> None:
        cid = self.target(where, pick)
        received_on = self.date_for(when, days)
        numbers = sorted(
            o.number
            for o in self.model.orders.values()
            if reference == "any" or o.customer_id == cid
        )
        order_number = choose(numbers, reference_pick) if reference != "none" and numbers else None
        self.record_payment(cid, amount, received_on, role, order_number, method, keyed)

    @precondition(lambda self: self.registered())
    @rule(
        pick=picks,
        amount=amounts,
        when=st.sampled_from(["today", "today", "pending", "back"]),
        days=days_back,
        predated=st.integers(-20, 3),
        role=anyone,
        keyed=st.booleans(),
    )
    def pay_by_cheque(
        self, pick: int, amount: int, when: str, days: int, predated: int, role: str, keyed: bool
    ) -> None:
        """A cheque, pre-dated from 20 days before today to 3 days after it."""
        cid = self.target("customer", pick)
        received_on = self.date_for(when, days)
        predated_to = self.today + timedelta(days=predated)
        self.record_payment(cid, amount, received_on, role, None, "CHEQUE", keyed, predated_to)

    @precondition(lambda self: self.model.payments)
    @rule(
        which=st.sampled_from(["cheque"] * 8 + ["live", "deleted"]),
        pick=picks,
        action=st.sampled_from(["deposit", "deposit", "clear", "return", "return"]),
        role=anyone,
        when=st.sampled_from(["today", "today", "back", "future"]),
        days=st.integers(0, 25),
        keyed=st.booleans(),
    )
    def cheque_step(
        self, which: str, pick: int, action: str, role: str, when: str, days: int, keyed: bool
    ) -> None:
        """Deposit, clear or return a cheque (or try it on another payment, a deleted one), on
        a date up to 25 days back or in the future: refused exactly as the transition table,
        the date rules and the permissions say."""
        cheques = sorted(p.id for p in self.model.payments.values() if p.cheque_status)
        if which == "cheque" and cheques:
            pid = choose(cheques, pick)
        else:
            pid = self.pick_payment("deleted" if which == "deleted" else "live", pick)
        on = self.date_for(when, days)
        assert on is not None
        self.step_cheque(pid, action, role, on, keyed)

    def step_cheque(self, pid: int, action: str, role: str, on: date, keyed: bool) -> None:
        refusal = self.model.cheque_step_refusal(pid, action, role, on, self.today)
        payment = self.model.payments.get(pid)
        customers = [] if payment is None else [payment.customer_id]
        body = {"on": on.isoformat()}
        altered = {"on": on.isoformat(), "reason": "another body"}
        response = self.post(f"/cheques/{pid}/{action}", role, body, keyed, altered, customers)
        self.dirty.update(customers)
        what = f"{action} cheque {pid} on {on} by {role}"
        if refusal is not None:
            problem(response, {refusal}, what)
            return
        assert payment is not None
        data = success(response, 200, what)
        self.model.take_cheque_step(pid, action, on)
        assert payment_fields(data) == expected_payment(payment)

    @precondition(lambda self: self.purchases())
    @rule(
        pick=picks,
        portion=st.sampled_from(["rest", "part", "over"]),
        role=anyone,
        method=st.sampled_from(METHODS),
        keyed=st.booleans(),
    )
    def pay_for_an_order(
        self, pick: int, portion: str, role: str, method: str, keyed: bool
    ) -> None:
        """A payment received today naming one of the customer's orders: its rest, a part of
        the rest, or more than the rest (it pays the oldest deliveries all the same)."""
        order = self.model.orders[choose(self.purchases(), pick)]
        rest = order.total - self.model.paid_for(order.customer_id, order.number)
        amount = {"rest": rest, "part": rest // 2, "over": rest + 1}[portion]
        if amount <= 0:
            amount = 1
        self.record_payment(
            order.customer_id, amount, self.today, role, order.number, method, keyed
        )

    def purchases(self) -> list[int]:
        return sorted(
            o.id
            for o in self.model.orders.values()
            if o.status in ("open", "delivered") and o.customer_id in self.model.customers
        )

    def record_payment(
        self,
        cid: int,
        amount: int,
        received_on: date | None,
        role: str,
        order_number: int | None,
        method: str,
        keyed: bool,
        predated_to: date | None = None,
    ) -> None:
        body: dict[str, Any] = {"method": method, "amount": money(amount)}
        if predated_to is not None:
            self.cheque_numbers += 1
            body["cheque"] = {
                "predated_to": predated_to.isoformat(),
                "issuer_tax_id": "123.456.789-09",
                "issuer_name": "Maria da Silva",
                "bank": "001",
                "branch": "1234",
                "account": "56789-0",
                "cheque_number": str(self.cheque_numbers),
            }
        if received_on is not None:
            body["received_on"] = received_on.isoformat()
        if order_number is not None:
            body["order_number"] = order_number
        refusal = self.model.payment_create_refusal(cid, role, received_on, self.today)
        altered = {**body, "amount": money(amount + 1)}
        response = self.post(f"/customers/{cid}/payments", role, body, keyed, altered, [cid])
        self.dirty.add(cid)
        if refusal is not None:
            problem(response, {refusal}, f"payment {body} by {role}")
            return
        data = success(response, 201, f"payment {body} by {role}")
        payment = PaymentM(
            id=data["id"],
            customer_id=cid,
            recorded_by=self.actors[role].id,
            method=method,
            amount=amount,
            received_on=received_on,
            due_date=received_on or self.today,
            order_number=order_number,
            predated_to=predated_to,
            cheque_status=None if predated_to is None else "held",
        )
        assert payment.id not in self.model.payments
        # SQLite hands out a deleted payment's id again: see test_ids_are_not_reused.
        self.model.deleted_payments.discard(payment.id)
        self.model.payments[payment.id] = payment
        assert payment_fields(data) == expected_payment(payment)

    def pick_payment(self, which: str, pick: int) -> int:
        if which == "deleted" and self.model.deleted_payments:
            return choose(sorted(self.model.deleted_payments), pick)
        return choose(sorted(self.model.payments), pick)

    def editor(self, role: str, pid: int) -> str:
        """``recorder``: the principal that recorded the payment; else the role itself."""
        payment = self.model.payments.get(pid)
        if role != "recorder" or payment is None:
            return "clerk" if role == "recorder" else role
        return next(a.role for a in self.actors.values() if a.id == payment.recorded_by)

    @precondition(lambda self: self.model.payments)
    @rule(
        which=st.sampled_from(["live"] * 7 + ["deleted"]),
        pick=picks,
        role=editors,
        amount=st.one_of(st.none(), amounts),
        when=st.sampled_from(["keep", "keep", "today", "pending", "back", "future"]),
        days=days_back,
        match=if_matches,
    )
    def edit_payment(
        self,
        which: str,
        pick: int,
        role: str,
        amount: int | None,
        when: str,
        days: int,
        match: str,
    ) -> None:
        pid = self.pick_payment(which, pick)
        role = self.editor(role, pid)
        payment = self.model.payments.get(pid)
        body: dict[str, Any] = {}
        if amount is not None:
            body["amount"] = money(amount)
        new_date = payment.received_on if payment else None
        if when != "keep":
            new_date = self.date_for(when, days)
            body["received_on"] = None if new_date is None else new_date.isoformat()
        if not body:
            body["amount"] = money(payment.amount if payment else 1)
        version = payment.version if payment else 1
        refusal = self.model.payment_change_refusal(
            pid, role, self.actors[role].id, match == "stale", self.today
        )
        if refusal is None and payment is not None and new_date != payment.received_on:
            refusal = self.model.received_date_refusal(role, new_date, self.today)
        if refusal is None and payment is not None:
            new_amount = payment.amount if amount is None else amount
            changes_money = (new_amount, new_date) != (payment.amount, payment.received_on)
            refusal = self.model.frozen_refusal(pid, changes_money)
        response = self.call(
            "PATCH", f"/payments/{pid}", role, json=body, if_match=self.if_match(match, version)
        )
        if payment is not None:
            self.dirty.add(payment.customer_id)
        if refusal is not None:
            problem(response, {refusal}, f"edit payment {pid} {body} by {role}")
            return
        assert payment is not None
        data = success(response, 200, f"edit payment {pid} {body} by {role}")
        new_amount = payment.amount if amount is None else amount
        if (new_amount, new_date) != (payment.amount, payment.received_on):
            payment.version += 1
        payment.amount, payment.received_on = new_amount, new_date
        assert payment_fields(data) == expected_payment(payment)

    @precondition(lambda self: self.model.payments)
    @rule(
        which=st.sampled_from(["live"] * 7 + ["deleted"]),
        pick=picks,
        role=editors,
        match=if_matches,
    )
    def delete_payment(self, which: str, pick: int, role: str, match: str) -> None:
        pid = self.pick_payment(which, pick)
        role = self.editor(role, pid)
        payment = self.model.payments.get(pid)
        version = payment.version if payment else 1
        refusal = self.model.payment_change_refusal(
            pid, role, self.actors[role].id, match == "stale", self.today
        )
        if refusal is None:
            refusal = self.model.frozen_refusal(pid, changes_money=True)
        response = self.call(
            "DELETE", f"/payments/{pid}", role, if_match=self.if_match(match, version)
        )
        if payment is not None:
            self.dirty.add(payment.customer_id)
        if refusal is not None:
            problem(response, {refusal}, f"delete payment {pid} by {role}")
            return
        assert payment is not None
        success(response, 204, f"delete payment {pid} by {role}")
        del self.model.payments[pid]
        self.model.deleted_payments.add(pid)

    # --- orders ------------------------------------------------------------------------

    def with_credit(self) -> list[int]:
        return [
            cid
            for cid in self.registered()
            if self.model.customers[cid].credit_limit and self.model.customers[cid].active
        ]

    @precondition(lambda self: self.with_credit())
    @rule(
        pick=picks,
        delivery_type=st.sampled_from(DELIVERY_TYPES),
        size=st.sampled_from(["amount", "exact", "over"]),
        amount=amounts,
        role=sellers,
        then=st.sampled_from(["deliver", "deliver a part", "nothing"]),
        part=amounts,
    )
    def credit_sale(
        self,
        pick: int,
        delivery_type: str,
        size: str,
        amount: int,
        role: str,
        then: str,
        part: int,
    ) -> None:
        """A credit sale today to a customer with a limit (accepted or refused by it), then
        maybe a delivery of it, whole or in part (refused in part for single/collected)."""
        cid = choose(self.with_credit(), pick)
        self.last_order = None
        self.place_order(
            "customer",
            self.registered().index(cid),
            "order",
            "credit",
            delivery_type,
            size,
            amount,
            "today",
            1,
            role,
            False,
        )
        if self.last_order is not None and then != "nothing":
            open_orders = self.open_orders()
            size = "rest" if then == "deliver" else "part"
            index = open_orders.index(self.last_order)
            self.deliver("open", index, size, part, "today", 1, role, False)

    @precondition(lambda self: self.registered())
    @rule(
        where=targets,
        pick=picks,
        kind=st.sampled_from(["order"] * 4 + ["quote"]),
        terms=st.sampled_from(["credit"] * 3 + ["cash"]),
        delivery_type=st.sampled_from(DELIVERY_TYPES),
        size=st.sampled_from(["amount"] * 3 + ["exact", "over", "zero"]),
        amount=amounts,
        placed=st.sampled_from(["today"] * 5 + ["back", "back", "future"]),
        days=st.integers(1, 20),
        role=sellers,
        keyed=st.booleans(),
    )
    def place_order(
        self,
        where: str,
        pick: int,
        kind: str,
        terms: str,
        delivery_type: str,
        size: str,
        amount: int,
        placed: str,
        days: int,
        role: str,
        keyed: bool,
    ) -> None:
        cid = self.target(where, pick)
        known = cid in self.model.customers
        total = amount
        available = self.model.available_credit(cid) if known else None
        if size == "zero":
            total = 0
        elif size in ("exact", "over") and available is not None and available > 0:
            total = available + (size == "over")
        placed_on = self.date_for(placed, days)
        assert placed_on is not None
        body: dict[str, Any] = {
            "customer_id": cid,
            "kind": kind,
            "delivery_type": delivery_type,
            "total": money(total),
            "payment_terms": terms,
        }
        if placed != "today":
            body["placed_on"] = placed_on.isoformat()
        refusals: set[Refusal] = set()
        if placed_on > self.today:
            refusals.add((422, "validation-error"))
        if not known:
            refusals.add((404, "customer-not-found"))
        else:
            refusal = self.model.sale_refusal(cid, kind, terms, total)
            if refusal is not None:
                refusals.add(refusal)
        altered = {**body, "total": money(total + 1)}
        response = self.post("/orders", role, body, keyed, altered, [cid])
        self.dirty.add(cid)
        if refusals:
            data = problem(response, refusals, f"order {body} by {role}")
            if data["type"] == "credit-limit-exceeded":
                limit = self.model.customers[cid].credit_limit
                assert data["credit_limit"] == money(limit)
                assert data["available_credit"] == money(available)
                assert data["requested"] == money(total)
            return
        data = success(response, 201, f"order {body} by {role}")
        order = OrderM(
            id=data["id"],
            number=data["number"],
            customer_id=cid,
            kind=kind,
            status="quote" if kind == "quote" else "open",
            delivery_type=delivery_type,
            terms=terms,
            total=total,
            placed_on=placed_on,
        )
        assert order.id not in self.model.orders
        assert order.number not in {o.number for o in self.model.orders.values()}
        self.model.orders[order.id] = order
        self.check_order(data, order)
        self.last_order = order.id

    def check_order(self, data: dict[str, Any], order: OrderM) -> None:
        expected = {
            "id": order.id,
            "number": order.number,
            "customer_id": order.customer_id,
            "kind": order.kind,
            "status": order.status,
            "delivery_type": order.delivery_type,
            "payment_terms": order.terms,
            "total": money(order.total),
            "delivered_amount": money(order.delivered),
            "outstanding_delivery": money(order.total - order.delivered),
            "placed_on": order.placed_on.isoformat(),
        }
        assert {k: data[k] for k in expected} == expected, data
        deliveries = sorted(
            (d for d in self.model.deliveries.values() if d.order_id == order.id),
            key=lambda d: d.sequence,
        )
        got = sorted(data["deliveries"], key=lambda d: d["sequence"])
        assert got == [
            {
                "id": d.id,
                "sequence": d.sequence,
                "delivered_on": d.on.isoformat(),
                "amount": money(d.amount),
            }
            for d in deliveries
        ], data

    def pick_order(self, which: str, pick: int, statuses: tuple[str, ...]) -> int:
        wanted = sorted(o.id for o in self.model.orders.values() if o.status in statuses)
        if which == "any" or not wanted:
            return choose(sorted(self.model.orders), pick)
        return choose(wanted, pick)

    def open_orders(self) -> list[int]:
        return sorted(o.id for o in self.model.orders.values() if o.status == "open")

    @precondition(lambda self: self.open_orders())
    @rule(pick=picks, amount=amounts, role=anyone)
    def deliver_a_part(self, pick: int, amount: int, role: str) -> None:
        """A part of an open order, delivered today (refused for single/collected ones)."""
        oid = choose(self.open_orders(), pick)
        self.deliver("open", self.open_orders().index(oid), "part", amount, "today", 1, role, False)

    @precondition(lambda self: self.model.orders)
    @rule(
        which=st.sampled_from(["open"] * 5 + ["any"]),
        pick=picks,
        size=st.sampled_from(["rest", "rest", "part", "part", "explicit", "over"]),
        amount=amounts,
        when=st.sampled_from(["today"] * 4 + ["back", "future"]),
        days=st.integers(1, 10),
        role=anyone,
        keyed=st.booleans(),
    )
    def deliver(
        self,
        which: str,
        pick: int,
        size: str,
        amount: int,
        when: str,
        days: int,
        role: str,
        keyed: bool,
    ) -> None:
        oid = self.pick_order(which, pick, ("open",))
        order = self.model.orders[oid]
        remaining = order.total - order.delivered
        wanted: int | None = None
        if size == "explicit" and remaining > 0:
            wanted = remaining
        elif size == "part":
            wanted = 1 + amount % remaining if remaining > 1 else amount
        elif size == "over":
            wanted = remaining + 1
        on = self.date_for(when, days)
        assert on is not None
        body: dict[str, Any] = {}
        if wanted is not None:
            body["amount"] = money(wanted)
        if when != "today":
            body["delivered_on"] = on.isoformat()
        refusals = self.model.delivery_refusals(oid, role, wanted, on, self.today)
        altered = {**body, "amount": money((wanted or remaining) + 2)}
        response = self.post(
            f"/orders/{oid}/deliveries", role, body, keyed, altered, [order.customer_id]
        )
        self.dirty.add(order.customer_id)
        if refusals:
            data = problem(response, refusals, f"delivery {body} of {order} by {role}")
            if data["type"] == "delivery-exceeds-order":
                assert data["remaining"] == money(remaining)
                assert data["requested"] == money(wanted)
            return
        data = success(response, 201, f"delivery {body} of {order} by {role}")
        amount_delivered = remaining if wanted is None else wanted
        if amount_delivered > 0:
            new = [d for d in data["deliveries"] if d["id"] not in self.model.deliveries]
            assert len(new) == 1, data
            sequence = 1 + max(
                (d.sequence for d in self.model.deliveries.values() if d.order_id == oid),
                default=0,
            )
            self.model.deliveries[new[0]["id"]] = DeliveryM(
                id=new[0]["id"],
                order_id=oid,
                customer_id=order.customer_id,
                sequence=sequence,
                on=on,
                amount=amount_delivered,
            )
        order.delivered += amount_delivered
        if order.delivered == order.total:
            order.status = "delivered"
        self.check_order(data, order)

    @precondition(lambda self: self.model.orders)
    @rule(
        which=st.sampled_from(["live"] * 4 + ["any"]),
        pick=picks,
        role=sellers,
        keyed=st.booleans(),
    )
    def cancel(self, which: str, pick: int, role: str, keyed: bool) -> None:
        oid = self.pick_order(which, pick, ("open", "quote"))
        order = self.model.orders[oid]
        response = self.post(
            f"/orders/{oid}/cancel", role, {}, keyed, {"x": 1}, [order.customer_id]
        )
        self.dirty.add(order.customer_id)
        if order.status not in ("open", "quote"):
            problem(response, {(409, "illegal-transition")}, f"cancel {order}")
            return
        data = success(response, 200, f"cancel {order}")
        order.status = "cancelled"
        self.check_order(data, order)
        assert data["closed_on"] == self.today.isoformat()

    @precondition(lambda self: self.model.orders)
    @rule(which=st.sampled_from(["live"] * 3 + ["any"]), pick=picks, role=sellers)
    def consume(self, which: str, pick: int, role: str) -> None:
        oid = self.pick_order(which, pick, ("quote",))
        order = self.model.orders[oid]
        response = self.call("POST", f"/orders/{oid}/consume", role)
        self.dirty.add(order.customer_id)
        if order.status != "quote":
            problem(response, {(409, "illegal-transition")}, f"consume {order}")
            return
        data = success(response, 200, f"consume {order}")
        order.status = "consumed"
        self.check_order(data, order)
        assert data["closed_on"] == self.today.isoformat()

    # --- merges ------------------------------------------------------------------------

    @precondition(lambda self: self.registered())
    @rule(
        survivor_pick=picks,
        source_pick=picks,
        variant=st.sampled_from(["pair"] * 4 + ["self", "quick", "gone", "manager"]),
        keyed=st.booleans(),
    )
    def merge(self, survivor_pick: int, source_pick: int, variant: str, keyed: bool) -> None:
        registered = self.registered()
        survivor = choose(registered, survivor_pick)
        others = [cid for cid in registered if cid != survivor]
        source = choose(others, source_pick) if others else survivor
        if variant == "self":
            source = survivor
        elif variant == "quick":
            source = self.quick_sale_id
        elif variant == "gone" and self.model.gone:
            source = choose(sorted(self.model.gone), source_pick)
        role = "manager" if variant == "manager" else "owner"
        refusal = self.model.merge_refusal(survivor, source, role)
        body = {"source_id": source}
        response = self.post(
            f"/customers/{survivor}/merge",
            role,
            body,
            keyed,
            {"source_id": source + 1000},
            [survivor, source],
        )
        self.dirty.update({survivor, source})
        if refusal is not None:
            problem(response, {refusal}, f"merge {source} into {survivor} by {role}")
            return
        data = success(response, 200, f"merge {source} into {survivor}")
        moved = self.model.merge(survivor, source)
        assert {k: data["moved"][k] for k in moved} == moved, data
        assert data["survivor"]["id"] == survivor
        assert data["survivor"]["balance"] == money(self.model.balance(survivor))
        assert data["survivor"]["total_purchases"] == money(self.model.total_purchases(survivor))

    # --- time and retries --------------------------------------------------------------

    @precondition(lambda self: self.now < START + timedelta(days=MAX_DAYS_AHEAD))
    @rule()
    def next_day(self) -> None:
        # What was "today" is yesterday now: clerks' receipts of that day stop being editable.
        self.now += timedelta(days=1)

    def retryable(self) -> list[KeyedPost]:
        """Keys still alive (they last 48 hours)."""
        return [k for k in self.keyed if self.now < k.at + timedelta(hours=48)]

    @precondition(lambda self: self.retryable())
    @rule(pick=picks, same=st.booleans())
    def retry(self, pick: int, same: bool) -> None:
        record = choose(self.retryable(), pick)
        body = record.body if same else record.altered
        response = self.call("POST", record.path, record.role, json=body, key=record.key)
        # Nothing may change: compare the customers the first request was about (where their
        # records are now, after merges) in full after this step.
        self.dirty.update(self.model.resolve(cid) for cid in record.customers)
        self.last_status = 200
        if not same:
            problem(response, {(422, "idempotency-key-reused")}, f"reused key {record}")
            return
        assert response.status_code == record.status, (record, response.text)
        assert response.headers.get("idempotent-replayed") == "true", record
        assert response.json() == record.response, record

    # --- comparing with the model ------------------------------------------------------

    @invariant()
    def agrees_with_the_model(self) -> None:
        # After a refusal a glance at the customers suffices (the teardown compares all).
        dirty, self.dirty = sorted(self.dirty), set()
        for cid in dirty:
            self.run(self.compare(cid, full=self.last_status < 400))

    def teardown(self) -> None:
        everything = sorted(set(self.model.customers) | self.model.gone)
        for cid in everything:
            self.run(self.compare(cid))
            if cid in self.model.customers:
                self.run(self.compare_statement(cid, financial_only=True))
        self.run(self.ledger_consistent())

    async def ledger_consistent(self) -> None:
        async with self.env.database.sessionmaker() as session:
            differences = await recompute_all(session)
            await session.rollback()
        assert differences == [], differences

    async def compare(self, cid: int, *, full: bool = True) -> None:
        if cid in self.model.gone:
            response = await self._request("GET", f"/customers/{cid}", "owner")
            data = problem(response, {(404, "customer-merged")}, f"merged customer {cid}")
            survivor = self.model.customers[self.model.resolve(cid)]
            assert data["merged_into"]["id"] == survivor.id, (cid, data)
            assert data["merged_into"]["name"] == survivor.name, (cid, data)
            return
        response = await self._request("GET", f"/customers/{cid}", "clerk")
        data = success(response, 200, f"customer {cid}")
        expected = self.model.customer_fields(cid)
        assert {k: data[k] for k in expected} == expected, (data, expected)
        assert response.headers["etag"] == f'"{expected["version"]}"'
        if not full:
            return
        await self.compare_statement(cid, financial_only=False)
        purchases = await self.walk(f"/customers/{cid}/purchases", {"limit": 200})
        assert purchases == self.model.purchases(cid), cid
        # The three meanings agree: the history's amounts are total_purchases, its unpaid
        # parts the debt.
        assert sum(cents(p["delivered_amount"]) for p in purchases) == cents(
            data["total_purchases"]
        ), cid
        assert sum(cents(p["unpaid_amount"]) for p in purchases) == max(
            0, -cents(data["balance"])
        ), cid
        payments = await self.walk(f"/customers/{cid}/payments", {"status": "all", "limit": 100})
        assert [payment_fields(p) for p in payments] == [
            expected_payment(p) for p in self.model.payments_of(cid)
        ], cid

    async def walk(self, path: str, params: dict[str, Any]) -> list[dict[str, Any]]:
        items: list[dict[str, Any]] = []
        cursor = None
        while True:
            query = dict(params) if cursor is None else {**params, "cursor": cursor}
            response = await self._request("GET", path, "manager", params=query)
            page = success(response, 200, path)
            items.extend(page["items"])
            cursor = page["next_cursor"]
            if cursor is None:
                return items

    async def compare_statement(self, cid: int, *, financial_only: bool) -> None:
        """Every page, back to the oldest: the rows and running balances of the model, and
        each page's totals from its oldest row to the newest row of the statement."""
        expected = self.model.statement(cid, financial_only=financial_only)
        rows: list[dict[str, Any]] = []
        cursor = None
        received = delivered = returned = 0
        while True:
            params: dict[str, Any] = {
                "limit": self.page_limit,
                "financial_only": str(financial_only).lower(),
            }
            if cursor is not None:
                params["cursor"] = cursor
            response = await self._request(
                "GET", f"/customers/{cid}/statement", "clerk", params=params
            )
            page = success(response, 200, f"statement of {cid}")
            entries = page["entries"]
            assert len(entries) <= self.page_limit
            rows.extend(entries)
            for entry in entries:
                received += cents(entry["credit"] or "0")
                if entry["type"] == "returned_cheque":
                    returned += cents(entry["debit"])
                else:
                    delivered += cents(entry["debit"] or "0")
            assert page["total_received"] == money(received), page
            assert page["total_delivered"] == money(delivered), page
            assert page["total_returned"] == money(returned), page
            if entries:
                assert page["period"] == {
                    "from": entries[-1]["date"],
                    "to": expected[0]["date"],
                }, page
            cursor = page["next_cursor"]
            if cursor is None:
                break
            assert entries, page
        assert rows == expected, (cid, financial_only)


def cents(text_amount: str) -> int:
    negative = text_amount.startswith("-")
    units, _, fraction = text_amount.lstrip("-").partition(".")
    value = int(units) * 100 + int(fraction.ljust(2, "0"))
    return -value if negative else value


def payment_fields(data: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": data["id"],
        "customer_id": data["customer_id"],
        "recorded_by": data["recorded_by"]["id"],
        "method": data["method"],
        "amount": data["amount"],
        "received_on": data["received_on"],
        "due_date": data["due_date"],
        "order_number": data["order_number"],
        "version": data["version"],
        "cheque": None
        if data["cheque"] is None
        else {k: data["cheque"][k] for k in ("status", "deposited_on", "returned_on")},
    }


def expected_payment(payment: PaymentM) -> dict[str, Any]:
    return {
        "id": payment.id,
        "customer_id": payment.customer_id,
        "recorded_by": payment.recorded_by,
        "method": payment.method,
        "amount": money(payment.amount),
        "received_on": None if payment.received_on is None else payment.received_on.isoformat(),
        "due_date": payment.due_date.isoformat(),
        "order_number": payment.order_number,
        "version": payment.version,
        "cheque": None
        if payment.cheque_status is None
        else {
            "status": payment.cheque_status,
            "deposited_on": iso(payment.deposited_on),
            "returned_on": iso(payment.returned_on),
        },
    }


def iso(day: date | None) -> str | None:
    return None if day is None else day.isoformat()


assert set(ROLES) >= PRIVILEGED


class ChequeLedgerMachine(LedgerMachine):
    """The same machine with cheques weighted up: every rule stays (merges, edits, deliveries,
    the clock, retries), and cheques are recorded and stepped through their lifecycle about
    four times as often."""

    @precondition(lambda self: self.registered())
    @rule(
        pick=picks,
        amount=amounts,
        when=st.sampled_from(["back", "back", "today", "pending"]),
        days=days_back,
        predated=st.integers(-40, 3),
        role=st.sampled_from(["manager", "owner", "clerk"]),
        keyed=st.booleans(),
    )
    def another_cheque(self, **drawn: Any) -> None:
        self.pay_by_cheque(**drawn)

    @precondition(lambda self: self.model.payments)
    @rule(
        pick=picks,
        action=st.sampled_from(["deposit", "deposit", "clear", "return", "return"]),
        role=st.sampled_from(["manager", "owner", "clerk", "pos"]),
        when=st.sampled_from(["today", "back", "back", "future"]),
        days=st.integers(0, 25),
        keyed=st.booleans(),
    )
    def another_step(self, **drawn: Any) -> None:
        self.cheque_step(which="cheque", **drawn)

    @precondition(lambda self: self.model.payments)
    @rule(
        pick=picks,
        action=st.sampled_from(["deposit", "clear", "return"]),
        when=st.sampled_from(["today", "back"]),
        days=st.integers(0, 10),
    )
    def a_manager_step(self, pick: int, action: str, when: str, days: int) -> None:
        self.cheque_step("cheque", pick, action, "manager", when, days, keyed=False)

    def bounceable(self) -> list[int]:
        return sorted(
            p.id
            for p in self.model.payments.values()
            if p.cheque_status in ("held", "deposited") and p.received_on is not None
        )

    @precondition(lambda self: self.bounceable())
    @rule(pick=picks, deposit_after=st.integers(0, 30), return_after=st.integers(0, 30))
    def bounce(self, pick: int, deposit_after: int, return_after: int) -> None:
        """A manager deposits a received cheque some days after it could be, and records its
        return some days after that (backdated as far as the deposit): dates past today are
        refused, the rest debit the balance on the return date."""
        payment = self.model.payments[choose(self.bounceable(), pick)]
        assert payment.predated_to is not None and payment.received_on is not None
        if payment.cheque_status == "held":
            earliest = max(payment.predated_to, payment.received_on)
            deposit_on = min(earliest + timedelta(days=deposit_after), self.today)
            self.step_cheque(payment.id, "deposit", "manager", deposit_on, keyed=False)
        if payment.cheque_status == "deposited":
            assert payment.deposited_on is not None
            return_on = min(payment.deposited_on + timedelta(days=return_after), self.today)
            self.step_cheque(payment.id, "return", "manager", return_on, keyed=False)


def test_ledger_agrees_with_the_model(migrated: str) -> None:
    """The API and the model agree after every step of every example."""
    run_machine(LedgerMachine, SETTINGS)


def test_cheque_lifecycle_agrees_with_the_model(migrated: str) -> None:
    """The same, with cheques recorded, deposited, cleared and returned (backdated returns
    included) in most steps: balances, statement pages, purchase histories, payments."""
    run_machine(ChequeLedgerMachine, settings(SETTINGS, max_examples=15))


def run_machine(machine: type[LedgerMachine], chosen: settings) -> None:
    global ENV
    from custledger.app import create_app

    loop = asyncio.new_event_loop()
    previous = kit_db._database
    database = Database()
    kit_db.set_database(database)
    transport = httpx.ASGITransport(app=create_app())
    client = httpx.AsyncClient(transport=transport, base_url="http://testserver")
    ENV = Env(loop, database, client)
    try:
        run_state_machine_as_test(machine, settings=chosen)
    finally:
        ENV = None
        loop.run_until_complete(client.aclose())
        loop.run_until_complete(database.dispose())
        loop.close()
        kit_db.set_database(previous)


async def test_ids_of_merged_customers_and_deleted_payments_are_not_reused(
    client: httpx.AsyncClient, owner: Any
) -> None:
    """Found by the model test: a merged-away customer's id must keep naming nothing (its
    audit history stays readable under it), and a deleted payment's id likewise."""
    headers = owner.headers
    survivor = (await client.post(f"{API}/customers", json={"name": "A"}, headers=headers)).json()
    source = (await client.post(f"{API}/customers", json={"name": "B"}, headers=headers)).json()
    merged = await client.post(
        f"{API}/customers/{survivor['id']}/merge", json={"source_id": source["id"]}, headers=headers
    )
    assert merged.status_code == 200, merged.text
    payment = await client.post(
        f"{API}/customers/{survivor['id']}/payments",
        json={"method": "CASH", "amount": "1.00"},
        headers=headers,
    )
    assert payment.status_code == 201, payment.text
    deleted = await client.delete(f"{API}/payments/{payment.json()['id']}", headers=headers)
    assert deleted.status_code == 204, deleted.text

    new_customer = await client.post(f"{API}/customers", json={"name": "C"}, headers=headers)
    new_payment = await client.post(
        f"{API}/customers/{survivor['id']}/payments",
        json={"method": "CASH", "amount": "2.00"},
        headers=headers,
    )
    assert new_customer.json()["id"] != source["id"]
    assert new_payment.json()["id"] != payment.json()["id"]
