"""Money never touches a float: decimal strings at the edge, integer cents inside."""

from __future__ import annotations

import jsonschema_rs
import pytest
from pydantic import BaseModel, ValidationError

from custledger.kit.money import MAX_CENTS, Money, PositiveMoney, format_money, parse_money


class Body(BaseModel):
    amount: PositiveMoney
    balance: Money = 0


@pytest.mark.parametrize(
    ("text", "cents"),
    [
        ("1250.00", 125000),
        ("12.5", 1250),
        ("7", 700),
        ("0.01", 1),
        ("-3.20", -320),
        (" 9.99 ", 999),
    ],
)
def test_decimal_strings_become_cents(text, cents):
    assert parse_money(text) == cents


def test_json_integers_are_whole_units():
    assert parse_money(15) == 1500
    # JSON Schema cannot tell 15.0 from 15: the document's integer admits both.
    assert parse_money(15.0) == 1500
    assert parse_money(float(MAX_CENTS // 100)) == MAX_CENTS // 100 * 100


@pytest.mark.parametrize(
    "bad",
    [
        "1.234",
        "1e3",
        "1E2",
        "NaN",
        "nan",
        "Infinity",
        "-inf",
        "",
        "12,50",
        "0x10",
        "1_000",
        "1.",
        ".5",
        "١٢",
    ],
)
def test_malformed_amounts_are_refused(bad):
    with pytest.raises(ValueError):
        parse_money(bad)


@pytest.mark.parametrize("bad", [1.5, 0.29, 1e300, float("nan"), float("inf"), True, None, [1]])
def test_non_string_non_integer_amounts_are_refused(bad):
    with pytest.raises(ValueError):
        parse_money(bad)


def test_out_of_range_amounts_are_refused():
    assert parse_money(str(MAX_CENTS // 100)) <= MAX_CENTS
    with pytest.raises(ValueError):
        parse_money("99999999999999.99")
    with pytest.raises(ValueError):
        parse_money(10**20)


@pytest.mark.parametrize(
    ("cents", "text"), [(0, "0.00"), (5, "0.05"), (-125000, "-1250.00"), (99, "0.99")]
)
def test_cents_are_shown_with_two_places(cents, text):
    assert format_money(cents) == text


def test_positive_money_refuses_zero_and_negative_and_serialises_as_string():
    assert Body(amount="10.10").model_dump(mode="json") == {"amount": "10.10", "balance": "0.00"}
    for bad in ("0", "0.00", "-1.00"):
        with pytest.raises(ValidationError):
            Body(amount=bad)


# What the document promises about money, compared with what the server does. A JSON integer of
# reais is unambiguous and taken (7.0 is the same integer to JSON Schema); a JSON number with a
# fraction is a binary float once parsed and refused.
ACCEPTED = ["1250.00", "0.01", "7", 7, 7.0, 1, MAX_CENTS // 100, str(MAX_CENTS // 100) + ".99"]
REFUSED = ["0", "0.00", "-1.00", "1.234", "1e3", 0, 0.0, -3, MAX_CENTS // 100 + 1, 1.5, True, None]


def _request_schema(model: type[BaseModel], name: str) -> dict:
    return model.model_json_schema(mode="validation")["properties"][name]


@pytest.mark.parametrize("value", ACCEPTED)
def test_the_document_and_the_server_both_accept(value):
    assert jsonschema_rs.Draft202012Validator(_request_schema(Body, "amount")).is_valid(value), (
        value
    )
    Body(amount=value)


@pytest.mark.parametrize("value", REFUSED)
def test_the_document_and_the_server_both_refuse(value):
    assert not jsonschema_rs.Draft202012Validator(_request_schema(Body, "amount")).is_valid(
        value
    ), value
    with pytest.raises(ValidationError):
        Body(amount=value)


def test_responses_document_money_as_a_string_only():
    schema = Body.model_json_schema(mode="serialization")["properties"]["amount"]
    assert schema["type"] == "string" and "anyOf" not in schema


async def test_a_payment_of_whole_reais_is_taken_and_a_fraction_in_a_json_number_refused(
    client, owner
):
    api = "/api/v1"
    r = await client.post(f"{api}/customers", json={"name": "Ana"}, headers=owner.headers)
    customer = r.json()["id"]
    r = await client.post(
        f"{api}/customers/{customer}/payments",
        json={"method": "CASH", "amount": 12},
        headers=owner.headers,
    )
    assert r.status_code == 201, r.text
    assert r.json()["amount"] == "12.00"
    for amount in (12.5, 0.29):
        r = await client.post(
            f"{api}/customers/{customer}/payments",
            json={"method": "CASH", "amount": amount},
            headers=owner.headers,
        )
        assert r.status_code == 422, r.text
        assert [e["field"] for e in r.json()["errors"]] == ["amount"]
    listed = await client.get(f"{api}/customers/{customer}/payments", headers=owner.headers)
    assert [p["amount"] for p in listed.json()["items"]] == ["12.00"]
    document = (await client.get(f"{api}/openapi.json")).json()
    body = document["components"]["schemas"]["PaymentCreate"]["properties"]["amount"]
    assert [branch["type"] for branch in body["anyOf"]] == ["string", "integer"]
    out = document["components"]["schemas"]["PaymentOut"]["properties"]["amount"]
    assert out["type"] == "string"
