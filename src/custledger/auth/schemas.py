from __future__ import annotations

from datetime import date

from pydantic import BaseModel, ConfigDict, Field

from custledger.auth.roles import Permission


class Token(BaseModel):
    access_token: str
    token_type: str = Field(default="bearer", examples=["bearer"])
    expires_in: int = Field(description="Seconds until the token expires.")


class StoreRef(BaseModel):
    id: int = Field(examples=[1])
    code: str = Field(examples=["MAIN"])
    name: str = Field(examples=["Main store"])


class Me(BaseModel):
    """The principal and what a client needs to set itself up: the business date to gate date
    pickers with, the time zone, currency and locale to format with, the server's version."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "id": 7,
                    "kind": "user",
                    "name": "Ana Souza",
                    "username": "ana",
                    "client_id": None,
                    "role": "clerk",
                    "store_id": 1,
                    "store": {"id": 1, "code": "MAIN", "name": "Main store"},
                    "permissions": [
                        "customers:read",
                        "customers:write",
                        "orders:write",
                        "payments:read",
                        "payments:write",
                    ],
                    "today": "2026-12-04",
                    "timezone": "America/Sao_Paulo",
                    "currency": "BRL",
                    "locale": "pt-BR",
                    "version": "0.1.0",
                }
            ]
        }
    )

    id: int
    kind: str = Field(description="`user` or `api_client`.", examples=["user"])
    name: str
    username: str | None
    client_id: str | None
    role: str = Field(
        description="The principal's role: `owner`, `manager`, `clerk` or `pos-terminal` (or "
        "whatever role the principal was given).",
        examples=["clerk"],
    )
    store_id: int
    store: StoreRef
    permissions: list[Permission] = Field(
        description="Effective permissions (`owner` implies every one)."
    )
    today: date = Field(
        description="The business date: today's calendar date in the business time zone "
        "(`timezone`), not UTC's.",
        examples=["2026-12-04"],
    )
    timezone: str = Field(
        description="The business time zone (IANA name).", examples=["America/Sao_Paulo"]
    )
    currency: str = Field(description="ISO 4217 code of every amount.", examples=["BRL"])
    locale: str = Field(
        description="BCP 47 locale the front end formats numbers and dates with.",
        examples=["pt-BR"],
    )
    version: str = Field(description="The server's version.", examples=["0.1.0"])
