"""The request id: taken from a sane ``X-Request-ID`` or made up, echoed on every response."""

from __future__ import annotations

import re
import uuid
from contextvars import ContextVar

_request_id: ContextVar[str | None] = ContextVar("request_id", default=None)
_SANE = re.compile(r"^[A-Za-z0-9._:-]{1,64}$")
HEADER = "X-Request-ID"


def current_request_id() -> str | None:
    return _request_id.get()


def begin(incoming: str | None) -> str:
    value = incoming if incoming and _SANE.match(incoming) else uuid.uuid4().hex
    _request_id.set(value)
    return value
