"""Money: integer minor units (cents) inside, two-decimal strings at the API edge.

A float never holds money. Input is a decimal string (``"1250.00"``, ``"12.5"``, ``"7"``) or a
JSON integer; anything with more than two decimal places, an exponent, NaN or infinity is refused.
"""

from __future__ import annotations

import re
from typing import Annotated, Any

from pydantic import BeforeValidator, PlainSerializer, WithJsonSchema

# The largest amount accepted: far beyond any sale, far inside BIGINT.
MAX_CENTS = 10**15 - 1
_PATTERN = r"^-?[0-9]{1,13}(\.[0-9]{1,2})?$"
_DECIMAL = re.compile(_PATTERN)


def parse_money(value: Any) -> int:
    """A money input as integer cents; raises ValueError with a client-facing message."""
    if isinstance(value, bool):
        raise ValueError("money must be a decimal string such as '1250.00'")
    if isinstance(value, int):
        cents = value * 100
    elif isinstance(value, str):
        text = value.strip()
        if not _DECIMAL.match(text):
            raise ValueError(
                "money must be a decimal string with at most two decimal places, e.g. '1250.00'"
            )
        negative = text.startswith("-")
        units, _, fraction = text.lstrip("-").partition(".")
        cents = int(units) * 100 + int((fraction + "00")[:2])
        cents = -cents if negative else cents
    else:
        raise ValueError("money must be a decimal string such as '1250.00', never a float")
    if abs(cents) > MAX_CENTS:
        raise ValueError("amount is out of range")
    return cents


def format_money(cents: int) -> str:
    sign = "-" if cents < 0 else ""
    units, fraction = divmod(abs(cents), 100)
    return f"{sign}{units}.{fraction:02d}"


def _schema(description: str) -> dict[str, Any]:
    return {
        "type": "string",
        "pattern": _PATTERN,
        "examples": ["1250.00"],
        "description": description,
    }


# Any money amount (a balance can be negative).
Money = Annotated[
    int,
    BeforeValidator(parse_money),
    PlainSerializer(format_money, return_type=str),
    WithJsonSchema(_schema("Decimal string with two places; negative allowed.")),
]


def _positive(cents: int) -> int:
    if cents <= 0:
        raise ValueError("amount must be greater than zero")
    return cents


def _non_negative(cents: int) -> int:
    if cents < 0:
        raise ValueError("amount must not be negative")
    return cents


PositiveMoney = Annotated[
    int,
    BeforeValidator(lambda v: _positive(parse_money(v))),
    PlainSerializer(format_money, return_type=str),
    WithJsonSchema(
        {
            "type": "string",
            # The lookahead asks for one non-zero digit: "0" and "0.00" are refused.
            "pattern": r"^(?=[0-9.]*[1-9])[0-9]{1,13}(\.[0-9]{1,2})?$",
            "examples": ["1250.00"],
            "description": "Decimal string with at most two places, greater than zero.",
        }
    ),
]

NonNegativeMoney = Annotated[
    int,
    BeforeValidator(lambda v: _non_negative(parse_money(v))),
    PlainSerializer(format_money, return_type=str),
    WithJsonSchema(
        {
            "type": "string",
            "pattern": r"^[0-9]{1,13}(\.[0-9]{1,2})?$",
            "examples": ["500.00"],
            "description": "Decimal string with at most two places, zero or more.",
        }
    ),
]
