"""Users and API clients: the principals, their roles, permissions, stores and credentials."""

from __future__ import annotations

import secrets
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from custledger.auth.models import PrincipalRow
from custledger.auth.passwords import hash_secret
from custledger.auth.roles import CLIENT_ROLES, ROLE_PERMISSIONS, USER_ROLES, Permission, Role
from custledger.kit import audit
from custledger.kit.errors import Conflict, NotFound, invalid
from custledger.stores import service as stores
from custledger.stores.service import DEFAULT_STORE_CODE

USER, API_CLIENT = "user", "api_client"


def snapshot(row: PrincipalRow) -> dict[str, Any]:
    """What the audit log keeps of a principal: never a password or secret hash."""
    return {
        "kind": row.kind,
        "name": row.name,
        "username": row.username,
        "client_id": row.client_id,
        "role": row.role,
        "permissions": sorted(row.permissions),
        "store_id": row.store_id,
        "active": row.active,
    }


def _permissions(role: Role, explicit: list[Permission] | None) -> list[str]:
    chosen = ROLE_PERMISSIONS[role] if explicit is None else frozenset(explicit)
    return sorted(str(p) for p in chosen)


async def _store_id(session: AsyncSession, store_id: int | None) -> int:
    if store_id is None:
        return (await stores.store_by_code(session, DEFAULT_STORE_CODE)).id
    try:
        return (await stores.get_store(session, store_id)).id
    except NotFound:
        raise invalid("store_id", f"no store with id {store_id}") from None


async def create_user(
    session: AsyncSession,
    *,
    username: str,
    password: str,
    role: Role,
    name: str | None = None,
    store_id: int | None = None,
    permissions: list[Permission] | None = None,
    actor_id: int | None = None,
) -> PrincipalRow:
    if role not in USER_ROLES:
        raise invalid("role", f"a user's role is one of {', '.join(USER_ROLES)}")
    if await session.scalar(select(PrincipalRow.id).where(PrincipalRow.username == username)):
        raise Conflict(f"The username {username} is taken.", type="username-taken")
    row = PrincipalRow(
        kind=USER,
        name=name or username,
        username=username,
        password_hash=hash_secret(password),
        role=role,
        permissions=_permissions(role, permissions),
        store_id=await _store_id(session, store_id),
        active=True,
    )
    session.add(row)
    await session.flush()
    await audit.record(
        session,
        principal_id=actor_id,
        action="user.create",
        entity_type="principal",
        entity_id=row.id,
        after=snapshot(row),
    )
    return row


async def create_api_client(
    session: AsyncSession,
    *,
    name: str,
    role: Role = Role.POS_TERMINAL,
    store_id: int | None = None,
    permissions: list[Permission] | None = None,
    actor_id: int | None = None,
) -> tuple[PrincipalRow, str]:
    """The new client and its secret, which is returned this once and stored only hashed."""
    if role not in CLIENT_ROLES:
        raise invalid("role", f"an API client's role is one of {', '.join(CLIENT_ROLES)}")
    secret = secrets.token_urlsafe(32)
    row = PrincipalRow(
        kind=API_CLIENT,
        name=name,
        client_id="cl_" + secrets.token_urlsafe(12),
        secret_hash=hash_secret(secret),
        role=role,
        permissions=_permissions(role, permissions),
        store_id=await _store_id(session, store_id),
        active=True,
    )
    session.add(row)
    await session.flush()
    await audit.record(
        session,
        principal_id=actor_id,
        action="api_client.create",
        entity_type="principal",
        entity_id=row.id,
        after=snapshot(row),
    )
    return row, secret


async def get_principal(session: AsyncSession, principal_id: int, kind: str) -> PrincipalRow:
    row = await session.get(PrincipalRow, principal_id)
    if row is None or row.kind != kind:
        noun = "user" if kind == USER else "API client"
        raise NotFound(f"No {noun} with id {principal_id}.")
    return row


async def list_principals(session: AsyncSession, kind: str) -> list[PrincipalRow]:
    rows = await session.scalars(
        select(PrincipalRow).where(PrincipalRow.kind == kind).order_by(PrincipalRow.id)
    )
    return list(rows.all())


async def update_principal(
    session: AsyncSession,
    row: PrincipalRow,
    *,
    actor_id: int,
    name: str | None = None,
    role: Role | None = None,
    store_id: int | None = None,
    active: bool | None = None,
    permissions: list[Permission] | None = None,
    password: str | None = None,
    rotate_secret: bool = False,
) -> str | None:
    """Apply a change; returns the new secret when one was rotated."""
    guard = row.kind == USER and (role is not None or permissions is not None or active is False)
    if guard:
        owners = await lock_active_owners(session)
    before = snapshot(row)
    allowed = USER_ROLES if row.kind == USER else CLIENT_ROLES
    if role is not None and role not in allowed:
        raise invalid("role", f"one of {', '.join(allowed)}")
    if name is not None:
        row.name = name
    if role is not None:
        row.role = role
        row.permissions = _permissions(role, permissions)
    elif permissions is not None:
        row.permissions = _permissions(Role(row.role), permissions)
    if store_id is not None:
        row.store_id = await _store_id(session, store_id)
    if active is not None:
        row.active = active
    losing_an_owner = guard and row.id in owners and not (row.active and is_owner(row))
    if losing_an_owner and not owners - {row.id}:
        raise last_owner(row)
    secret = None
    if password is not None:
        row.password_hash = hash_secret(password)
    if rotate_secret:
        secret = secrets.token_urlsafe(32)
        row.secret_hash = hash_secret(secret)
    row.version += 1
    await session.flush()
    extra = {"credentials_changed": True} if password is not None or rotate_secret else None
    await audit.record(
        session,
        principal_id=actor_id,
        action=f"{'user' if row.kind == USER else 'api_client'}.update",
        entity_type="principal",
        entity_id=row.id,
        before=before,
        after=snapshot(row),
        extra=extra,
    )
    return secret


def is_owner(row: PrincipalRow) -> bool:
    return Permission.OWNER in row.permissions


def last_owner(row: PrincipalRow) -> Conflict:
    return Conflict(
        f"{row.name} is the last active owner: nobody could manage users, stores or merges "
        "any more. Make another user an owner first.",
        type="last-owner",
        title="Last owner",
        user_id=row.id,
    )


async def lock_active_owners(session: AsyncSession) -> set[int]:
    """The ids of the active users holding ``owner``, every active user's row locked (in id
    order) until the transaction ends.

    Each change that could take ownership away takes these locks first, so two owners demoting
    each other at once are serialised: the second sees the first's change (PostgreSQL re-reads
    a row it waited for) and is refused. Every active user is locked, not only the owners, as
    the permissions are a JSON list no portable WHERE can read; the table is small. SQLite
    serialises writers anyway. The rows are refreshed: a change is judged on what is stored.
    """
    rows = await session.scalars(
        select(PrincipalRow)
        .where(PrincipalRow.kind == USER, PrincipalRow.active.is_(True))
        .order_by(PrincipalRow.id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    return {r.id for r in rows if is_owner(r)}
