"""Base models for request and response bodies."""

from __future__ import annotations

import re
import types
from datetime import date, datetime
from typing import Annotated, Any, Union, get_args, get_origin

from annotated_types import MaxLen
from fastapi import Path
from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationInfo,
    field_validator,
)
from pydantic.fields import FieldInfo
from pydantic_core import PydanticCustomError

from custledger.kit.text import has_control_characters

# What `has_control_characters` refuses, as a JSON Schema pattern (ECMA and Python alike):
# published on every string of a request body so clients and fuzzers know the rule.
NO_CONTROL_CHARACTERS = "^[^\\u0000-\\u0008\\u000b\\u000c\\u000e-\\u001f]*$"


def _publish_no_control_characters(schema: Any) -> None:
    """Add the pattern to every string schema of a property that has none of its own."""
    if isinstance(schema, dict):
        if schema.get("type") == "string" and not {"pattern", "enum", "format"} & schema.keys():
            schema["pattern"] = NO_CONTROL_CHARACTERS
        for key in ("anyOf", "oneOf", "allOf"):
            for branch in schema.get(key, ()):
                _publish_no_control_characters(branch)
        if "items" in schema:
            _publish_no_control_characters(schema["items"])


def input_json_schema(schema: dict[str, Any]) -> None:
    for prop in schema.get("properties", {}).values():
        _publish_no_control_characters(prop)


def no_control_characters(value: str | None) -> str | None:
    if value is not None and has_control_characters(value):
        raise ValueError("must not contain control characters")
    return value


# Free text in a query string or a form: like a body's strings, control characters (NUL
# included) are a 422 and never reach the database; the pattern says so in the document.
PlainText = Annotated[str, AfterValidator(no_control_characters)]
NO_CONTROL = {"pattern": NO_CONTROL_CHARACTERS}


_ISO_DATE = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")


def iso_date(value: Any) -> Any:
    """Only ``YYYY-MM-DD`` is a date: Pydantic alone would also take Unix timestamps (``0``,
    ``"0.0"``) and midnight datetimes, which the OpenAPI `format: date` does not allow."""
    if isinstance(value, date) and not isinstance(value, datetime):
        return value
    if isinstance(value, str) and _ISO_DATE.match(value):
        return value
    raise ValueError("must be a date written YYYY-MM-DD")


# A date in a query or path: ``YYYY-MM-DD`` only.
IsoDate = Annotated[date, BeforeValidator(iso_date)]


def _annotated_as(annotation: Any, kind: type) -> bool:
    if annotation is kind:
        return True
    if get_origin(annotation) in (Union, types.UnionType):
        return any(_annotated_as(arg, kind) for arg in get_args(annotation))
    if get_origin(annotation) is Annotated:
        return _annotated_as(get_args(annotation)[0], kind)
    return False


def not_null(schema: dict[str, Any]) -> None:
    """``json_schema_extra`` of an optional field that refuses ``null``: the document offers no
    ``null`` branch, and ``Input`` refuses an explicit ``null`` while it validates the body, so
    the refusal (422) comes before any judgement of the record (an ``If-Match`` 412, a 403)."""
    branches = schema.get("anyOf")
    if branches is None:
        return
    kept = [b for b in branches if b.get("type") != "null"]
    schema.pop("anyOf")
    if len(kept) == 1:
        schema.update(kept[0])
    else:
        schema["anyOf"] = kept


def _max_length(annotation: Any) -> int | None:
    """The ``max_length`` of a string annotation (inside ``Annotated`` and unions), if any."""
    if isinstance(annotation, FieldInfo):
        return _max_length_of(annotation.metadata)
    origin = get_origin(annotation)
    if origin is Annotated:
        base, *extras = get_args(annotation)
        own = _max_length_of(extras)
        for extra in extras:
            if isinstance(extra, FieldInfo) and own is None:
                own = _max_length_of(extra.metadata)
        return own if own is not None else _max_length(base)
    if origin in (Union, types.UnionType):
        found = [n for n in map(_max_length, get_args(annotation)) if n is not None]
        return max(found) if found else None
    return None


def _max_length_of(metadata: Any) -> int | None:
    for item in metadata:
        if isinstance(item, MaxLen):
            return int(item.max_length)
    return None


def text_max_length(field: FieldInfo) -> int | None:
    """The ``max_length`` of a body field (on the field or inside its annotation), if any."""
    own = _max_length_of(field.metadata)
    return own if own is not None else _max_length(field.annotation)


class Input(BaseModel):
    """A request body: unknown or read-only fields are refused (no mass assignment), text is
    trimmed, and control characters (NUL included) never reach the database.

    A text's ``maxLength`` and its control characters are judged on the string as sent, before
    the trimming: the document speaks of the JSON string, so 21 spaces are not a 20-character
    tax id, and a name ending in a vertical tab is refused rather than trimmed."""

    model_config = ConfigDict(
        extra="forbid", str_strip_whitespace=True, json_schema_extra=input_json_schema
    )

    @field_validator("*", mode="before")
    @classmethod
    def _judged_as_sent(cls, value: Any, info: ValidationInfo) -> Any:
        """Text (control characters, maxLength), booleans and dates as the client sent them."""
        field = cls.model_fields.get(info.field_name or "")
        if value is None or field is None:
            return value
        if isinstance(value, str):
            # Judged on the text as sent: trimming would take a control character (a vertical
            # tab, a form feed) off either end, and the document refuses it anywhere.
            if has_control_characters(value):
                raise ValueError("must not contain control characters")
            limit = text_max_length(field)
            if limit is not None and len(value) > limit:
                raise PydanticCustomError(
                    "string_too_long",
                    "String should have at most {max_length} characters",
                    {"max_length": limit},
                )
        if _annotated_as(field.annotation, bool):
            # JSON true or false only: lax parsing took 0, 1, "yes" and "off" as booleans,
            # which the document (type boolean) refuses.
            if not isinstance(value, bool):
                raise ValueError("must be true or false")
            return value
        if not _annotated_as(field.annotation, date):
            return value
        return iso_date(value)

    @field_validator("*", mode="after")
    @classmethod
    def _not_null(cls, value: Any, info: ValidationInfo) -> Any:
        if value is None:
            # Runs only for fields the body sets (defaults are not validated).
            field = cls.model_fields.get(info.field_name or "")
            if field is not None and field.json_schema_extra is not_null:
                raise ValueError("must not be null")
        return value


class Output(BaseModel):
    model_config = ConfigDict(from_attributes=True)


MAX_ID = 2**31 - 1


def id_path(description: str = "Identifier.") -> Any:
    return Path(ge=1, le=MAX_ID, description=description)


# An id in a path: out-of-range integers are a 422, never a database error.
Id = Annotated[int, id_path()]
# An id in a body or query.
IdField = Annotated[int, Field(ge=1, le=MAX_ID)]
