"""Money: integer minor units (cents) inside, two-decimal strings at the API edge.

A float never holds money. Input is a decimal string (``"1250.00"``, ``"12.5"``, ``"7"``) or a
JSON integer of reais (``7``: unambiguous). JSON Schema cannot tell ``7.0`` from ``7`` (both are
the integer 7 to it), so ``7.0`` is taken as 7 too; a JSON number with a fraction (``12.5``) is
refused: it is a binary float by the time it is parsed, and ``0.29`` is not 0.29 there. Anything
with more than two decimal places, an exponent, NaN or infinity is refused. The request document
says exactly that (a string with the pattern, or an integer within the range); responses always
carry the string.
"""

from __future__ import annotations

import re
from typing import Annotated, Any

from pydantic import BeforeValidator, PlainSerializer, WithJsonSchema

# The largest amount accepted: far beyond any sale, far inside BIGINT.
MAX_CENTS = 10**15 - 1
# The largest JSON integer of reais (the pattern's 13 digits).
MAX_UNITS = MAX_CENTS // 100
_PATTERN = r"^-?[0-9]{1,13}(\.[0-9]{1,2})?$"
_DECIMAL = re.compile(_PATTERN)
_OUT_SIGNED = r"^-?[0-9]{1,17}\.[0-9]{2}$"
_OUT_UNSIGNED = r"^[0-9]{1,17}\.[0-9]{2}$"


def parse_money(value: Any) -> int:
    """A money input as integer cents; raises ValueError with a client-facing message."""
    if isinstance(value, bool):
        raise ValueError("money must be a decimal string such as '1250.00'")
    if isinstance(value, int):
        cents = value * 100
    elif isinstance(value, float):
        # Within the range every whole float is exact (2**53 is far above it), and a written
        # fraction survives the parsing unless it is under a thousandth of a real.
        if not value.is_integer() or abs(value) > MAX_UNITS:
            raise ValueError(
                "money must be a decimal string such as '12.50' (a JSON number only for "
                "whole reais), never a fraction in a JSON number"
            )
        cents = int(value) * 100
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
        raise ValueError("money must be a decimal string such as '1250.00'")
    if abs(cents) > MAX_CENTS:
        raise ValueError("amount is out of range")
    return cents


def format_money(cents: int) -> str:
    sign = "-" if cents < 0 else ""
    units, fraction = divmod(abs(cents), 100)
    return f"{sign}{units}.{fraction:02d}"


def _schemas(
    pattern: str, minimum: int, description: str, example: str
) -> tuple[WithJsonSchema, WithJsonSchema]:
    """The request side (a decimal string, or a JSON integer of reais) and the response side
    (always the string) of a money type."""
    string = {"type": "string", "pattern": pattern}
    # An answer may hold a sum of many amounts (a report's totals, a balance): up to what the
    # database's BIGINT of cents holds, always with two places.
    answer = {"type": "string", "pattern": _OUT_SIGNED if minimum < 0 else _OUT_UNSIGNED}
    integer = {
        "type": "integer",
        "minimum": minimum,
        "maximum": MAX_UNITS,
        "description": "Whole reais (`7` is 7.00). A fraction is written as a string.",
    }
    return (
        WithJsonSchema(
            {"anyOf": [string, integer], "examples": [example], "description": description},
            mode="validation",
        ),
        WithJsonSchema(
            {**answer, "examples": [example], "description": description}, mode="serialization"
        ),
    )


def _positive(cents: int) -> int:
    if cents <= 0:
        raise ValueError("amount must be greater than zero")
    return cents


def _non_negative(cents: int) -> int:
    if cents < 0:
        raise ValueError("amount must not be negative")
    return cents


_POSITIVE = r"^(?=[0-9.]*[1-9])[0-9]{1,13}(\.[0-9]{1,2})?$"
_NON_NEGATIVE = r"^[0-9]{1,13}(\.[0-9]{1,2})?$"
_ANY_IN, _ANY_OUT = _schemas(
    _PATTERN, -MAX_UNITS, "Decimal string with two places; negative allowed.", "1250.00"
)
# The lookahead asks for one non-zero digit: "0" and "0.00" are refused.
_POSITIVE_IN, _POSITIVE_OUT = _schemas(
    _POSITIVE, 1, "Decimal string with at most two places, greater than zero.", "1250.00"
)
_NON_NEGATIVE_IN, _NON_NEGATIVE_OUT = _schemas(
    _NON_NEGATIVE, 0, "Decimal string with at most two places, zero or more.", "500.00"
)

# Any money amount (a balance can be negative).
Money = Annotated[
    int,
    BeforeValidator(parse_money),
    PlainSerializer(format_money, return_type=str),
    _ANY_IN,
    _ANY_OUT,
]

PositiveMoney = Annotated[
    int,
    BeforeValidator(lambda v: _positive(parse_money(v))),
    PlainSerializer(format_money, return_type=str),
    _POSITIVE_IN,
    _POSITIVE_OUT,
]

NonNegativeMoney = Annotated[
    int,
    BeforeValidator(lambda v: _non_negative(parse_money(v))),
    PlainSerializer(format_money, return_type=str),
    _NON_NEGATIVE_IN,
    _NON_NEGATIVE_OUT,
]
