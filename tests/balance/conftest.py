from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime

import pytest

from custledger.kit import clock
from tests.payments.support import NOON


@pytest.fixture(autouse=True)
def noon() -> Iterator[datetime]:
    """The business clock pinned at noon on 2026-03-10 (São Paulo) for every test here."""
    with clock.pinned(NOON):
        yield NOON
