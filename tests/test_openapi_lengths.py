"""Every text field at the longest the OpenAPI document allows, and one character longer.

For each create and update operation with a JSON body (POST/PATCH/PUT) and each string field
with a ``maxLength`` anywhere in that body (nested objects and list items included), a valid
body gets that field at its longest, in characters its ``pattern`` allows: the answer is a
success or a 4xx problem, never a 5xx (a value the schema allows that no longer fits a column,
or anything derived from it). At the longest + 1 the answer is a 422 naming the field.

The operations and fields come from the document, so a new field or operation is covered
without editing this file; a new operation needs a valid body below (``BODIES``), and the test
that lists the operations fails until it has one. Run on both backends: only PostgreSQL
enforces a VARCHAR's width, so ``test_every_text_column_is_as_wide_as_its_field`` checks the
widths against the models as well.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from sqlalchemy import String

from custledger.app import create_app
from custledger.auth.models import PrincipalRow
from custledger.customers.models import Customer
from custledger.kit import clock
from custledger.kit.db import Base
from custledger.orders.models import Order
from custledger.payments.models import Cheque, Payment
from custledger.stores.models import Store

API = "/api/v1"
WRITES = ("post", "patch", "put")


def _document() -> dict[str, Any]:
    return create_app().openapi()


def _resolve(schema: dict[str, Any], components: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        schema = components[schema["$ref"].rsplit("/", 1)[1]]
    return schema


def _text_fields(
    schema: dict[str, Any], components: dict[str, Any], path: tuple[str, ...] = ()
) -> Iterator[tuple[tuple[str, ...], int, str | None]]:
    """(path, maxLength, pattern) of every bounded string field; a list item's path has
    ``0`` for its index."""
    schema = _resolve(schema, components)
    for key in ("anyOf", "oneOf", "allOf"):
        for option in schema.get(key, []):
            yield from _text_fields(option, components, path)
    for name, sub in schema.get("properties", {}).items():
        yield from _text_fields(sub, components, (*path, name))
    if schema.get("type") == "array":
        yield from _text_fields(schema["items"], components, (*path, "0"))
    if schema.get("type") == "string" and "maxLength" in schema:
        yield path, schema["maxLength"], schema.get("pattern")


@dataclass(frozen=True)
class Case:
    method: str
    path: str
    operation: str
    field: tuple[str, ...]
    max_length: int
    pattern: str | None

    @property
    def id(self) -> str:
        return f"{self.operation}:{'.'.join(self.field)}"


def _cases() -> list[Case]:
    document = _document()
    components = document["components"]["schemas"]
    found = []
    for path, item in document["paths"].items():
        for method, operation in item.items():
            if method not in WRITES:
                continue
            content = operation.get("requestBody", {}).get("content", {})
            if "application/json" not in content:
                continue
            seen = set()
            for field, max_length, pattern in _text_fields(
                content["application/json"]["schema"], components
            ):
                if field in seen:
                    continue
                seen.add(field)
                found.append(
                    Case(method, path, operation["operationId"], field, max_length, pattern)
                )
    return found


CASES = _cases()


# --- values of a given length that the field's pattern allows ----------------------------

# Valid tax ids and a phone number, padded with separators the patterns allow.
DIGIT_STEMS = ("", "52998224725", "11444777000161", "11987654321")
FILLERS = ("0", "a", "A", "-", ".", " ")


def _email(length: int) -> str | None:
    """``local@domain.com`` of exactly ``length`` characters (local ≤ 64, labels ≤ 63)."""
    local = "a" * min(64, max(1, length - 6))
    rest = length - len(local) - 1 - len(".com")
    if rest < 1:
        return None
    labels = []
    while rest > 0:
        size = min(63, rest)
        if rest - size == 1:  # a dot needs a label after it
            size -= 2
        labels.append("b" * size)
        rest -= size + 1
    domain = ".".join(labels)
    value = f"{local}@{domain}.com"
    return value if len(value) == length else None


def text_of_length(length: int, pattern: str | None) -> str:
    """A value of ``length`` characters its pattern allows; blanks only as a last resort (a
    blank value is read as absent, whatever its length)."""
    candidates = [
        stem + filler * (length - len(stem))
        for filler in FILLERS
        for stem in DIGIT_STEMS
        if len(stem) <= length
    ]
    email = _email(length)
    if email is not None:
        candidates.insert(0, email)
    for value in candidates:
        if (
            len(value) == length
            and value.strip()
            and (pattern is None or re.search(pattern, value))
        ):
            return value
    raise AssertionError(f"no value of {length} characters matches {pattern!r}")


# --- a valid body per operation ----------------------------------------------------------

counter = itertools.count(1)


@dataclass
class World:
    """What the operations need: ids, and how to send a request as the owner."""

    customer_id: int
    user_id: int
    client_pk: int
    store_id: int
    payment_ids: dict[str, int]  # "plain" and "cheque"
    send: Callable[..., Awaitable[Any]]


def _cheque(unique: int) -> dict[str, Any]:
    return {
        "predated_to": clock.today().isoformat(),
        "issuer_tax_id": "52998224725",
        "issuer_name": "Maria Souza",
        "bank": "001",
        "branch": "1234",
        "account": "55555-5",
        "cheque_number": str(100000 + unique),
    }


def _payment(field: tuple[str, ...]) -> dict[str, Any]:
    today = clock.today().isoformat()
    body: dict[str, Any] = {"method": "PIX", "amount": "10.00", "received_on": today}
    if field[0] == "cheque":
        body |= {"method": "CHEQUE", "cheque": _cheque(next(counter))}
    return body


def _payment_patch(field: tuple[str, ...]) -> dict[str, Any]:
    if field[0] == "cheque":
        return {"cheque": {"cheque_number": str(200000 + next(counter))}}
    return {"details": "x"}


# The customer the world made, for bodies that name one (orders).
customers: list[int] = []


def _order(field: tuple[str, ...]) -> dict[str, Any]:
    return {"customer_id": customers[-1], "kind": "order", "total": "10.00"}


def _sale(field: tuple[str, ...]) -> dict[str, Any]:
    payment = _payment(field[2:] or ("details",)) if field[0] == "payments" else _payment(field)
    payment.pop("received_on")
    payment["amount"] = "10.00"
    return {"total": "10.00", "delivery": "now", "payments": [payment]}


def _batch(field: tuple[str, ...]) -> dict[str, Any]:
    cheque = _cheque(next(counter)) | {"amount": "10.00"}
    return {"due_date": clock.today().isoformat(), "cheques": [cheque]}


BODIES: dict[str, Callable[[tuple[str, ...]], dict[str, Any]]] = {
    "customers-create": lambda field: {"name": f"Comprido {next(counter)}"},
    "customers-update": lambda field: {"name": f"Comprido {next(counter)}"},
    "payments-create": _payment,
    "payments-cheque-batch": _batch,
    "payments-update": _payment_patch,
    "users-create": lambda field: {
        "username": f"long{next(counter)}",
        "password": "long-enough-1",
        "role": "clerk",
    },
    "users-update": lambda field: {"name": "Someone"},
    "api-clients-create": lambda field: {"name": "Till"},
    "api-clients-update": lambda field: {"name": "Till"},
    "stores-create": lambda field: {"code": f"L{next(counter)}", "name": "Loja"},
    "stores-update": lambda field: {"name": "Loja"},
    "orders-create": _order,
    "sales-create": _sale,
    "cheques-deposit": lambda field: {},
    "cheques-clear": lambda field: {},
    "cheques-return": lambda field: {},
}


def _set(body: dict[str, Any], field: tuple[str, ...], value: str) -> dict[str, Any]:
    target: Any = body
    for part in field[:-1]:
        target = target[int(part)] if isinstance(target, list) else target.setdefault(part, {})
    target[field[-1]] = value
    return body


async def _url_and_headers(case: Case, world: World) -> tuple[str, dict[str, str]]:
    ids = {
        "customer_id": world.customer_id,
        "user_id": world.user_id,
        "client_pk": world.client_pk,
        "store_id": world.store_id,
        "payment_id": world.payment_ids[
            "cheque"
            if case.field[0] == "cheque" or case.operation.startswith("cheques-")
            else "plain"
        ],
    }
    url = re.sub(r"\{(\w+)\}", lambda m: str(ids[m.group(1)]), case.path)
    headers: dict[str, str] = {}
    if case.method == "patch" and case.operation in ("customers-update", "payments-update"):
        current = await world.send("GET", url)
        assert current.status_code == 200, current.text
        headers["If-Match"] = current.headers["etag"]
    return url, headers


@pytest.fixture
async def world(client, owner, make_actor, session) -> World:
    async def send(method: str, url: str, **options: Any) -> Any:
        headers = owner.headers | options.pop("headers", {})
        return await client.request(method, url, headers=headers, **options)

    async def created(url: str, body: dict[str, Any]) -> int:
        r = await send("POST", url, json=body)
        assert r.status_code == 201, r.text
        return int(r.json()["id"])

    customer_id = await created(f"{API}/customers", {"name": "Cliente dos Testes"})
    customers.append(customer_id)
    payments = f"{API}/customers/{customer_id}/payments"
    plain = await created(payments, _payment(("details",)))
    cheque = await created(payments, _payment(("cheque", "bank")))
    clerk = await make_actor("clerk", name="long-fields-clerk")
    client_pk = await created(f"{API}/api-clients", {"name": "Till"})
    store_id = await created(f"{API}/stores", {"code": "LEN", "name": "Loja"})
    return World(
        customer_id, clerk.id, client_pk, store_id, {"plain": plain, "cheque": cheque}, send
    )


def test_every_write_operation_with_text_fields_has_a_valid_body():
    assert {case.operation for case in CASES} <= set(BODIES), (
        "give the new operation a valid body in BODIES"
    )


@pytest.mark.parametrize("case", CASES, ids=[case.id for case in CASES])
async def test_a_field_at_its_longest_is_never_a_500_and_one_longer_is_422(world, case):
    for length in (case.max_length, case.max_length + 1):
        body = BODIES[case.operation](case.field)
        value = text_of_length(case.max_length, case.pattern)
        if length > case.max_length:
            value += value[-1]
        _set(body, case.field, value)
        url, headers = await _url_and_headers(case, world)
        r = await world.send(case.method.upper(), url, json=body, headers=headers)
        where = f"{case.method.upper()} {url} {'.'.join(case.field)} at {length}"
        assert r.status_code < 500, (where, r.text)
        if length == case.max_length:
            assert r.status_code in (200, 201) or (
                r.status_code < 500 and r.headers["content-type"] == "application/problem+json"
            ), (where, r.text)
        else:
            assert r.status_code == 422, (where, r.text)
            fields = {e["field"] for e in r.json()["errors"]}
            assert ".".join(case.field) in fields, (where, r.json())


# --- the columns behind the fields -------------------------------------------------------

# Where each operation's fields are stored; the field's name is the column's.
TABLES: dict[str, tuple[type[Base], ...]] = {
    "customers-create": (Customer,),
    "customers-update": (Customer,),
    "payments-create": (Payment, Cheque),
    "payments-cheque-batch": (Payment, Cheque),
    "payments-update": (Payment, Cheque),
    "users-create": (PrincipalRow,),
    "users-update": (PrincipalRow,),
    "api-clients-create": (PrincipalRow,),
    "api-clients-update": (PrincipalRow,),
    "stores-create": (Store,),
    "stores-update": (Store,),
    "orders-create": (Order,),
    "sales-create": (Order, Payment, Cheque),
    "cheques-deposit": (Cheque,),
    "cheques-clear": (Cheque,),
    "cheques-return": (Cheque,),
}
# Fields stored otherwise than as sent, and why they still fit.
NOT_AS_SENT = {
    "password": "only its Argon2 hash is stored (password_hash)",
    "tax_id": "stored as its 11 or 14 digits (the pattern allows no more digits)",
    "issuer_tax_id": "stored as its 11 or 14 digits (the pattern allows no more digits)",
    "reason": "a return's in return_reason (TEXT), every step's in the audit log (JSON)",
}


def test_every_text_column_is_as_wide_as_its_field():
    too_narrow = []
    for case in CASES:
        name = case.field[-1]
        if name in NOT_AS_SENT:
            continue
        columns = [
            model.__table__.c[name]
            for model in TABLES[case.operation]
            if name in model.__table__.c  # type: ignore[attr-defined]
        ]
        assert columns, f"{case.id}: no column named {name}; say how it is stored"
        for column in columns:
            length = getattr(column.type, "length", None)
            if isinstance(column.type, String) and length is not None and length < case.max_length:
                too_narrow.append(f"{case.id}: maxLength {case.max_length} > {column} ({length})")
    assert too_narrow == []
