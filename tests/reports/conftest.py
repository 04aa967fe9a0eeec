"""Every report test runs with the clock pinned on TODAY (tests/reports/helpers.py)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from custledger.kit import clock
from tests.reports.helpers import NOW, TODAY, Ledger, bearer


@pytest.fixture(autouse=True)
def pinned_today() -> Iterator[None]:
    with clock.pinned(NOW):
        assert clock.today() == TODAY
        yield


@pytest.fixture
def make_actor(make_actor):
    """The root fixture's actors, with tokens valid under the pinned clock (see ``bearer``)."""

    async def make(*args, **kwargs):
        actor = await make_actor(*args, **kwargs)
        actor.headers = bearer(actor.id)
        return actor

    return make


@pytest.fixture
async def ledger(session, owner) -> Ledger:
    return Ledger(session, owner.id)
