from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import Field

from custledger.auth.roles import Permission, Role
from custledger.kit.schemas import IdField, Input, Output

Username = Field(min_length=3, max_length=150, pattern=r"^[A-Za-z0-9_.@-]+$")
Password = Field(min_length=8, max_length=256)
# The roles each kind of principal may have (the services check them again).
UserRole = Literal[Role.OWNER, Role.MANAGER, Role.CLERK]
ClientRole = Literal[Role.POS_TERMINAL]


class UserOut(Output):
    id: int
    username: str
    name: str
    role: Role
    permissions: list[Permission]
    store_id: int
    active: bool
    created_at: datetime
    updated_at: datetime


class UserCreate(Input):
    username: str = Username
    password: str = Password
    name: str | None = Field(default=None, min_length=1, max_length=200)
    role: UserRole
    store_id: IdField | None = Field(default=None, description="Default: the MAIN store.")
    permissions: list[Permission] | None = Field(
        default=None, description="Overrides the role's bundle when given."
    )


class UserPatch(Input):
    name: str | None = Field(default=None, min_length=1, max_length=200)
    password: str | None = Field(default=None, min_length=8, max_length=256)
    role: UserRole | None = None
    store_id: IdField | None = None
    active: bool | None = None
    permissions: list[Permission] | None = None


class ApiClientOut(Output):
    id: int
    name: str
    client_id: str
    role: Role
    permissions: list[Permission]
    store_id: int
    active: bool
    created_at: datetime
    updated_at: datetime


class ApiClientCreated(ApiClientOut):
    client_secret: str = Field(description="Shown once; only its hash is kept.")


class ApiClientCreate(Input):
    name: str = Field(min_length=1, max_length=200)
    role: ClientRole = Role.POS_TERMINAL
    store_id: IdField | None = None
    permissions: list[Permission] | None = None


class ApiClientPatch(Input):
    name: str | None = Field(default=None, min_length=1, max_length=200)
    role: ClientRole | None = None
    store_id: IdField | None = None
    active: bool | None = None
    permissions: list[Permission] | None = None
    rotate_secret: bool = Field(
        default=False, description="Issue a new secret (returned once); the old one stops."
    )


class ApiClientPatched(ApiClientOut):
    client_secret: str | None = None
