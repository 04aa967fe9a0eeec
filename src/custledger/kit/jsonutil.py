"""JSON encoding used for responses and stored idempotent replies."""

from __future__ import annotations

from typing import Any

import orjson


def dumps(value: Any) -> bytes:
    # UTC datetimes end in "Z", as Pydantic writes them: one spelling in every response.
    return orjson.dumps(value, option=orjson.OPT_UTC_Z)


def loads(data: bytes | str) -> Any:
    return orjson.loads(data)
