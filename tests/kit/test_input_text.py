"""Request body text: `maxLength` counts the string as sent (before trimming), as the document
says, and a field the document offers no `null` for refuses one while the body is validated."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import ValidationError

from custledger.app import create_app
from custledger.kit.schemas import Input, not_null, text_max_length

API = "/api/v1"


def _inputs() -> list[type[Input]]:
    create_app()  # every router imported: every request body defined
    found, todo = [], list(Input.__subclasses__())
    while todo:
        model = todo.pop()
        found.append(model)
        todo.extend(model.__subclasses__())
    return sorted(set(found), key=lambda m: m.__qualname__)


def _limited_text_fields() -> list[tuple[type[Input], str, int]]:
    fields = []
    for model in _inputs():
        for name, field in model.model_fields.items():
            limit = text_max_length(field)
            if limit is not None:
                fields.append((model, name, limit))
    return fields


LIMITED = _limited_text_fields()


def test_the_limited_text_fields_are_found() -> None:
    names = {(model.__name__, name) for model, name, _ in LIMITED}
    assert {("CustomerCreate", "tax_id"), ("CustomerPatch", "city"), ("ChequeIn", "bank")} <= names
    assert len(LIMITED) > 40


@pytest.mark.parametrize(
    ("model", "name", "limit"), LIMITED, ids=[f"{m.__name__}.{n}" for m, n, _ in LIMITED]
)
def test_max_length_counts_the_text_as_sent_before_trimming(
    model: type[Input], name: str, limit: int
) -> None:
    """One character over the limit is refused even when it is all white space (which the
    trimming would have turned into no value at all)."""
    for text in (" " * (limit + 1), "a" + " " * limit):
        with pytest.raises(ValidationError) as refused:
            model.model_validate({name: text})
        errors = [e for e in refused.value.errors() if e["loc"] == (name,)]
        assert [e["type"] for e in errors] == ["string_too_long"], (model, name)
        assert errors[0]["ctx"] == {"max_length": limit}


async def test_a_tax_id_of_21_spaces_is_refused(client, owner) -> None:
    r = await client.post(
        f"{API}/customers", json={"name": "Ana", "tax_id": " " * 21}, headers=owner.headers
    )
    assert r.status_code == 422, r.text
    assert [e["field"] for e in r.json()["errors"]] == ["tax_id"]
    listed = await client.get(f"{API}/customers", headers=owner.headers)
    assert listed.json()["items"] == []


async def test_text_within_the_limit_is_still_trimmed(client, owner) -> None:
    r = await client.post(
        f"{API}/customers",
        json={"name": "  Ana  ", "city": " " * 50 + "Recife" + " " * 44, "tax_id": " " * 20},
        headers=owner.headers,
    )
    assert r.status_code == 201, r.text
    assert (r.json()["name"], r.json()["city"], r.json()["tax_id"]) == ("Ana", "Recife", None)


def _not_null_fields() -> list[tuple[type[Input], str]]:
    return [
        (model, name)
        for model in _inputs()
        for name, field in model.model_fields.items()
        if field.json_schema_extra is not_null
    ]


NOT_NULL = _not_null_fields()


def test_the_never_null_fields_are_found() -> None:
    names = {(model.__name__, name) for model, name in NOT_NULL}
    assert {("PaymentPatch", "amount"), ("ChequePatch", "bank"), ("CustomerPatch", "name")} <= names


@pytest.mark.parametrize(
    ("model", "name"), NOT_NULL, ids=[f"{m.__name__}.{n}" for m, n in NOT_NULL]
)
def test_a_field_the_document_offers_no_null_for_refuses_null(
    model: type[Input], name: str
) -> None:
    body: dict[str, Any] = {name: None}
    with pytest.raises(ValidationError) as refused:
        model.model_validate(body)
    assert [(e["loc"], e["msg"]) for e in refused.value.errors()] == [
        ((name,), "Value error, must not be null")
    ]
    schema = model.model_json_schema()["properties"][name]
    assert "null" not in str(schema.get("anyOf", schema.get("type"))), schema
    assert model.model_validate({}).model_fields_set == set()


@pytest.mark.parametrize("end", ["\x0b", "\x0c", "\x1c", "\x1f", "\x00"])
async def test_a_control_character_at_either_end_is_refused_not_trimmed(client, owner, end):
    """Trimming would take a vertical tab or a form feed off the end and store the rest; the
    document refuses control characters anywhere in the text as sent."""
    for text in (f"Ana{end}", f"{end}Ana", f" Ana {end} "):
        r = await client.post(f"{API}/customers", json={"name": text}, headers=owner.headers)
        assert r.status_code == 422, (repr(text), r.text)
        assert r.json()["errors"][0]["message"] == "must not contain control characters"
        r = await client.post(
            f"{API}/users",
            json={"username": "ana", "name": text, "password": "long enough", "role": "clerk"},
            headers=owner.headers,
        )
        assert r.status_code == 422, (repr(text), r.text)
    listed = await client.get(f"{API}/customers", headers=owner.headers)
    assert listed.json()["items"] == []
