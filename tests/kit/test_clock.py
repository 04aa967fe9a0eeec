""" "Today" is the date in the business time zone, never UTC's."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from custledger.kit import clock


def test_late_evening_in_sao_paulo_is_still_today_although_utc_is_tomorrow():
    with clock.pinned(datetime(2026, 3, 10, 2, 30, tzinfo=UTC)):  # 23:30 on the 9th in São Paulo
        assert clock.today() == date(2026, 3, 9)
    with clock.pinned(datetime(2026, 3, 10, 3, 0, tzinfo=UTC)):  # midnight in São Paulo
        assert clock.today() == date(2026, 3, 10)


def test_pinning_needs_an_aware_datetime_and_is_undone():
    with pytest.raises(ValueError), clock.pinned(datetime(2026, 1, 1)):
        pass
    at = datetime(2020, 1, 1, tzinfo=UTC)
    with clock.pinned(at):
        assert clock.now() == at
    assert clock.now() > at
