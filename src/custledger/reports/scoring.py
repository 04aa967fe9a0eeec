"""The credit report's observations and warning flag: a pure function of a few facts.

Every threshold is a named constant below; docs/decisions/reports.md explains each one and the
tests in tests/reports/test_observations.py prove both sides of every edge.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from typing import Literal

from custledger.kit.money import format_money
from custledger.reports.allocation import round_half_up

# The reference: most businesses get paid within 35 days; past 90 days is a warning sign;
# past 120 days calls for stronger recommendations.
NORMAL_TERMS_DAYS = 35
WARNING_DAYS = 90
STRONG_DAYS = 120
# Fewer orders than this: too little history to conclude anything strong.
LIMITED_HISTORY_ORDERS = 3
# An excellent client needs twice the minimum history, all of it paid on time.
EXCELLENT_MIN_ORDERS = 6
# Prolonged high indebtedness: at least this share of everything delivered is unpaid ...
HIGH_INDEBTEDNESS_PERCENT = 50
# ... and the oldest unpaid delivery is older than this.
PROLONGED_DAYS = WARNING_DAYS
# DETERIORATING compares the first and last thirds of at least this many deliveries.
DETERIORATION_MIN_DELIVERIES = 3

# Any cheque returned unpaid within this many months raises RETURNED_CHEQUES.
RETURNED_CHEQUES_MONTHS = 12

# `high`: a fact (not a trend) that calls for attention before the next credit sale.
Severity = Literal["info", "warning", "high", "critical"]
_SEVERITY_ORDER = {"critical": 0, "high": 1, "warning": 2, "info": 3}


class ObservationCode(StrEnum):
    PAYS_ON_TIME = "PAYS_ON_TIME"
    PAYS_LATE = "PAYS_LATE"
    SLOW_PAYER = "SLOW_PAYER"
    DETERIORATING = "DETERIORATING"
    CONSIDER_INVOICING = "CONSIDER_INVOICING"
    CONSIDER_BLOCKING = "CONSIDER_BLOCKING"
    EXCELLENT_CLIENT = "EXCELLENT_CLIENT"
    LIMITED_HISTORY = "LIMITED_HISTORY"
    BLOCKED = "BLOCKED"
    PROLONGED_HIGH_INDEBTEDNESS = "PROLONGED_HIGH_INDEBTEDNESS"
    RETURNED_CHEQUES = "RETURNED_CHEQUES"


@dataclass(frozen=True, slots=True)
class Facts:
    today: date
    order_count: int
    blocked: bool
    next_invoice_date: date | None
    total_delivered: int
    outstanding: int
    # Amount-weighted over allocated slices; None when nothing was ever paid.
    average_days_to_pay: int | None
    # Age of the oldest delivery not fully paid; None when nothing is owed.
    oldest_unpaid_days: int | None
    # Known per-delivery delays, in delivery order (allocation.delivery_delays).
    delivery_delays: Sequence[int] = ()
    # Cheques returned unpaid: (returned_on, amount), any date (``returned_since`` picks).
    returned_cheques: Sequence[tuple[date, int]] = ()


def returned_since(today: date) -> date:
    """The first day of the RETURNED_CHEQUES window: the same day RETURNED_CHEQUES_MONTHS
    months ago (the 28th for a 29 February)."""
    years, months = divmod(today.month - 1 - RETURNED_CHEQUES_MONTHS, 12)
    year, month = today.year + years, months + 1
    day = today.day
    while True:
        try:
            return date(year, month, day)
        except ValueError:
            day -= 1


@dataclass(frozen=True, slots=True)
class Observation:
    code: ObservationCode
    severity: Severity
    message: str


@dataclass(slots=True)
class Assessment:
    observations: list[Observation] = field(default_factory=list)
    warning: bool = False
    warning_reasons: list[ObservationCode] = field(default_factory=list)

    def codes(self) -> list[ObservationCode]:
        return [o.code for o in self.observations]


def payment_delay(facts: Facts) -> int | None:
    """The worse of the average days to pay and the age of the oldest unpaid delivery: a
    customer who paid promptly long ago but owes old deliveries now is not paying on time."""
    known = [d for d in (facts.average_days_to_pay, facts.oldest_unpaid_days) if d is not None]
    return max(known) if known else None


def early_and_recent(delays: Sequence[int]) -> tuple[int, int] | None:
    """Mean delay of the first third and of the last third of the deliveries (whole days)."""
    if len(delays) < DETERIORATION_MIN_DELIVERIES:
        return None
    third = len(delays) // 3
    early, recent = delays[:third], delays[-third:]
    return round_half_up(sum(early), third), round_half_up(sum(recent), third)


def is_high_indebtedness(facts: Facts) -> bool:
    return (
        facts.total_delivered > 0
        and facts.outstanding * 100 >= HIGH_INDEBTEDNESS_PERCENT * facts.total_delivered
    )


def _plural(count: int, word: str) -> str:
    return f"{count} {word}" if count == 1 else f"{count} {word}s"


def _delay_phrase(facts: Facts, delay: int) -> str:
    average = facts.average_days_to_pay
    oldest = facts.oldest_unpaid_days
    if oldest is not None and oldest == delay and (average is None or oldest > average):
        return f"the oldest unpaid delivery is {_plural(oldest, 'day')} old"
    return f"takes {_plural(delay, 'day')} on average to pay"


def assess(facts: Facts) -> Assessment:
    found: list[Observation] = []
    limited = facts.order_count < LIMITED_HISTORY_ORDERS
    delay = payment_delay(facts)
    oldest = facts.oldest_unpaid_days

    pattern: ObservationCode | None = None
    has_pattern = facts.average_days_to_pay is not None or (
        oldest is not None and oldest > NORMAL_TERMS_DAYS
    )
    if has_pattern and delay is not None:
        phrase = _delay_phrase(facts, delay)
        if delay <= NORMAL_TERMS_DAYS:
            pattern = ObservationCode.PAYS_ON_TIME
            found.append(
                Observation(
                    pattern,
                    "info",
                    f"Pays on time: {phrase}, within the normal {NORMAL_TERMS_DAYS}-day terms.",
                )
            )
        elif delay <= WARNING_DAYS:
            pattern = ObservationCode.PAYS_LATE
            found.append(
                Observation(
                    pattern,
                    "warning",
                    f"Pays late: {phrase}, beyond the normal {NORMAL_TERMS_DAYS}-day terms.",
                )
            )
        else:
            pattern = ObservationCode.SLOW_PAYER
            strong = delay > STRONG_DAYS
            limit = STRONG_DAYS if strong else WARNING_DAYS
            found.append(
                Observation(
                    pattern,
                    "critical" if strong else "warning",
                    f"Slow payer: {phrase}, more than {limit} days. Customers this slow "
                    "affect cash flow disproportionately.",
                )
            )

    deteriorating = False
    thirds = early_and_recent(facts.delivery_delays)
    if not limited and thirds is not None:
        early, recent = thirds
        if early <= NORMAL_TERMS_DAYS < recent:
            deteriorating = True
            found.append(
                Observation(
                    ObservationCode.DETERIORATING,
                    "warning",
                    f"Deteriorating: early deliveries were paid in {_plural(early, 'day')} on "
                    f"average, recent ones take {_plural(recent, 'day')}. Paying promptly at "
                    "first and falling behind once trusted is a known risk pattern.",
                )
            )

    invoice_scheduled = (
        facts.next_invoice_date is not None and facts.next_invoice_date >= facts.today
    )
    if oldest is not None and oldest > NORMAL_TERMS_DAYS and not invoice_scheduled:
        found.append(
            Observation(
                ObservationCode.CONSIDER_INVOICING,
                "warning",
                f"Consider invoicing: {format_money(facts.outstanding)} is unpaid and the oldest "
                f"unpaid delivery is {_plural(oldest, 'day')} old, past the "
                f"{NORMAL_TERMS_DAYS}-day terms; "
                + (
                    "no invoice date is scheduled."
                    if facts.next_invoice_date is None
                    else f"the invoice date {facts.next_invoice_date.isoformat()} has passed."
                ),
            )
        )

    if not limited and not facts.blocked and delay is not None and delay > STRONG_DAYS:
        found.append(
            Observation(
                ObservationCode.CONSIDER_BLOCKING,
                "critical",
                f"Consider blocking further credit sales: {_delay_phrase(facts, delay)}, "
                f"more than {STRONG_DAYS} days. This is a suggestion; use your judgement.",
            )
        )

    reasons: list[ObservationCode] = []
    if facts.blocked:
        reasons.append(ObservationCode.BLOCKED)
        found.append(
            Observation(
                ObservationCode.BLOCKED, "critical", "The customer is blocked for credit sales."
            )
        )
    since = returned_since(facts.today)
    bounced = [(on, amount) for on, amount in facts.returned_cheques if on >= since]
    if bounced:
        reasons.append(ObservationCode.RETURNED_CHEQUES)
        latest = max(on for on, _ in bounced)
        found.append(
            Observation(
                ObservationCode.RETURNED_CHEQUES,
                "high",
                f"Returned cheques: {_plural(len(bounced), 'cheque')} came back unpaid in the "
                f"last {RETURNED_CHEQUES_MONTHS} months "
                f"({format_money(sum(a for _, a in bounced))}), the latest on "
                f"{latest.isoformat()}. Prefer other means of payment.",
            )
        )
    if is_high_indebtedness(facts) and oldest is not None and oldest > PROLONGED_DAYS:
        reasons.append(ObservationCode.PROLONGED_HIGH_INDEBTEDNESS)
        found.append(
            Observation(
                ObservationCode.PROLONGED_HIGH_INDEBTEDNESS,
                "critical",
                f"Prolonged high indebtedness: {format_money(facts.outstanding)} of "
                f"{format_money(facts.total_delivered)} delivered is unpaid (at least "
                f"{HIGH_INDEBTEDNESS_PERCENT}%) and the oldest unpaid delivery is "
                f"{_plural(oldest, 'day')} old.",
            )
        )

    if (
        facts.order_count >= EXCELLENT_MIN_ORDERS
        and pattern is ObservationCode.PAYS_ON_TIME
        and not facts.blocked
        and not deteriorating
    ):
        found.append(
            Observation(
                ObservationCode.EXCELLENT_CLIENT,
                "info",
                f"Excellent client: {_plural(facts.order_count, 'order')}, paid within the "
                f"normal {NORMAL_TERMS_DAYS}-day terms, nothing overdue.",
            )
        )

    if limited:
        found.append(
            Observation(
                ObservationCode.LIMITED_HISTORY,
                "info",
                f"Limited history: {_plural(facts.order_count, 'order')} so far, too few for "
                "strong conclusions. Until a solid payment record is built up, cash sales "
                "(even at a small discount) are worth considering.",
            )
        )

    found.sort(key=lambda o: _SEVERITY_ORDER[o.severity])
    return Assessment(observations=found, warning=bool(reasons), warning_reasons=reasons)
