"""Permissions and the predefined roles, which are only bundles of permissions."""

from __future__ import annotations

from enum import StrEnum


class Permission(StrEnum):
    CUSTOMERS_READ = "customers:read"
    CUSTOMERS_WRITE = "customers:write"
    PAYMENTS_READ = "payments:read"
    PAYMENTS_WRITE = "payments:write"
    ORDERS_WRITE = "orders:write"
    SALES_MANAGE = "sales:manage"
    OWNER = "owner"  # implies every other permission


class Role(StrEnum):
    OWNER = "owner"
    MANAGER = "manager"
    CLERK = "clerk"
    POS_TERMINAL = "pos-terminal"


ALL_PERMISSIONS = frozenset(Permission)

ROLE_PERMISSIONS: dict[Role, frozenset[Permission]] = {
    Role.OWNER: ALL_PERMISSIONS,
    Role.MANAGER: ALL_PERMISSIONS - {Permission.OWNER},
    Role.CLERK: frozenset(
        {
            Permission.CUSTOMERS_READ,
            Permission.CUSTOMERS_WRITE,
            Permission.PAYMENTS_READ,
            Permission.PAYMENTS_WRITE,
            Permission.ORDERS_WRITE,
        }
    ),
    Role.POS_TERMINAL: frozenset(
        {
            Permission.CUSTOMERS_READ,
            Permission.CUSTOMERS_WRITE,
            Permission.PAYMENTS_READ,
            Permission.PAYMENTS_WRITE,
            Permission.ORDERS_WRITE,
        }
    ),
}

USER_ROLES = (Role.OWNER, Role.MANAGER, Role.CLERK)
CLIENT_ROLES = (Role.POS_TERMINAL,)
