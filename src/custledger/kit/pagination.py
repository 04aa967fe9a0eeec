"""Opaque keyset cursors and bounded page sizes.

A cursor is the sort key of the last row a page returned, base64url-encoded JSON, tagged with
the listing it belongs to so a cursor of one list is refused by another. Keyset paging keeps a
deep page as cheap as the first and never skips or repeats rows when others are inserted.
"""

from __future__ import annotations

import base64
import binascii
from typing import Annotated, Any, Generic, TypeVar

from fastapi import Query
from pydantic import BaseModel, Field

from custledger.kit.errors import invalid
from custledger.kit.jsonutil import dumps, loads

MAX_PAGE_SIZE = 200


def encode_cursor(kind: str, key: list[Any]) -> str:
    return base64.urlsafe_b64encode(dumps([kind, *key])).decode().rstrip("=")


def decode_cursor(kind: str, cursor: str | None, arity: int) -> list[Any] | None:
    """The key carried by ``cursor``; a 422 if it is not one of ``kind``'s cursors."""
    if cursor is None or cursor == "":
        return None
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        value = loads(base64.urlsafe_b64decode(padded.encode("ascii")))
    except (ValueError, binascii.Error, UnicodeError):
        raise invalid("cursor", "not a cursor this list returned", "query") from None
    if not isinstance(value, list) or len(value) != arity + 1 or value[0] != kind:
        raise invalid("cursor", "not a cursor this list returned", "query")
    return value[1:]


def limit_query(default: int, maximum: int = MAX_PAGE_SIZE) -> Any:
    """``limit: Annotated[int, limit_query(20, 100)] = 20``: over ``maximum`` is a 422."""
    return Query(ge=1, le=maximum, description=f"Page size, 1 to {maximum} (default {default}).")


# ``limit: Limit = 50``
Limit = Annotated[int, limit_query(50)]
Cursor = Annotated[
    str | None,
    Query(max_length=512, description="`next_cursor` of the previous page; omit for the first."),
]


ItemT = TypeVar("ItemT")


class Page(BaseModel, Generic[ItemT]):
    items: list[ItemT]
    next_cursor: str | None = Field(
        description="Pass as `cursor` to get the next page; null on the last page."
    )
