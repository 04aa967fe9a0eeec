"""Every report test runs with the clock pinned on TODAY (tests/reports/helpers.py)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from custledger.kit import clock
from tests.reports.helpers import NOW, TODAY, Ledger


@pytest.fixture(autouse=True)
def pinned_today() -> Iterator[None]:
    with clock.pinned(NOW):
        assert clock.today() == TODAY
        yield


@pytest.fixture
async def ledger(session, owner) -> Ledger:
    return Ledger(session, owner.id)
