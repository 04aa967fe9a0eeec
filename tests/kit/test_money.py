"""Money never touches a float: decimal strings at the edge, integer cents inside."""

from __future__ import annotations

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


@pytest.mark.parametrize("bad", [1.5, 1.0, True, None, [1], {"a": 1}])
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
