"""The authenticated caller of a request, as the services see it."""

from __future__ import annotations

from dataclasses import dataclass

from custledger.auth.roles import Permission


@dataclass(frozen=True, slots=True)
class Principal:
    id: int
    kind: str  # "user" or "api_client"
    name: str
    store_id: int
    permissions: frozenset[str]

    def has(self, permission: Permission | str) -> bool:
        return Permission.OWNER in self.permissions or permission in self.permissions

    @property
    def privileged(self) -> bool:
        """May backdate and edit others' payments (DESIGN: sales:manage or owner)."""
        return self.has(Permission.SALES_MANAGE)

    @property
    def is_owner(self) -> bool:
        return Permission.OWNER in self.permissions
