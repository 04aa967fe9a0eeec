"""The business clock: "today" is the calendar date in the business time zone, never UTC's.

Tests pin the clock with ``pinned(...)``; everything that needs the time asks here.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime

from custledger.config import get_settings

_pinned: datetime | None = None


def now() -> datetime:
    """The current instant, timezone-aware UTC."""
    return _pinned if _pinned is not None else datetime.now(UTC)


def today() -> date:
    """The calendar date now in the business time zone."""
    return now().astimezone(get_settings().zone).date()


def business_date(instant: datetime) -> date:
    return instant.astimezone(get_settings().zone).date()


@contextmanager
def pinned(at: datetime) -> Iterator[None]:
    """Freeze ``now()`` at ``at`` (timezone-aware) for the duration of the block."""
    global _pinned
    if at.tzinfo is None:
        raise ValueError("pin the clock with a timezone-aware datetime")
    previous, _pinned = _pinned, at.astimezone(UTC)
    try:
        yield
    finally:
        _pinned = previous
