"""Deeper fuzzing (`make fuzz`, never part of `make test`): Schemathesis against a real server.

1. A fresh PostgreSQL database, migrated; an owner, a manager, a clerk and a POS client made
   with the CLI; `custledger serve` on a free loopback port; the four tokens from
   `POST /auth/token` (the real logins).
2. For each principal, `st run` over the served OpenAPI document: every operation, at least
   ``--examples`` cases each in the examples, coverage and fuzzing phases, then the stateful
   phase, which follows the document's links (create a customer -> read, edit with its ETag,
   delete, pay, cheque batch, order, merge; a payment -> read, edit, delete; an order ->
   deliver, cancel, consume). Every check but `positive_data_acceptance` (the 422s of rules
   JSON Schema cannot state; tests/fuzz/test_schemathesis.py runs it with the list of those).
3. The cheque batch, for real: its schema (a pattern per field, 1 to 50 cheques) makes the
   generator throw away almost every draw, so Schemathesis barely sends one. Here a strategy
   builds batches of cheques that pass the schema (CPF and CNPJ with and without valid check
   digits, any text for the bank fields, dates around today, amounts from a cent to the
   maximum, repeated cheques within a batch and across batches) and each response goes
   through Schemathesis' checks against the document; a 201 must hold one payment per
   cheque, and any refusal must leave the customer's payments as they were.

Prints the figures (cases, failures, seconds) and writes them to
``var/fuzz/summary-<roles>.json``; exits non-zero on any failure. ``--roles pos`` runs one
principal: four runs of one role each, side by side, finish sooner on a busy machine.
Loopback only; the database is dropped at the end.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import secrets
import socket
import subprocess
import sys
import time
from collections.abc import Awaitable, Callable
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import httpx
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis.specs.openapi.checks import positive_data_acceptance
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import create_async_engine

from custledger.orders.schemas import MAX_ORDER_NUMBER

ROOT = Path(__file__).resolve().parents[2]
OUT = ROOT / "var" / "fuzz"
BIN = Path(sys.executable).parent
HOST = "127.0.0.1"
ADMIN_URL = os.environ.get(
    "CUSTLEDGER_TEST_DATABASE_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432/postgres"
)
PASSWORD = "fuzz-password-" + secrets.token_hex(6)
CHECKS_EXCLUDED = "positive_data_acceptance"
PHASES = "examples,coverage,fuzzing,stateful"


async def _patiently(work: Callable[[], Awaitable[None]]) -> None:
    """The runner's own connections (not the server's) wait out a shared PostgreSQL at its
    `max_connections` ("too many clients": other test runs come and go) for up to two
    minutes, so a busy machine does not lose a principal's figures."""
    for attempt in range(60):
        try:
            await work()
            return
        except DBAPIError as error:
            if "too many clients" not in str(error) or attempt == 59:
                raise
            await asyncio.sleep(2)


async def _admin(sql: str) -> None:
    async def work() -> None:
        engine = create_async_engine(ADMIN_URL, isolation_level="AUTOCOMMIT")
        try:
            async with engine.connect() as connection:
                await connection.execute(text(sql))
        finally:
            await engine.dispose()

    await _patiently(work)


async def restore_principals(url: str) -> None:
    await _patiently(lambda: _restore_principals(url))


async def _restore_principals(url: str) -> None:
    """The fuzzed owner may have demoted, moved or deactivated any principal (its own
    included): the four fuzzing principals get their role, store and access back."""
    from custledger.auth.roles import ROLE_PERMISSIONS, Role

    engine = create_async_engine(url)
    try:
        async with engine.begin() as connection:
            store = await connection.scalar(text("SELECT id FROM stores WHERE code = 'MAIN'"))
            for role, where in (
                ("owner", "username = 'fuzz-owner'"),
                ("manager", "username = 'fuzz-manager'"),
                ("clerk", "username = 'fuzz-clerk'"),
                ("pos-terminal", "client_id = :client"),
            ):
                await connection.execute(
                    text(
                        "UPDATE principals SET role = :role, permissions = :permissions, "
                        "store_id = :store, active = true, failed_logins = 0, "
                        f"throttled_until = NULL WHERE {where}"
                    ),
                    {
                        "role": role,
                        "permissions": json.dumps(sorted(ROLE_PERMISSIONS[Role(role)])),
                        "store": store,
                        "client": POS_CLIENT[0],
                    },
                )
    finally:
        await engine.dispose()


POS_CLIENT: list[str] = []


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return int(s.getsockname()[1])


def cli(env: dict[str, str], *args: str, stdin: str | None = None) -> str:
    """Our CLI; like the runner's own connections, it waits out "too many clients"."""
    for attempt in range(60):
        done = subprocess.run(  # noqa: S603 - our own CLI
            [str(BIN / "custledger"), *args],
            env=env,
            input=stdin,
            capture_output=True,
            text=True,
            cwd=ROOT,
        )
        if done.returncode == 0:
            return done.stdout
        if "too many clients" not in done.stderr or attempt == 59:
            sys.stderr.write(done.stderr)
            done.check_returncode()
        time.sleep(2)
    raise AssertionError("unreachable")


def tokens(base: str, client: dict[str, str]) -> dict[str, str]:
    found = {}
    for role in ("owner", "manager", "clerk"):
        form = {"grant_type": "password", "username": f"fuzz-{role}", "password": PASSWORD}
        r = httpx.post(f"{base}/api/v1/auth/token", data=form, timeout=30)
        r.raise_for_status()
        found[role] = r.json()["access_token"]
    form = {"grant_type": "client_credentials", **client}
    r = httpx.post(f"{base}/api/v1/auth/token", data=form, timeout=30)
    r.raise_for_status()
    found["pos"] = r.json()["access_token"]
    return found


def seed(base: str, owner: str) -> list[int]:
    """A few records with small ids, so generated ids sometimes name real ones."""
    headers = {"Authorization": f"Bearer {owner}"}
    ids = []
    with httpx.Client(base_url=base, headers=headers, timeout=30) as c:
        for name in ("Ana Souza", "Bruno Lima", "Carla Dias"):
            r = c.post("/api/v1/customers", json={"name": name, "credit_limit": "5000.00"})
            r.raise_for_status()
            ids.append(r.json()["id"])
        c.post(f"/api/v1/customers/{ids[0]}/payments", json={"method": "CASH", "amount": "10.00"})
        c.post(
            "/api/v1/orders",
            json={
                "customer_id": ids[1],
                "kind": "order",
                "delivery_type": "partial",
                "total": "100.00",
                "payment_terms": "credit",
            },
        ).raise_for_status()
    return ids


def run_schemathesis(base: str, role: str, token: str, examples: int, seed_: int) -> dict[str, Any]:
    report = OUT / f"st-{role}"
    report.mkdir(parents=True, exist_ok=True)
    argv = [
        str(BIN / "st"),
        "run",
        f"{base}/api/v1/openapi.json",
        "--url",
        base,
        "-H",
        f"Authorization: Bearer {token}",
        "--max-examples",
        str(examples),
        "--phases",
        PHASES,
        "--checks",
        "all",
        "--exclude-checks",
        CHECKS_EXCLUDED,
        "--workers",
        "1",
        "--seed",
        str(seed_),
        "--suppress-health-check",
        "all",
        "--continue-on-failure",
        "--request-timeout",
        "30",
        "--report",
        "junit",
        "--report-dir",
        str(report),
        "--output-sanitize",
        "true",
    ]
    started = time.monotonic()
    done = subprocess.run(argv, capture_output=True, text=True, cwd=ROOT)  # noqa: S603
    seconds = time.monotonic() - started
    (report / "output.txt").write_text(done.stdout + done.stderr)
    return {
        "role": role,
        "exit_code": done.returncode,
        "seconds": round(seconds, 1),
        "summary": _summary_lines(done.stdout),
    }


def _summary_lines(output: str) -> list[str]:
    """The run's own summary: the lines after its 'SUMMARY' banner."""
    lines = output.splitlines()
    for index, line in enumerate(lines):
        if "SUMMARY" in line:
            return [entry for entry in lines[index + 1 :] if entry.strip()][:40]
    return lines[-40:]


# --------------------------------------------------------------------------------------------
# The cheque batch.
# --------------------------------------------------------------------------------------------


def _check_digit(digits: list[int], weights: list[int]) -> int:
    rest = sum(d * w for d, w in zip(digits, weights, strict=True)) % 11
    return 0 if rest < 2 else 11 - rest


@st.composite
def cpf(draw: st.DrawFn) -> str:
    base = draw(st.lists(st.integers(0, 9), min_size=9, max_size=9))
    first = _check_digit(base, list(range(10, 1, -1)))
    second = _check_digit([*base, first], list(range(11, 1, -1)))
    digits = [*base, first, second]
    if draw(st.integers(0, 9)) == 0:  # now and then a wrong check digit: a 422
        digits[-1] = (digits[-1] + 1) % 10
    raw = "".join(map(str, digits))
    if draw(st.booleans()):
        return f"{raw[:3]}.{raw[3:6]}.{raw[6:9]}-{raw[9:]}"
    return raw


@st.composite
def cnpj(draw: st.DrawFn) -> str:
    base = draw(st.lists(st.integers(0, 9), min_size=12, max_size=12))
    first = _check_digit(base, [5, 4, 3, 2, 9, 8, 7, 6, 5, 4, 3, 2])
    second = _check_digit([*base, first], [6, 5, 4, 3, 2, 9, 8, 7, 6, 5, 4, 3, 2])
    digits = [*base, first, second]
    if draw(st.integers(0, 9)) == 0:
        digits[-1] = (digits[-1] + 1) % 10
    raw = "".join(map(str, digits))
    if draw(st.booleans()):
        return f"{raw[:2]}.{raw[2:5]}.{raw[5:8]}/{raw[8:12]}-{raw[12:]}"
    return raw


# No control characters (the schema's pattern), anything else: accents, emoji, quotes.
TEXT = st.characters(exclude_categories=("Cc", "Cs"))


def field_text(max_size: int) -> st.SearchStrategy[str]:
    return st.one_of(
        st.text(alphabet="0123456789", min_size=1, max_size=max_size),
        st.text(alphabet=TEXT, min_size=1, max_size=max_size),
    )


@st.composite
def money(draw: st.DrawFn) -> str:
    cents = draw(st.one_of(st.integers(1, 100_000_00), st.sampled_from([1, 99, 100, 10**15 - 1])))
    return f"{cents // 100}.{cents % 100:02d}"


def around_today(days: int) -> st.SearchStrategy[str]:
    today = date.today()
    return st.integers(-days, days).map(lambda n: (today + timedelta(days=n)).isoformat())


@st.composite
def cheque(draw: st.DrawFn) -> dict[str, Any]:
    body: dict[str, Any] = {
        "predated_to": draw(around_today(400)),
        "issuer_tax_id": draw(st.one_of(cpf(), cnpj())),
        "issuer_name": draw(field_text(200)),
        "bank": draw(field_text(10)),
        "branch": draw(field_text(10)),
        "account": draw(field_text(20)),
        "cheque_number": draw(field_text(20)),
        "amount": draw(money()),
    }
    if draw(st.booleans()):
        body["received_on"] = draw(st.one_of(st.none(), around_today(30)))
    if draw(st.booleans()):
        body["details"] = draw(st.one_of(st.none(), st.text(alphabet=TEXT, max_size=200)))
    return body


SEEN: list[dict[str, Any]] = []  # cheques of earlier batches, to repeat some


@st.composite
def batch(draw: st.DrawFn) -> dict[str, Any]:
    cheques = draw(st.lists(cheque(), min_size=1, max_size=50))
    # A cheque already recorded (a 409). Draws never depend on how many were recorded, so
    # a case replays the same way.
    repeat, slot, pick = draw(st.integers(0, 4)), draw(st.integers(0, 49)), draw(st.integers())
    if SEEN and repeat == 0:
        cheques[slot % len(cheques)] = SEEN[pick % len(SEEN)]
    if len(cheques) > 1 and draw(st.integers(0, 9)) == 0:  # the same cheque twice in one batch
        cheques[-1] = dict(cheques[0])
    body: dict[str, Any] = {"cheques": cheques}
    if draw(st.booleans()):
        body["order_number"] = draw(st.integers(1, MAX_ORDER_NUMBER))
    if draw(st.booleans()):
        body["due_date"] = draw(around_today(60))
    return body


def fuzz_cheque_batch(
    base: str, role_tokens: dict[str, str], owner_token: str, customer_id: int, examples: int
) -> dict[str, Any]:
    schema = schemathesis.openapi.from_url(f"{base}/api/v1/openapi.json")
    operation = schema["/api/v1/customers/{customer_id}/payments/cheque-batch"]["POST"]
    statuses: dict[str, int] = {}
    failures: list[str] = []
    sent = 0
    started = time.monotonic()

    def payments_of(client: httpx.Client) -> int:
        count = 0
        cursor = None
        while True:
            params: dict[str, Any] = {"limit": 100, "status": "all"}
            if cursor:
                params["cursor"] = cursor
            r = client.get(f"/api/v1/customers/{customer_id}/payments", params=params)
            r.raise_for_status()
            page = r.json()
            count += len(page["items"])
            cursor = page.get("next_cursor")
            if not cursor:
                return count

    owner = httpx.Client(
        base_url=base, headers={"Authorization": f"Bearer {owner_token}"}, timeout=60
    )

    def fuzz_as(role: str, headers: dict[str, str]) -> None:

        @settings(
            max_examples=examples,
            deadline=None,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        @given(body=batch())
        def one(body: dict[str, Any]) -> None:
            try:
                check_one(body)
            except Exception as error:  # an unexpected answer or a broken connection
                failures.append(f"{role}: {type(error).__name__}: {str(error)[:500]}")

        def check_one(body: dict[str, Any]) -> None:
            nonlocal sent
            case = operation.Case(path_parameters={"customer_id": customer_id}, body=body)
            before = payments_of(owner)
            response = case.call(base_url=base, headers=headers, timeout=60)
            sent += 1
            key = f"{role} {response.status_code}"
            statuses[key] = statuses.get(key, 0) + 1
            try:
                # Not `positive_data_acceptance`: a CPF with a wrong check digit passes the
                # schema and is a documented 422.
                case.validate_response(
                    response, headers=headers, excluded_checks=[positive_data_acceptance]
                )
            except Exception as failure:  # every check's failure, recorded and counted
                failures.append(f"{role}: {type(failure).__name__}: {str(failure)[:500]}")
                return
            after = payments_of(owner)
            if response.status_code == 201:
                if len(response.json()["items"]) != len(body["cheques"]) or after != before + len(
                    body["cheques"]
                ):
                    failures.append(f"{role}: 201 without one payment per cheque: {body}")
                SEEN.extend(body["cheques"][:3])
            elif after != before:
                failures.append(f"{role}: {response.status_code} changed the payments: {body}")

        one()

    for role, token in role_tokens.items():
        fuzz_as(role, {"Authorization": f"Bearer {token}"})
    owner.close()
    return {
        "operation": "POST /api/v1/customers/{customer_id}/payments/cheque-batch",
        "cases": sent,
        "statuses": dict(sorted(statuses.items())),
        "failures": failures,
        "seconds": round(time.monotonic() - started, 1),
    }


# --------------------------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--examples", type=int, default=100, help="Cases per operation.")
    parser.add_argument("--batch-examples", type=int, default=150, help="Cheque batches/role.")
    parser.add_argument("--seed", type=int, default=20261204)
    parser.add_argument("--roles", default="owner,manager,clerk,pos")
    parser.add_argument("--batch-only", action="store_true", help="Only the cheque batch.")
    args = parser.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    database = f"custledger_fuzz_{os.getpid()}_{secrets.token_hex(3)}"
    url = ADMIN_URL.rpartition("/")[0] + "/" + database
    port = free_port()
    base = f"http://{HOST}:{port}"
    env = dict(
        os.environ,
        CUSTLEDGER_DATABASE_URL=url,
        CUSTLEDGER_ENVIRONMENT="test",
        CUSTLEDGER_LOG_LEVEL="WARNING",
        CUSTLEDGER_TOKEN_TTL_MINUTES="600",
        # The budgets are tested in tests/operations; here they would only hide operations.
        CUSTLEDGER_RATE_LIMIT_PER_SECOND="1000000",
        CUSTLEDGER_RATE_LIMIT_BURST="1000000",
        CUSTLEDGER_CLIENT_RATE_LIMIT_PER_SECOND="1000000",  # the tills' own budget
        CUSTLEDGER_CLIENT_RATE_LIMIT_BURST="1000000",
        CUSTLEDGER_LOGIN_RATE_LIMIT_PER_SECOND="1000000",
        CUSTLEDGER_LOGIN_RATE_LIMIT_BURST="1000000",
    )
    asyncio.run(_admin(f'CREATE DATABASE "{database}"'))
    server = None
    label = args.roles.replace(",", "-")
    log = (OUT / f"server-{label}.log").open("w")
    try:
        cli(env, "migrate")
        # Small ids are drawn most often: spare users take them, so a generated
        # `PATCH /users/{id}` seldom lands on a principal that is fuzzing.
        for n in range(8):
            cli(env, "create-user", f"spare-{n}", "--role", "clerk", "--password-stdin",
                stdin=PASSWORD + "\n")  # fmt: skip
        for role in ("owner", "manager", "clerk"):
            cli(env, "create-user", f"fuzz-{role}", "--role", role, "--password-stdin",
                stdin=PASSWORD + "\n")  # fmt: skip
        client = json.loads(cli(env, "create-api-client", "fuzz-pos", "--json"))
        POS_CLIENT.append(client["client_id"])
        server = subprocess.Popen(  # noqa: S603 - our own server
            [str(BIN / "custledger"), "serve", "--host", HOST, "--port", str(port)],
            env=env,
            cwd=ROOT,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(f"{base}/healthz", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                if time.monotonic() > deadline or server.poll() is not None:
                    raise SystemExit("the server did not start: var/fuzz/server-*.log") from None
                time.sleep(0.5)
        role_tokens = tokens(base, client)
        seed(base, role_tokens["owner"])
        roles = [role for role in args.roles.split(",") if role]
        started = time.monotonic()
        runs = []
        for role in roles if not args.batch_only else []:
            asyncio.run(restore_principals(url))
            runs.append(run_schemathesis(base, role, role_tokens[role], args.examples, args.seed))
        asyncio.run(restore_principals(url))
        customer = seed(base, role_tokens["owner"])[0]  # a fresh one for the batches
        batches = fuzz_cheque_batch(
            base,
            {r: role_tokens[r] for r in roles},
            role_tokens["owner"],
            customer,
            args.batch_examples,
        )
        with httpx.Client(timeout=10) as c:
            health = c.get(f"{base}/readyz").status_code
        summary = {
            "examples_per_operation": args.examples,
            "seed": args.seed,
            "runs": runs,
            "cheque_batch": batches,
            "readyz_after": health,
            "seconds": round(time.monotonic() - started, 1),
        }
        (OUT / f"summary-{label}.json").write_text(json.dumps(summary, indent=2))
        print(json.dumps(summary, indent=2))
        failed = any(run["exit_code"] != 0 for run in runs) or bool(batches["failures"])
        sys.exit(1 if failed else 0)
    finally:
        if server is not None and server.poll() is None:
            server.terminate()
            try:
                server.wait(timeout=20)
            except subprocess.TimeoutExpired:
                server.kill()
        log.close()
        asyncio.run(_admin(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)'))


if __name__ == "__main__":
    main()
