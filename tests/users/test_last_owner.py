"""The last active owner can be neither demoted nor deactivated (409 ``last-owner``): nobody
could manage users, stores or merges any more."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import select, text

from custledger.auth.models import PrincipalRow
from tests.merge.helpers import wait_for_lock_waiters

USERS = "/api/v1/users"


async def owners(session) -> list[int]:
    await session.rollback()  # a fresh snapshot
    rows = await session.scalars(
        select(PrincipalRow).where(PrincipalRow.kind == "user", PrincipalRow.active.is_(True))
    )
    return sorted(r.id for r in rows if "owner" in r.permissions)


def assert_last_owner(r) -> None:
    assert r.status_code == 409, r.text
    assert r.headers["content-type"].startswith("application/problem+json")
    assert r.json()["type"] == "last-owner"


@pytest.mark.parametrize(
    "change",
    [
        {"role": "clerk"},
        {"role": "manager"},
        {"active": False},
        {"permissions": ["customers:read", "sales:manage"]},
        {"role": "owner", "permissions": ["customers:read"]},
        {"role": "clerk", "active": True},
    ],
)
async def test_the_only_owner_cannot_take_ownership_away_from_themselves(
    client, owner, session, change
):
    r = await client.patch(f"{USERS}/{owner.id}", json=change, headers=owner.headers)
    assert_last_owner(r)
    assert await owners(session) == [owner.id]
    # Nothing changed: the owner still manages users.
    assert (await client.get(USERS, headers=owner.headers)).status_code == 200


async def test_the_last_owner_may_still_change_their_name_and_password(client, owner):
    r = await client.patch(
        f"{USERS}/{owner.id}",
        json={"name": "Dona Rosa", "password": "another-password-1", "active": True},
        headers=owner.headers,
    )
    assert r.status_code == 200, r.text
    assert r.json()["role"] == "owner"


async def test_with_a_second_owner_one_may_go_but_not_both(client, owner, make_actor, session):
    other = await make_actor("owner", name="second-owner")
    r = await client.patch(f"{USERS}/{other.id}", json={"active": False}, headers=owner.headers)
    assert r.status_code == 200, r.text
    assert await owners(session) == [owner.id]
    r = await client.patch(f"{USERS}/{owner.id}", json={"role": "manager"}, headers=owner.headers)
    assert_last_owner(r)
    # Reactivating the second owner lets the first step down.
    r = await client.patch(f"{USERS}/{other.id}", json={"active": True}, headers=owner.headers)
    assert r.status_code == 200
    r = await client.patch(f"{USERS}/{owner.id}", json={"role": "manager"}, headers=owner.headers)
    assert r.status_code == 200, r.text
    assert await owners(session) == [other.id]


async def test_an_inactive_owner_or_an_owner_api_client_does_not_count(
    client, owner, make_actor, session
):
    await make_actor("owner", name="gone-owner")
    await session.execute(
        text("UPDATE principals SET active = false WHERE username = 'gone-owner'")
    )
    await session.commit()
    await make_actor("pos-terminal", name="till", permissions=["owner", "orders:write"])
    r = await client.patch(f"{USERS}/{owner.id}", json={"role": "clerk"}, headers=owner.headers)
    assert_last_owner(r)


async def test_demoting_someone_who_is_not_an_owner_is_not_guarded(client, owner, manager):
    r = await client.patch(f"{USERS}/{manager.id}", json={"active": False}, headers=owner.headers)
    assert r.status_code == 200
    r = await client.patch(f"{USERS}/{manager.id}", json={"role": "clerk"}, headers=owner.headers)
    assert r.status_code == 200


@pytest.mark.postgres
async def test_two_owners_demoting_each_other_at_once_leave_one_owner(
    client, owner, make_actor, session, database
):
    other = await make_actor("owner", name="second-owner")
    # Hold the users' rows so both requests are inside their transactions, waiting, before
    # either decides: without the lock both would see two owners and both would succeed.
    async with database.sessionmaker() as holder:
        await holder.execute(text("SELECT id FROM principals FOR UPDATE"))
        first = asyncio.create_task(
            client.patch(f"{USERS}/{other.id}", json={"role": "clerk"}, headers=owner.headers)
        )
        second = asyncio.create_task(
            client.patch(f"{USERS}/{owner.id}", json={"role": "clerk"}, headers=other.headers)
        )
        await wait_for_lock_waiters(session, 2)
        await holder.rollback()
    answers = sorted([(await first).status_code, (await second).status_code])
    assert answers == [200, 409]
    assert len(await owners(session)) == 1
