"""Schemathesis over every operation of the OpenAPI document, in-process, as an owner and a clerk.

Each operation gets up to ``MAX_EXAMPLES`` cases per role, each drawn positive
(schema-conforming) or negative (schema-violating), sent through the same
``httpx.ASGITransport`` client as the rest of the suite (the app and its database engine live
in the session's event loop), and every response goes through all of Schemathesis' default
checks: no 5xx, status code / content type / headers / body conforming to the document,
schema-violating input rejected (4xx), schema-conforming input not refused (bar the rules
JSON Schema cannot state, listed in ``BUSINESS_RULES`` and ``BUSINESS_TYPES``).

Two default checks re-send requests through Schemathesis' own ASGI client, which runs the app
on another event loop (where the pooled database connections cannot be used). They are done
here with our client instead, for every operation: ``ignored_auth`` (a request that succeeded
is, without the token or with a forged one, a 401) and ``unsupported_method`` (a method the
document does not list for a path is a 405 problem).

Run alone: ``.venv/bin/pytest tests/fuzz`` (or ``-m fuzz``; ``-m "not fuzz"`` skips it).
"""

from __future__ import annotations

import re
from typing import Any

import httpx
import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import load_all_checks
from schemathesis.specs.openapi.checks import (
    ignored_auth,
    positive_data_acceptance,
    unsupported_method,
)

from custledger.app import create_app
from tests.conftest import Actor, MakeActor

pytestmark = pytest.mark.fuzz

MAX_EXAMPLES = 25
BASE_URL = "http://testserver"
METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")

load_all_checks()
SCHEMA = schemathesis.openapi.from_dict(create_app().openapi())
OPERATIONS = {op.label: op for op in (r.ok() for r in SCHEMA.get_all_operations())}
PATHS: dict[str, set[str]] = {}
for _op in OPERATIONS.values():
    PATHS.setdefault(_op.path, set()).add(_op.method.upper())
SECURED = [label for label, op in OPERATIONS.items() if op.definition.raw.get("security")]

FUZZ_SETTINGS = settings(
    max_examples=MAX_EXAMPLES,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=list(HealthCheck),
)


async def _seed(client: httpx.AsyncClient, owner: Actor) -> None:
    """A little data with small ids, so generated ids sometimes hit real records."""
    ids = []
    for name in ("Ana Souza", "Bruno Lima"):
        r = await client.post(
            "/api/v1/customers",
            json={"name": name, "credit_limit": "500.00"},
            headers=owner.headers,
        )
        assert r.status_code == 201, r.text
        ids.append(r.json()["id"])
    r = await client.post(
        f"/api/v1/customers/{ids[0]}/payments",
        json={"method": "CASH", "amount": "10.00"},
        headers=owner.headers,
    )
    assert r.status_code == 201, r.text


async def _send(client: httpx.AsyncClient, kwargs: dict[str, Any]) -> httpx.Response:
    kwargs = dict(kwargs)
    kwargs.pop("cookies", None)
    if isinstance(kwargs.get("data"), (bytes, str)):
        kwargs["content"] = kwargs.pop("data")
    return await client.request(**kwargs)


# Refusals (422) of schema-valid input by rules JSON Schema cannot state: (field, message
# start). Every other 422 of a positive case fails `positive_data_acceptance`.
BUSINESS_RULES = (
    ("cursor", "not a cursor this list returned"),  # opaque: only cursors the list returned
    ("placed_on", "must not be after today"),  # depends on the business clock
    ("from", "must not be after `to`"),  # relation between two parameters
    ("returned_from", "must not be after `returned_to`"),  # the cheques list's period
    ("on", ""),  # a cheque step's date: against today and the cheque's earlier dates
    ("source_id", "must differ from the surviving customer"),  # path id vs body/query id
    ("name", "give at least one of"),  # duplicates: at least one of four parameters
    ("tax_id", "give at least one of"),
    ("phone", "give at least one of"),
    ("email", "give at least one of"),
    ("tax_id", "not a valid CPF"),  # check digits
    ("tax_id", "not a valid CNPJ"),
    ("store_id", "no store with id"),  # a reference to a row that must exist
    ("cheque", "a "),  # "a PIX payment carries no cheque": depends on `method`
    ("issuer_tax_id", "not a valid CPF"),  # a cheque's issuer: one repeated digit
    ("total", "payments "),  # a sale: payments + on_credit must equal the total
    ("delivered_amount", "only with delivery"),  # depends on `delivery`
    ("delivered_amount", "must not exceed the total"),
    ("cheque_number", "the same cheque as"),  # the same paper cheque twice in one request
)
# Problem types of such refusals that name no field.
BUSINESS_TYPES = (
    "idempotency-key-reused",  # a key generated twice for different bodies
    "precondition-failed",  # a well-formed `If-Match` naming another version (412)
    "received-date-in-future",  # a received date after today: depends on the business clock
)


def _business_rule_refusal(response: httpx.Response) -> bool:
    if response.status_code not in (412, 422):
        return False
    problem = response.json()
    if problem.get("type") in BUSINESS_TYPES:
        return True
    errors = problem.get("errors") or []
    return bool(errors) and all(
        any(
            # The field's own name: inside a list it is ``cheques.0.issuer_tax_id``.
            e["field"].rsplit(".", 1)[-1] == field and e["message"].startswith(start)
            for field, start in BUSINESS_RULES
        )
        for e in errors
    )


def _without_auth(kwargs: dict[str, Any], token: str | None) -> dict[str, Any]:
    headers = {k: v for k, v in kwargs["headers"].items() if k.lower() != "authorization"}
    if token is not None:
        headers["Authorization"] = token
    return {**kwargs, "headers": headers}


@pytest.mark.parametrize("role", ["owner", "clerk"])
@pytest.mark.parametrize("label", list(OPERATIONS))
@FUZZ_SETTINGS
@given(data=st.data())
async def test_operation_conforms_to_openapi(
    label: str, role: str, data: st.DataObject, client: httpx.AsyncClient, make_actor: MakeActor
) -> None:
    actor = await _actor(make_actor, client, role)
    operation = OPERATIONS[label]
    mode = data.draw(st.sampled_from([GenerationMode.POSITIVE, GenerationMode.NEGATIVE]))
    case = data.draw(operation.as_strategy(generation_mode=mode))
    kwargs = case.as_transport_kwargs(base_url=BASE_URL, headers=actor.headers)
    response = await _send(client, kwargs)
    case.validate_response(
        response,
        excluded_checks=[ignored_auth, unsupported_method, positive_data_acceptance],
        headers=kwargs.get("headers"),
    )
    if not _business_rule_refusal(response):
        case.validate_response(
            response, checks=[positive_data_acceptance], headers=kwargs.get("headers")
        )
    if label in SECURED and response.is_success:
        # `ignored_auth`, through our client: what succeeded with the token is, without it or
        # with a forged one, a 401 problem.
        for token in (None, "Bearer not-a-token"):
            probe = await _send(client, _without_auth(kwargs, token))
            assert probe.status_code == 401, (label, token, probe.status_code, probe.text)
            assert probe.headers["content-type"] == "application/problem+json"


@pytest.mark.parametrize("path", sorted(PATHS))
async def test_unsupported_method_is_405(
    path: str, client: httpx.AsyncClient, owner: Actor
) -> None:
    """`unsupported_method`, through our client: a method the document does not list is a 405."""
    url = re.sub(r"\{[^}]+\}", "1", path)
    for method in sorted(set(METHODS) - PATHS[path]):
        r = await client.request(method, url, headers=owner.headers)
        assert r.status_code == 405, (method, url, r.status_code)
        assert r.headers["content-type"] == "application/problem+json"
        assert r.json()["type"] == "method-not-allowed"
        # `Allow` lists every method of the path, not only the first route's.
        assert set(r.headers["allow"].split(", ")) == PATHS[path], (method, url)


_ACTORS: dict[tuple[int, str], Actor] = {}


async def _actor(make_actor: MakeActor, client: httpx.AsyncClient, role: str) -> Actor:
    """One actor per role and test (the database is emptied between tests, not examples)."""
    key = (id(make_actor), role)
    if key not in _ACTORS:
        _ACTORS.clear()
        owner = await make_actor("owner")
        await _seed(client, owner)
        _ACTORS[key] = owner if role == "owner" else await make_actor(role)
    return _ACTORS[key]
