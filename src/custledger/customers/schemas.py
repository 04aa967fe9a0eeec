"""Customer bodies in and out, and the normalisation of tax ids, phones and e-mails.

Inputs extend ``Input`` (unknown and read-only fields are refused with a 422, so a body can never
write ``balance``, ``number`` or ``store_id``). Lengths match the columns of ``models.py``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date, datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from custledger.balance.service import available_credit
from custledger.kit.money import Money, NonNegativeMoney, format_money
from custledger.kit.schemas import Input, Output, not_null
from custledger.kit.text import digits

# --- Brazilian tax ids (CPF: 11 digits, CNPJ: 14 digits) -------------------------------------

_TAX_ID_CHARACTERS = re.compile(r"^[0-9.\-/\s]+$")


def repeats_one_digit(number: str) -> bool:
    """``111.111.111-11``, ``00.000.000/0000-00``: the check digits of a CPF or CNPJ whose
    digits are all the same come out right, yet no such document is ever issued. Invalid
    everywhere a tax id is taken (customers, cheque issuers)."""
    return bool(number) and number == number[0] * len(number)


def _cpf_valid(number: str) -> bool:
    if len(number) != 11 or repeats_one_digit(number):
        return False
    values = [int(c) for c in number]
    for size in (9, 10):
        total = sum(v * w for v, w in zip(values[:size], range(size + 1, 1, -1), strict=True))
        check = total * 10 % 11 % 10
        if check != values[size]:
            return False
    return True


_CNPJ_WEIGHTS = (6, 5, 4, 3, 2, 9, 8, 7, 6, 5, 4, 3, 2)


def _cnpj_valid(number: str) -> bool:
    if len(number) != 14 or repeats_one_digit(number):
        return False
    values = [int(c) for c in number]
    for size in (12, 13):
        weights = _CNPJ_WEIGHTS[13 - size :]
        remainder = sum(v * w for v, w in zip(values[:size], weights, strict=True)) % 11
        check = 0 if remainder < 2 else 11 - remainder
        if check != values[size]:
            return False
    return True


def normalise_tax_id(value: str) -> str:
    """A CPF or CNPJ, formatted or not, as its digits; ValueError if it is not a valid one."""
    if not _TAX_ID_CHARACTERS.match(value):
        raise ValueError("a tax id has only digits (and the separators . - /)")
    number = digits(value)
    if len(number) == 11:
        if not _cpf_valid(number):
            raise ValueError("not a valid CPF: the check digits do not match")
    elif len(number) == 14:
        if not _cnpj_valid(number):
            raise ValueError("not a valid CNPJ: the check digits do not match")
    else:
        raise ValueError("a tax id has 11 digits (CPF) or 14 digits (CNPJ)")
    return number


def format_tax_id(number: str | None) -> str | None:
    """``52998224725`` → ``529.982.247-25``; ``11222333000181`` → ``11.222.333/0001-81``."""
    if not number:
        return None
    if len(number) == 11 and number.isdigit():
        return f"{number[:3]}.{number[3:6]}.{number[6:9]}-{number[9:]}"
    if len(number) == 14 and number.isdigit():
        return f"{number[:2]}.{number[2:5]}.{number[5:8]}/{number[8:12]}-{number[12:]}"
    return number


# --- phones and e-mails ------------------------------------------------------------------------

_PHONE_CHARACTERS = re.compile(r"^\+?[0-9()\-.\s/]+$")
# What `normalise_phone` accepts (around the trimmed value): empty, or those characters with
# 8 to 15 digits; published in the OpenAPI document.
_WS = r"[^\S\u0000-\u0008\u000b\u000c\u000e-\u001f]"  # white space, not control
_SEP = rf"(?:[()\-./]|{_WS})*"
PHONE_PATTERN = rf"^{_WS}*(\+?{_SEP}(?:[0-9]{_SEP}){{8,15}})?$"
_TAX_SEP = rf"(?:[.\-/]|{_WS})*"
# What `normalise_tax_id` accepts but its check digits: blank, or 11 or 14 digits and separators.
TAX_ID_PATTERN = (
    rf"^{_WS}*$|^{_TAX_SEP}(?:[0-9]{_TAX_SEP}){{11}}$|^{_TAX_SEP}(?:[0-9]{_TAX_SEP}){{14}}$"
)
Phone = Annotated[str, Field(max_length=40, json_schema_extra={"pattern": PHONE_PATTERN})]
_SPACES = re.compile(r"\s+")


def normalise_phone(value: str) -> str:
    """A Brazilian number with area code (10 or 11 digits) becomes ``(31) 99999-8888``; other
    numbers of 8 to 15 digits (international ones written with ``+``, 0800 numbers, numbers
    without area code) are kept as typed, spaces collapsed."""
    if not _PHONE_CHARACTERS.match(value):
        raise ValueError("a phone number has only digits, spaces and + ( ) - . /")
    number = digits(value)
    if len(number) in (10, 11) and number[0] != "0" and not value.startswith("+"):
        return f"({number[:2]}) {number[2:-4]}-{number[-4:]}"
    if 8 <= len(number) <= 15:
        return _SPACES.sub(" ", value)
    raise ValueError("a phone number has 8 to 15 digits")


_EMAIL = re.compile(
    r"^(?=.{1,64}@)[a-z0-9!#$%&'*+/=?^_`{|}~-]+(\.[a-z0-9!#$%&'*+/=?^_`{|}~-]+)*"
    r"@(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$"
)


# `_EMAIL` before lower-casing (blank is no e-mail), published in the OpenAPI document.
EMAIL_PATTERN = f"^{_WS}*$|" + _EMAIL.pattern.replace("a-z", "a-zA-Z")


def normalise_email(value: str) -> str:
    address = value.lower()
    if not _EMAIL.match(address):
        raise ValueError("not a valid e-mail address")
    return address


# --- request bodies ----------------------------------------------------------------------------

Text200 = Annotated[str, Field(max_length=200)]
Text100 = Annotated[str, Field(max_length=100)]
Text60 = Annotated[str, Field(max_length=60)]
Text30 = Annotated[str, Field(max_length=30)]
Text20 = Annotated[str, Field(max_length=20)]
# Text columns have no length; these caps keep a record readable.
Notes = Annotated[str, Field(max_length=10_000)]
Instructions = Annotated[str, Field(max_length=2_000)]

# Optional text fields: an empty string means "no value" (stored as null).
OPTIONAL_TEXT = (
    "trade_name",
    "contact",
    "phone",
    "email",
    "address",
    "address_number",
    "complement",
    "neighbourhood",
    "city",
    "state",
    "postal_code",
    "country",
    "tax_id",
    "legacy_rg_ie",
    "legacy_registration",
    "notes",
    "billing_instructions",
)

# Every writable field, in the order of the Details tab.
EDITABLE_FIELDS = (
    "name",
    "trade_name",
    "contact",
    "phone",
    "email",
    "address",
    "address_number",
    "complement",
    "neighbourhood",
    "city",
    "state",
    "postal_code",
    "country",
    "tax_id",
    "legacy_rg_ie",
    "legacy_registration",
    "notes",
    "active",
    "blocked",
    "credit_limit",
    "next_invoice_date",
    "billing_instructions",
    "production",
)


Email = Annotated[str, Field(max_length=254, json_schema_extra={"pattern": EMAIL_PATTERN})]
TaxId = Annotated[str, Field(max_length=20, json_schema_extra={"pattern": TAX_ID_PATTERN})]


class _CustomerFields(Input):
    trade_name: Text200 | None = Field(default=None, description="Trade name or nickname.")
    contact: Text200 | None = Field(default=None, description="The contact person.")
    phone: Phone | None = Field(
        default=None,
        description="8 to 15 digits. A Brazilian number with area code (10 or 11 digits) is "
        "stored as `(31) 99999-8888`.",
    )
    email: Email | None = Field(default=None, description="Stored in lower case.")
    address: Text200 | None = None
    address_number: Text20 | None = Field(default=None, description="Street number.")
    complement: Text100 | None = None
    neighbourhood: Text100 | None = None
    city: Text100 | None = None
    state: Text60 | None = None
    postal_code: Text20 | None = None
    country: Text60 | None = None
    tax_id: TaxId | None = Field(
        default=None,
        description="CPF (11 digits) or CNPJ (14 digits), with or without punctuation; the "
        "check digits must match. Unique among customers.",
        examples=["529.982.247-25"],
    )
    legacy_rg_ie: Text30 | None = Field(default=None, description="Legacy RG or state reg.")
    legacy_registration: Text30 | None = None
    notes: Notes | None = Field(default=None, description="Internal notes (Details).")
    credit_limit: NonNegativeMoney | None = Field(
        default=None, description="Maximum credit; null means no credit at all."
    )
    next_invoice_date: date | None = None
    billing_instructions: Instructions | None = None

    @field_validator(*OPTIONAL_TEXT, mode="after")
    @classmethod
    def _empty_is_none(cls, value: str | None) -> str | None:
        return value or None

    @field_validator("tax_id", mode="after")
    @classmethod
    def _tax_id(cls, value: str | None) -> str | None:
        return normalise_tax_id(value) if value else None

    @field_validator("phone", mode="after")
    @classmethod
    def _phone(cls, value: str | None) -> str | None:
        return normalise_phone(value) if value else None

    @field_validator("email", mode="after")
    @classmethod
    def _email(cls, value: str | None) -> str | None:
        return normalise_email(value) if value else None


Name = Annotated[str, Field(min_length=1, max_length=200, description="Legal or full name.")]


class CustomerCreate(_CustomerFields):
    name: Name
    active: bool = True
    blocked: bool = Field(default=False, description="Blocks credit sales; independent of active.")
    production: bool = Field(default=False, description="Reserved for a feature in development.")


class CustomerPatch(_CustomerFields):
    """Only the fields present are changed; `null` clears an optional field."""

    # Optional but never null: the document does not offer `null` for them.
    name: Name | None = Field(default=None, json_schema_extra=not_null)
    active: bool | None = Field(default=None, json_schema_extra=not_null)
    blocked: bool | None = Field(default=None, json_schema_extra=not_null)
    production: bool | None = Field(default=None, json_schema_extra=not_null)

    def changes(self) -> dict[str, Any]:
        """The fields the body sets, with their new values."""
        return {field: getattr(self, field) for field in self.model_fields_set}


# --- responses ---------------------------------------------------------------------------------


class CustomerOut(Output):
    id: int
    number: int | None = Field(description="Sequential, never reused; null for quick-sale.")
    store_id: int
    is_quick_sale: bool = Field(description="The hidden walk-in customer of a store.")
    name: str
    trade_name: str | None
    contact: str | None
    phone: str | None
    email: str | None
    address: str | None
    address_number: str | None
    complement: str | None
    neighbourhood: str | None
    city: str | None
    state: str | None
    postal_code: str | None
    country: str | None
    tax_id: str | None = Field(description="Formatted CPF or CNPJ.")
    legacy_rg_ie: str | None
    legacy_registration: str | None
    notes: str | None
    active: bool
    blocked: bool
    credit_limit: NonNegativeMoney | None
    next_invoice_date: date | None
    billing_instructions: str | None
    production: bool
    balance: Money = Field(description="Σ received payments − Σ deliveries; negative = owes.")
    available_credit: Money | None = Field(
        description="Credit limit − debt − undelivered open credit orders; null without credit."
    )
    total_purchases: Money
    created_at: datetime
    updated_at: datetime
    version: int = Field(description="Bumped by every edit; the ETag.")


class DuplicateOut(CustomerOut):
    score: int = Field(description="Higher is a likelier duplicate.")
    reasons: list[str] = Field(description="e.g. `same tax id`, `same phone`, `similar name`.")


class Duplicates(BaseModel):
    items: list[DuplicateOut]


class PrincipalRef(BaseModel):
    id: int
    name: str


class AuditEntryOut(BaseModel):
    id: int
    occurred_at: datetime
    action: str
    entity_type: str
    entity_id: int
    customer_id: int | None
    principal: PrincipalRef | None = Field(description="Null for changes made by the system.")
    changes: dict[str, Any] = Field(description="`before` and `after` of the changed fields.")
    request_id: str | None


CustomerStatus = Literal["active", "inactive", "all"]
CustomerSort = Literal[
    "name",
    "-name",
    "number",
    "-number",
    "created_at",
    "-created_at",
    "total_purchases",
    "-total_purchases",
    "balance",
    "-balance",
]


class CustomerCounts(BaseModel):
    """How many customers the list's filters match, by the list's tabs."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [{"active": 1180, "inactive": 64, "blocked": 12, "owing": 311}]
        }
    )

    active: int = Field(description="Active customers.", examples=[1180])
    inactive: int = Field(description="Inactive customers.", examples=[64])
    blocked: int = Field(description="Blocked customers (active or not).", examples=[12])
    owing: int = Field(description="Customers whose balance is below zero.", examples=[311])


class MergedInto(BaseModel):
    id: int = Field(examples=[812])
    number: int | None = Field(examples=[1043])
    name: str = Field(examples=["Maria Oliveira"])


_MONEY_FIELDS = ("credit_limit", "balance", "available_credit", "total_purchases")


def response_values(row: Mapping[Any, Any]) -> dict[str, Any]:
    """A row of ``repository.OUT_COLUMNS`` as response input: the money types parse decimal
    text (an integer would be read as whole units), so cents go in formatted."""
    values = dict(row)
    values["tax_id"] = format_tax_id(values.get("tax_id"))
    values["available_credit"] = available_credit(
        values["credit_limit"], values["balance"], values.pop("credit_reserved")
    )
    for name in _MONEY_FIELDS:
        if values[name] is not None:
            values[name] = format_money(values[name])
    return values


def customer_out(row: Mapping[Any, Any]) -> CustomerOut:
    return CustomerOut.model_validate(response_values(row))


def duplicate_out(row: Mapping[Any, Any], score: int, reasons: list[str]) -> DuplicateOut:
    return DuplicateOut.model_validate(response_values(row) | {"score": score, "reasons": reasons})
