from __future__ import annotations

from pydantic import BaseModel, Field

from custledger.auth.roles import Permission


class Token(BaseModel):
    access_token: str
    token_type: str = Field(default="bearer", examples=["bearer"])
    expires_in: int = Field(description="Seconds until the token expires.")


class StoreRef(BaseModel):
    id: int
    code: str
    name: str


class Me(BaseModel):
    id: int
    kind: str = Field(description="`user` or `api_client`.")
    name: str
    username: str | None
    client_id: str | None
    role: str
    store_id: int
    store: StoreRef
    permissions: list[Permission] = Field(
        description="Effective permissions (`owner` implies every one)."
    )
