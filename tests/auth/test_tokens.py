"""Tokens: both grants, and every way a token can be wrong gives 401."""

from __future__ import annotations

import base64
import json
from datetime import UTC, datetime, timedelta

import pytest
from jose import jwt

from custledger.auth import tokens
from custledger.config import get_settings
from custledger.kit import clock
from custledger.kit.errors import Unauthorized
from tests.conftest import TEST_PASSWORD

TOKEN = "/api/v1/auth/token"
ME = "/api/v1/auth/me"


def _claims(principal_id: int, **overrides: object) -> dict[str, object]:
    settings = get_settings()
    now = int(clock.now().timestamp())
    claims: dict[str, object] = {
        "sub": str(principal_id),
        "iss": settings.token_issuer,
        "aud": settings.token_audience,
        "iat": now,
        "exp": now + 600,
        "jti": "abc",
    }
    claims.update(overrides)
    return {k: v for k, v in claims.items() if v is not None}


def _sign(claims: dict[str, object], key: str | None = None) -> str:
    return jwt.encode(claims, key or get_settings().secret_key, algorithm="HS256")


async def _me(client, token: str):
    return await client.get(ME, headers={"Authorization": f"Bearer {token}"})


async def test_password_grant_gives_a_working_bearer_token(client, owner):
    r = await client.post(
        TOKEN, data={"grant_type": "password", "username": "owner", "password": TEST_PASSWORD}
    )
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["token_type"] == "bearer"
    assert body["expires_in"] == get_settings().token_ttl_minutes * 60
    me = await _me(client, body["access_token"])
    assert me.status_code == 200
    assert me.json()["id"] == owner.id
    assert me.json()["kind"] == "user"
    assert "owner" in me.json()["permissions"]


async def test_client_credentials_grant_in_form_and_basic(client, pos):
    form = {
        "grant_type": "client_credentials",
        "client_id": "cl_pos",
        "client_secret": TEST_PASSWORD,
    }
    r = await client.post(TOKEN, data=form)
    assert r.status_code == 200, r.text
    me = await _me(client, r.json()["access_token"])
    assert me.json()["kind"] == "api_client"
    assert me.json()["id"] == pos.id

    basic = base64.b64encode(f"cl_pos:{TEST_PASSWORD}".encode()).decode()
    r = await client.post(
        TOKEN,
        data={"grant_type": "client_credentials"},
        headers={"Authorization": f"Basic {basic}"},
    )
    assert r.status_code == 200, r.text


async def test_login_failure_does_not_reveal_whether_the_username_exists(client, owner):
    wrong_password = await client.post(
        TOKEN, data={"grant_type": "password", "username": "owner", "password": "nope-nope-nope"}
    )
    unknown_user = await client.post(
        TOKEN, data={"grant_type": "password", "username": "ghost", "password": "nope-nope-nope"}
    )
    assert wrong_password.status_code == unknown_user.status_code == 401
    assert wrong_password.headers["content-type"] == "application/problem+json"
    strip = lambda body: {k: v for k, v in body.items() if k != "request_id"}  # noqa: E731
    assert strip(wrong_password.json()) == strip(unknown_user.json())


async def test_wrong_client_secret_is_refused(client, pos):
    r = await client.post(
        TOKEN,
        data={"grant_type": "client_credentials", "client_id": "cl_pos", "client_secret": "bad"},
    )
    assert r.status_code == 401


async def test_unsupported_grant_type_is_a_problem(client):
    r = await client.post(TOKEN, data={"grant_type": "implicit"})
    assert r.status_code == 400
    assert r.json()["type"] == "unsupported-grant-type"


async def test_missing_token_is_401_with_www_authenticate(client):
    r = await client.get(ME)
    assert r.status_code == 401
    assert r.headers["content-type"] == "application/problem+json"
    assert r.headers["www-authenticate"].startswith("Bearer")


async def test_expired_token_is_401(client, owner):
    with clock.pinned(datetime.now(UTC) - timedelta(hours=5)):
        token, _ = tokens.issue(get_settings(), owner.id)
    assert (await _me(client, token)).status_code == 401


async def test_a_token_that_worked_is_401_once_it_expires(client, owner):
    """A token's signature is checked once per worker; its lifetime on every request."""
    issued = datetime.now(UTC)
    with clock.pinned(issued):
        token, ttl = tokens.issue(get_settings(), owner.id)
        assert (await _me(client, token)).status_code == 200
    with clock.pinned(issued + timedelta(seconds=ttl - 1)):
        assert (await _me(client, token)).status_code == 200
    with clock.pinned(issued + timedelta(seconds=ttl)):
        assert (await _me(client, token)).status_code == 401


async def test_a_token_is_401_under_another_secret_after_it_worked(client, owner):
    token, _ = tokens.issue(get_settings(), owner.id)
    assert (await _me(client, token)).status_code == 200
    other = get_settings().model_copy(update={"secret_key": "another-secret-" + "x" * 40})
    with pytest.raises(Unauthorized):
        tokens.principal_id_of(other, token)


@pytest.mark.parametrize(
    "change",
    [
        {"aud": "someone-else"},
        {"iss": "evil"},
        {"aud": None},
        {"iss": None},
        {"sub": None},
        {"exp": None},
        {"iat": None},
        {"jti": None},
        {"sub": "not-a-number"},
    ],
    ids=lambda c: "-".join(f"{k}={v}" for k, v in c.items()),
)
async def test_wrong_or_missing_claim_is_401(client, owner, change):
    assert (await _me(client, _sign(_claims(owner.id, **change)))).status_code == 401


async def test_not_yet_valid_token_is_401(client, owner):
    later = int(clock.now().timestamp()) + 3600
    token = _sign(_claims(owner.id, nbf=later, iat=later))
    assert (await _me(client, token)).status_code == 401


async def test_bad_signature_is_401(client, owner):
    token = _sign(_claims(owner.id), key="another-secret-entirely-0123456789")
    assert (await _me(client, token)).status_code == 401


async def test_tampered_payload_is_401(client, owner, clerk):
    header, payload, signature = tokens.issue(get_settings(), clerk.id)[0].split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=="))
    claims["sub"] = str(owner.id)
    forged = base64.urlsafe_b64encode(json.dumps(claims).encode()).decode().rstrip("=")
    assert (await _me(client, f"{header}.{forged}.{signature}")).status_code == 401


async def test_alg_none_token_is_401(client, owner):
    def b64(data: dict[str, object]) -> str:
        return base64.urlsafe_b64encode(json.dumps(data).encode()).decode().rstrip("=")

    token = f"{b64({'alg': 'none', 'typ': 'JWT'})}.{b64(_claims(owner.id))}."
    assert (await _me(client, token)).status_code == 401


async def test_unknown_principal_is_401(client):
    assert (await _me(client, _sign(_claims(999_999)))).status_code == 401


async def test_deactivated_principal_is_401_at_once(client, owner, clerk):
    assert (await client.get(ME, headers=clerk.headers)).status_code == 200
    r = await client.patch(
        f"/api/v1/users/{clerk.id}", json={"active": False}, headers=owner.headers
    )
    assert r.status_code == 200, r.text
    assert (await client.get(ME, headers=clerk.headers)).status_code == 401


async def test_revoked_permission_takes_effect_at_once(client, owner, manager):
    assert (await client.get("/api/v1/users", headers=manager.headers)).status_code == 403
    r = await client.patch(
        f"/api/v1/users/{manager.id}", json={"role": "owner"}, headers=owner.headers
    )
    assert r.status_code == 200
    assert (await client.get("/api/v1/users", headers=manager.headers)).status_code == 200
    r = await client.patch(
        f"/api/v1/users/{manager.id}", json={"role": "clerk"}, headers=owner.headers
    )
    assert (await client.get("/api/v1/users", headers=manager.headers)).status_code == 403


async def test_repeated_failed_logins_are_throttled_then_released(client, owner):
    bad = {"grant_type": "password", "username": "owner", "password": "wrong-password"}
    for _ in range(5):
        assert (await client.post(TOKEN, data=bad)).status_code == 401
    # Five failures in a row start the delay; now even the right password waits.
    good = {"grant_type": "password", "username": "owner", "password": TEST_PASSWORD}
    r = await client.post(TOKEN, data=good)
    assert r.status_code == 429
    assert int(r.headers["retry-after"]) > 0
    with clock.pinned(datetime.now(UTC) + timedelta(minutes=20)):
        r = await client.post(TOKEN, data=good)
        assert r.status_code == 200, r.text
