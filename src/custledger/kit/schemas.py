"""Base models for request and response bodies."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Path
from pydantic import BaseModel, ConfigDict, Field, field_validator

from custledger.kit.text import has_control_characters


class Input(BaseModel):
    """A request body: unknown or read-only fields are refused (no mass assignment), text is
    trimmed, and control characters (NUL included) never reach the database."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    @field_validator("*", mode="after")
    @classmethod
    def _no_control_characters(cls, value: Any) -> Any:
        if isinstance(value, str) and has_control_characters(value):
            raise ValueError("must not contain control characters")
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
