"""The pure rules behind the customer fields: CPF/CNPJ check digits, phones, CSV cells,
If-Match parsing and the duplicate name similarity."""

from __future__ import annotations

import pytest

from custledger.customers.router import expected_versions
from custledger.customers.schemas import (
    format_tax_id,
    normalise_email,
    normalise_phone,
    normalise_tax_id,
)
from custledger.customers.service import csv_cell, name_similarity, name_tokens
from tests.customers.helpers import (
    CNPJ,
    CNPJ_2,
    CPF,
    CPF_2,
    cnpj_with_check_digits,
    cpf_with_check_digits,
)


@pytest.mark.parametrize("number", [CPF, CPF_2, CNPJ, CNPJ_2, "12345678909", "00000000191"])
def test_valid_documents_pass_the_check_digits(number):
    assert normalise_tax_id(number) == number
    assert normalise_tax_id(format_tax_id(number) or "") == number


def _independently_valid(number: str) -> bool:
    if len(set(number)) == 1:
        return False
    if len(number) == 11:
        return cpf_with_check_digits(number[:9]) == number
    return cnpj_with_check_digits(number[:12]) == number


def test_check_digits_agree_with_an_independent_implementation_on_every_typo():
    """Every one-digit typo of a few documents: accepted exactly when the textbook algorithm
    says the result is itself a valid document (almost never)."""
    accepted = 0
    for number in (CPF, CNPJ, CPF_2, CNPJ_2, cpf_with_check_digits("390533447")):
        assert _independently_valid(number)
        for position in range(len(number)):
            for replacement in "0123456789":
                changed = number[:position] + replacement + number[position + 1 :]
                try:
                    normalise_tax_id(changed)
                    valid = True
                except ValueError:
                    valid = False
                assert valid == _independently_valid(changed), changed
                accepted += valid and changed != number
    assert accepted < 10


@pytest.mark.parametrize("number", ["1" * 11, "2" * 14, "0" * 11])
def test_repeated_digit_documents_are_refused(number):
    with pytest.raises(ValueError):
        normalise_tax_id(number)


def test_tax_id_formatting():
    assert format_tax_id(CPF) == "529.982.247-25"
    assert format_tax_id(CNPJ) == "11.222.333/0001-81"
    assert format_tax_id(None) is None


@pytest.mark.parametrize(
    "given, stored",
    [
        ("31 99999 8888", "(31) 99999-8888"),
        ("(11)3333-4444", "(11) 3333-4444"),
        ("+55 31 99999-8888", "+55 31 99999-8888"),
        ("12345678", "12345678"),
    ],
)
def test_phone_normalisation(given, stored):
    assert normalise_phone(given) == stored


@pytest.mark.parametrize("phone", ["abc", "1234567", "9" * 16, "31 9999-8888 ext 2", "#123456789"])
def test_phone_refusals(phone):
    with pytest.raises(ValueError):
        normalise_phone(phone)


@pytest.mark.parametrize("email", ["a@b.co", "first.last+tag@sub.example.com.br", "x_y@d-1.io"])
def test_valid_emails(email):
    assert normalise_email(email.upper()) == email


@pytest.mark.parametrize(
    "email",
    ["a@b", "a@.com", "a..b@c.com", ".a@c.com", "a@c..com", "a b@c.com", "a@-c.com", "a@c.c"],
)
def test_invalid_emails(email):
    with pytest.raises(ValueError):
        normalise_email(email)


@pytest.mark.parametrize(
    "value, cell",
    [
        ("=1+1", "'=1+1"),
        ("+1", "'+1"),
        ("-x", "'-x"),
        ("@A1", "'@A1"),
        ("\tA", "'\tA"),
        ("\rA", "'\rA"),
        ("-120.50", "-120.50"),
        ("12", "12"),
        ("José", "José"),
        (None, ""),
        (True, "true"),
        (False, "false"),
    ],
)
def test_csv_cells(value, cell):
    assert csv_cell(value) == cell


@pytest.mark.parametrize(
    "header, versions",
    [
        (None, None),
        ("*", None),
        ('"3"', {3}),
        ('W/"3"', {3}),
        ('"3", W/"4"', {3, 4}),
        ("3", {3}),
        ("nonsense", set()),
        ('"abc"', set()),
    ],
)
def test_if_match_parsing(header, versions):
    result = expected_versions(header)
    assert result == (None if versions is None else frozenset(versions))


def test_name_similarity_ignores_particles_accents_and_case():
    assert name_tokens("Maria da Conceição DOS Santos") == {"maria", "conceicao", "santos"}
    assert name_similarity(name_tokens("Maria Santos"), name_tokens("MARIA dos santos")) == 1
    assert name_similarity(name_tokens("Maria Santos"), name_tokens("João Pedro")) == 0
