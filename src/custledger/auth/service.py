"""Logging in: the password grant for users, client credentials for API clients.

Failures say nothing about which part was wrong, and an unknown name costs the same hashing
time as a wrong password. Repeated failures for one principal are throttled with a growing
delay (429 with Retry-After) that expires by itself, so a real user is never locked out for good.
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from custledger.auth.models import PrincipalRow
from custledger.auth.passwords import verify_secret
from custledger.kit import clock, metrics
from custledger.kit.errors import TooManyRequests, Unauthorized

FREE_ATTEMPTS = 5
FIRST_DELAY = timedelta(seconds=15)
MAX_DELAY = timedelta(minutes=15)


def _refused() -> Unauthorized:
    return Unauthorized("Invalid credentials.", type="invalid-credentials", error="invalid_grant")


def _check_throttle(row: PrincipalRow) -> None:
    now = clock.now()
    if row.throttled_until is not None and row.throttled_until > now:
        wait = int((row.throttled_until - now).total_seconds()) + 1
        metrics.login_throttled()
        raise TooManyRequests(
            "Too many failed attempts. Wait before trying again.",
            type="login-throttled",
            headers={"Retry-After": str(wait)},
            retry_after=wait,
        )


async def _login(
    session: AsyncSession, row: PrincipalRow | None, secret: str, hashed: str | None
) -> PrincipalRow:
    if row is not None:
        _check_throttle(row)
    ok = verify_secret(secret, hashed if row is not None else None)
    if row is None:
        raise _refused()
    if not ok or not row.active:
        if not ok:
            row.failed_logins += 1
            excess = row.failed_logins - FREE_ATTEMPTS
            if excess >= 0:
                delay = min(FIRST_DELAY * (2**excess), MAX_DELAY)
                row.throttled_until = clock.now() + delay
                metrics.login_throttle_started()
        # Committed even though the request fails: the count must survive the refusal.
        await session.commit()
        raise _refused()
    if row.failed_logins or row.throttled_until:
        row.failed_logins = 0
        row.throttled_until = None
    return row


async def login_user(session: AsyncSession, username: str, password: str) -> PrincipalRow:
    row = await session.scalar(
        select(PrincipalRow).where(PrincipalRow.username == username, PrincipalRow.kind == "user")
    )
    return await _login(session, row, password, row.password_hash if row else None)


async def login_client(session: AsyncSession, client_id: str, secret: str) -> PrincipalRow:
    row = await session.scalar(
        select(PrincipalRow).where(
            PrincipalRow.client_id == client_id, PrincipalRow.kind == "api_client"
        )
    )
    return await _login(session, row, secret, row.secret_hash if row else None)
