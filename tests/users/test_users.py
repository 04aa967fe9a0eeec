"""Owner-only administration of users and API clients."""

from __future__ import annotations

from sqlalchemy import select

from custledger.auth.models import PrincipalRow
from custledger.kit.audit import AuditEntry

USERS = "/api/v1/users"
CLIENTS = "/api/v1/api-clients"


async def test_owner_creates_a_user_who_can_log_in(client, owner):
    r = await client.post(
        USERS,
        json={"username": "maria", "password": "s3cret-passw0rd", "role": "clerk", "name": "Maria"},
        headers=owner.headers,
    )
    assert r.status_code == 201, r.text
    assert r.headers["location"] == f"{USERS}/{r.json()['id']}"
    body = r.json()
    assert body["role"] == "clerk"
    assert "payments:write" in body["permissions"]
    assert "sales:manage" not in body["permissions"]
    assert "password" not in r.text and "hash" not in r.text
    token = await client.post(
        "/api/v1/auth/token",
        data={"grant_type": "password", "username": "maria", "password": "s3cret-passw0rd"},
    )
    assert token.status_code == 200


async def test_clerk_cannot_manage_users_or_clients(client, clerk):
    for method, url in [
        ("GET", USERS),
        ("POST", USERS),
        ("GET", f"{USERS}/1"),
        ("PATCH", f"{USERS}/1"),
        ("GET", CLIENTS),
        ("POST", CLIENTS),
        ("PATCH", f"{CLIENTS}/1"),
    ]:
        r = await client.request(method, url, json={}, headers=clerk.headers)
        assert r.status_code in (403, 422), (method, url, r.status_code)
        if method == "GET":
            assert r.status_code == 403
            assert r.json()["type"] == "forbidden"


async def test_manager_is_not_owner(client, manager):
    assert (await client.get(USERS, headers=manager.headers)).status_code == 403


async def test_duplicate_username_is_409(client, owner):
    body = {"username": "joao", "password": "password-123", "role": "manager"}
    assert (await client.post(USERS, json=body, headers=owner.headers)).status_code == 201
    r = await client.post(USERS, json=body, headers=owner.headers)
    assert r.status_code == 409
    assert r.json()["type"] == "username-taken"


async def test_user_role_must_be_a_user_role(client, owner):
    r = await client.post(
        USERS,
        json={"username": "till", "password": "password-123", "role": "pos-terminal"},
        headers=owner.headers,
    )
    assert r.status_code == 422


async def test_short_password_is_422(client, owner):
    r = await client.post(
        USERS, json={"username": "ana", "password": "short", "role": "clerk"}, headers=owner.headers
    )
    assert r.status_code == 422
    assert r.json()["errors"][0]["field"] == "password"


async def test_api_client_secret_is_shown_once_and_stored_hashed(client, owner, session):
    r = await client.post(CLIENTS, json={"name": "Till 1"}, headers=owner.headers)
    assert r.status_code == 201, r.text
    created = r.json()
    secret = created["client_secret"]
    assert len(secret) >= 32
    listed = await client.get(CLIENTS, headers=owner.headers)
    assert secret not in listed.text and "client_secret" not in listed.text
    row = await session.scalar(select(PrincipalRow).where(PrincipalRow.id == created["id"]))
    assert row is not None and row.secret_hash != secret and secret not in row.secret_hash
    token = await client.post(
        "/api/v1/auth/token",
        data={
            "grant_type": "client_credentials",
            "client_id": created["client_id"],
            "client_secret": secret,
        },
    )
    assert token.status_code == 200


async def test_rotating_a_client_secret_stops_the_old_one(client, owner):
    created = (await client.post(CLIENTS, json={"name": "Till 2"}, headers=owner.headers)).json()
    r = await client.patch(
        f"{CLIENTS}/{created['id']}", json={"rotate_secret": True}, headers=owner.headers
    )
    assert r.status_code == 200
    new_secret = r.json()["client_secret"]
    assert new_secret and new_secret != created["client_secret"]

    def grant(secret: str) -> dict[str, str]:
        return {
            "grant_type": "client_credentials",
            "client_id": created["client_id"],
            "client_secret": secret,
        }

    assert (
        await client.post("/api/v1/auth/token", data=grant(created["client_secret"]))
    ).status_code == 401
    assert (await client.post("/api/v1/auth/token", data=grant(new_secret))).status_code == 200


async def test_user_changes_are_audited_without_secrets(client, owner, session):
    r = await client.post(
        USERS,
        json={"username": "pedro", "password": "password-123", "role": "clerk"},
        headers=owner.headers,
    )
    user_id = r.json()["id"]
    await client.patch(
        f"{USERS}/{user_id}",
        json={"password": "another-pass-1", "active": False},
        headers=owner.headers,
    )
    entries = (
        await session.scalars(
            select(AuditEntry).where(AuditEntry.entity_id == user_id).order_by(AuditEntry.id)
        )
    ).all()
    assert [e.action for e in entries] == ["user.create", "user.update"]
    assert entries[1].principal_id == owner.id
    assert entries[1].changes["before"] == {"active": True}
    assert entries[1].changes["after"] == {"active": False}
    assert entries[1].changes["credentials_changed"] is True
    assert "password-123" not in str([e.changes for e in entries])
    assert "argon2" not in str([e.changes for e in entries])


async def test_unknown_user_is_404(client, owner):
    r = await client.get(f"{USERS}/4242", headers=owner.headers)
    assert r.status_code == 404
    assert r.headers["content-type"] == "application/problem+json"
