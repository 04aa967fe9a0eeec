"""PostgreSQL stopped and started again under load, the app left running.

Eight clients post payments in a steady loop, each with its own ``Idempotency-Key``; midway the
private cluster is stopped (``fast``: sessions terminated and rolled back; ``immediate``: the
server killed without a checkpoint, crash recovery on the next start), stays down for two
seconds and is started again. A client answered 503 sends the same request with the same key
again until it is accepted. Afterwards: only 201 (or its replay) and 503 problems were answered,
the service recovered by itself within seconds, every key made exactly one payment, every
stored balance equals the derived one, and no connection is left idle in a transaction.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections import Counter
from dataclasses import dataclass, field

import pytest
from sqlalchemy import text

from custledger.balance.service import recompute_all
from custledger.kit import clock
from tests.faults.conftest import PrivateApp, idle_in_transaction_on
from tests.payments.support import API, make_customer

pytestmark = pytest.mark.postgres

CLIENTS = 8
CUSTOMERS = 3
STEADY_SECONDS = 1.0  # load before the stop
DOWN_SECONDS = 2.0
SUCCESSES_AFTER_RESTART = 3  # per client, before the load stops
RETRY_PAUSE = 0.05  # after a 503: short, to measure the recovery closely
IN_FLIGHT_PAUSE = 0.5  # after a 409 idempotency-key-in-flight
RECOVERY_LIMIT = 5.0  # seconds from "server started" to every client being served again
LOAD_WINDOW = 10.0  # seconds after the start before the load stops whatever happened


@dataclass
class Answer:
    at: float
    client: int
    key: str
    status: int
    content_type: str
    problem_type: str | None
    replayed: bool


@dataclass
class Load:
    answers: list[Answer] = field(default_factory=list)
    accepted: dict[str, tuple[int, int, int]] = field(default_factory=dict)  # key: id, cust, ¢
    unfinished: dict[str, str] = field(default_factory=dict)  # key: its last answer
    stopped_at: float = 0.0
    down_at: float = 0.0
    started_at: float = 0.0


async def run_load(app: PrivateApp, customers: list[int], mode: str) -> Load:
    load = Load()
    done = asyncio.Event()
    successes_after: Counter[int] = Counter()
    today = clock.today().isoformat()

    async def client_loop(n: int) -> None:
        i = 0
        while not done.is_set():
            i += 1
            key = f"restart-{mode}-{n}-{i}"
            customer = customers[(n + i) % len(customers)]
            cents = 100 + 1000 * n + i
            body = {
                "method": "CASH",
                "amount": f"{cents // 100}.{cents % 100:02d}",
                "received_on": today,
            }
            headers = app.owner_headers | {"Idempotency-Key": key}
            while True:
                r = await app.client.post(
                    f"{API}/customers/{customer}/payments", json=body, headers=headers
                )
                now = time.monotonic()
                content_type = r.headers.get("content-type", "")
                problem = r.json().get("type") if "problem+json" in content_type else None
                load.answers.append(
                    Answer(
                        now,
                        n,
                        key,
                        r.status_code,
                        content_type,
                        problem,
                        r.headers.get("idempotent-replayed") == "true",
                    )
                )
                if r.status_code in (200, 201):
                    load.accepted[key] = (int(r.json()["id"]), customer, cents)
                    if load.started_at and now > load.started_at:
                        successes_after[n] += 1
                    break
                if done.is_set():
                    load.unfinished[key] = f"{r.status_code} {problem}"
                    return
                if r.status_code == 503:
                    await asyncio.sleep(RETRY_PAUSE)
                elif problem == "idempotency-key-in-flight":
                    await asyncio.sleep(IN_FLIGHT_PAUSE)
                else:  # anything else: the same request again would not help
                    load.unfinished[key] = f"{r.status_code} {problem}"
                    break

    async def outage() -> None:
        await asyncio.sleep(STEADY_SECONDS)
        load.stopped_at = time.monotonic()
        await asyncio.to_thread(app.cluster.stop, mode)
        load.down_at = time.monotonic()
        await asyncio.sleep(DOWN_SECONDS)
        await asyncio.to_thread(app.cluster.start)
        load.started_at = time.monotonic()
        deadline = load.started_at + LOAD_WINDOW
        while time.monotonic() < deadline:
            if all(successes_after[n] >= SUCCESSES_AFTER_RESTART for n in range(CLIENTS)):
                break
            await asyncio.sleep(0.05)
        done.set()

    await asyncio.gather(outage(), *(client_loop(n) for n in range(CLIENTS)))
    return load


def recovery_seconds(load: Load) -> list[float]:
    """Per client: from "server started" to its first accepted request (inf: never)."""
    return [
        min(
            (
                a.at - load.started_at
                for a in load.answers
                if a.client == n and a.at > load.started_at and a.status < 300
            ),
            default=float("inf"),
        )
        for n in range(CLIENTS)
    ]


def describe(load: Load) -> str:
    statuses = Counter(a.status for a in load.answers)
    after = [a for a in load.answers if a.at > load.started_at]
    recovery = recovery_seconds(load)
    return (
        f"answers {dict(sorted(statuses.items()))}; accepted keys {len(load.accepted)}; "
        f"stop took {load.down_at - load.stopped_at:.2f}s; after the start: first 201 in "
        f"{min(recovery):.3f}s, every client served within {max(recovery):.3f}s, "
        f"{sum(1 for a in after if a.status == 503)} more 503s; unfinished {load.unfinished}"
    )


async def check_database(app: PrivateApp, load: Load, customers: list[int]) -> None:
    async with app.database.sessionmaker() as s:
        rows = (await s.execute(text("SELECT id, customer_id, amount FROM payments"))).all()
        keys = (
            await s.execute(
                text(
                    "SELECT key, state, status_code, response_body FROM idempotency_keys "
                    "WHERE principal_id = :p"
                ),
                {"p": app.owner_id},
            )
        ).all()
        balances = dict(
            (
                await s.execute(
                    text("SELECT id, balance FROM customers WHERE id = ANY(:ids)"),
                    {"ids": customers},
                )
            ).all()
        )
        await s.rollback()
        differences = await recompute_all(s)
        await s.rollback()

    # Each accepted key made exactly one payment, the one its response named; nothing else.
    payments = {int(r.id): (int(r.customer_id), int(r.amount)) for r in rows}
    assert len(rows) == len(load.accepted), (len(rows), len(load.accepted))
    assert payments == {pid: (c, cents) for pid, c, cents in load.accepted.values()}
    # One completed reservation per accepted key, storing that same payment; none in flight.
    assert sorted(k.key for k in keys) == sorted(load.accepted)
    for k in keys:
        assert k.state == "completed", (k.key, k.state)
        assert json.loads(bytes(k.response_body))["id"] == load.accepted[k.key][0]
    for customer in customers:
        expected = sum(cents for _, c, cents in load.accepted.values() if c == customer)
        assert balances[customer] == expected, (customer, balances[customer], expected)
    assert differences == []


def expected(answer: Answer) -> bool:
    """201, its replay, or a 503 problem: what a client of a restarting database may see."""
    if answer.status == 201 or (answer.status == 200 and answer.replayed):
        return True
    return (
        answer.status == 503
        and answer.content_type.startswith("application/problem+json")
        and answer.problem_type == "service-unavailable"
    )


@pytest.mark.parametrize("mode", ["fast", "immediate"])
async def test_a_database_restart_under_load_loses_nothing_and_recovers(
    private_app: PrivateApp, mode: str
) -> None:
    async with private_app.database.sessionmaker() as s:
        customers = [await make_customer(s, f"Restart {mode} {n}") for n in range(CUSTOMERS)]

    load = await run_load(private_app, customers, mode)
    summary = f"[{mode}] {describe(load)}"
    print(summary)  # the recovery time, for the run's log

    # The outage was real: requests were refused while the server was down.
    outage = [a for a in load.answers if load.down_at <= a.at <= load.started_at]
    assert any(a.status == 503 for a in outage), summary
    # Only documented answers, and every request accepted in the end.
    unexpected = Counter((a.status, a.problem_type) for a in load.answers if not expected(a))
    assert not unexpected and not load.unfinished, (summary, unexpected)
    # The service answered again by itself, for every client.
    assert max(recovery_seconds(load)) < RECOVERY_LIMIT, summary

    await check_database(private_app, load, customers)
    assert await idle_in_transaction_on(private_app.cluster.url()) == []
    assert private_app.database.engine.pool.checkedout() == 0
