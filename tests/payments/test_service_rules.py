"""The payment rules as the service states them (no HTTP, no database): every principal kind,
every side of "today", and the time-zone edge."""

from __future__ import annotations

from datetime import date

import pytest

from custledger.auth.principal import Principal
from custledger.auth.roles import ROLE_PERMISSIONS, Role
from custledger.kit import clock
from custledger.kit.errors import Forbidden, Unprocessable
from custledger.payments.models import Payment
from custledger.payments.rules import check_may_change, check_received_dates
from tests.payments.conftest import PRIVILEGED, ROLES
from tests.payments.support import LATE_EVENING, TODAY, TOMORROW, YESTERDAY


def principal(role: str, principal_id: int = 1) -> Principal:
    return Principal(
        id=principal_id,
        kind="api_client" if role == "pos-terminal" else "user",
        name=role,
        store_id=1,
        permissions=frozenset(ROLE_PERMISSIONS[Role(role)]),
    )


def payment(recorded_by: int, received_on: date | None) -> Payment:
    return Payment(
        customer_id=1,
        recorded_by_id=recorded_by,
        method="CASH",
        amount=100,
        due_date=TODAY,
        received_on=received_on,
    )


@pytest.mark.parametrize("role", ROLES)
def test_future_received_date_is_unprocessable_for_every_role(role):
    with pytest.raises(Unprocessable) as refused:
        check_received_dates(principal(role), [("received_on", TOMORROW)])
    assert refused.value.problem_type == "received-date-in-future"
    assert refused.value.extensions["errors"][0]["field"] == "received_on"


@pytest.mark.parametrize("role", ROLES)
def test_backdating_is_forbidden_only_without_privilege(role):
    check = [("received_on", YESTERDAY)]
    if role in PRIVILEGED:
        check_received_dates(principal(role), check)
    else:
        with pytest.raises(Forbidden) as refused:
            check_received_dates(principal(role), check)
        assert refused.value.problem_type == "backdating-not-allowed"


@pytest.mark.parametrize("role", ROLES)
def test_today_and_pending_are_fine_for_every_role(role):
    check_received_dates(principal(role), [("received_on", TODAY), ("other", None)])


def test_every_offending_batch_field_is_named():
    with pytest.raises(Forbidden) as refused:
        check_received_dates(
            principal("clerk"),
            [
                ("cheques.0.received_on", TODAY),
                ("cheques.1.received_on", YESTERDAY),
                ("cheques.2.received_on", date(2026, 1, 1)),
            ],
        )
    fields = [e["field"] for e in refused.value.extensions["errors"]]
    assert fields == ["cheques.1.received_on", "cheques.2.received_on"]


def test_future_dates_are_reported_before_backdated_ones():
    with pytest.raises(Unprocessable):
        check_received_dates(principal("clerk"), [("a", YESTERDAY), ("b", TOMORROW)])


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(
    ("own", "received_on", "allowed_without_privilege"),
    [
        (True, TODAY, True),
        (True, None, True),
        (True, TOMORROW, True),
        (True, YESTERDAY, False),
        (False, TODAY, False),
        (False, None, False),
    ],
)
def test_who_may_change_a_payment(role, own, received_on, allowed_without_privilege):
    actor = principal(role, principal_id=7)
    stored = payment(recorded_by=7 if own else 8, received_on=received_on)
    if role in PRIVILEGED or allowed_without_privilege:
        check_may_change(actor, stored)
    else:
        with pytest.raises(Forbidden) as refused:
            check_may_change(actor, stored)
        assert refused.value.problem_type == "payment-not-editable"


def test_at_2330_in_sao_paulo_today_is_still_the_9th():
    with clock.pinned(LATE_EVENING):
        assert clock.today() == date(2026, 3, 9)
        with pytest.raises(Unprocessable):
            check_received_dates(principal("owner"), [("received_on", date(2026, 3, 10))])
        check_received_dates(principal("clerk"), [("received_on", date(2026, 3, 9))])
        check_may_change(principal("clerk", 7), payment(7, date(2026, 3, 9)))
