from __future__ import annotations

import base64
import binascii
from typing import Annotated

from fastapi import Form, Header, Response

from custledger import __version__
from custledger.auth import service, tokens
from custledger.auth.dependencies import CurrentPrincipal
from custledger.auth.models import PrincipalRow
from custledger.auth.schemas import Me, StoreRef, Token
from custledger.config import get_settings
from custledger.kit import clock
from custledger.kit.db import Session
from custledger.kit.errors import DomainError, problems
from custledger.kit.routes import api_router
from custledger.kit.schemas import NO_CONTROL, PlainText
from custledger.stores import service as stores

router = api_router("/auth", tags=["auth"])

FormText = Annotated[PlainText | None, Form(max_length=512, json_schema_extra=NO_CONTROL)]


class UnsupportedGrant(DomainError):
    status, type, title = 400, "unsupported-grant-type", "Unsupported grant type"


def _basic_credentials(authorization: str | None) -> tuple[str, str] | None:
    scheme, _, encoded = (authorization or "").partition(" ")
    if scheme.lower() != "basic":
        return None
    try:
        client_id, _, secret = base64.b64decode(encoded).decode().partition(":")
    except (binascii.Error, UnicodeDecodeError):
        return None
    return client_id, secret


@router.post(
    "/token",
    operation_id="auth-token",
    responses=problems(400, 429),
    openapi_extra={"security": []},
)
async def token(
    session: Session,
    response: Response,
    grant_type: Annotated[str, Form(max_length=40)],
    username: FormText = None,
    password: FormText = None,
    client_id: FormText = None,
    client_secret: FormText = None,
    scope: FormText = None,
    authorization: Annotated[str | None, Header()] = None,
) -> Token:
    """OAuth2 token endpoint: `password` grant for users, `client_credentials` for POS terminals
    (credentials in the form or as HTTP Basic)."""
    row: PrincipalRow
    if grant_type == "password":
        row = await service.login_user(session, username or "", password or "")
    elif grant_type == "client_credentials":
        basic = _basic_credentials(authorization)
        if basic is not None:
            client_id, client_secret = basic
        row = await service.login_client(session, client_id or "", client_secret or "")
    else:
        raise UnsupportedGrant(
            "grant_type must be `password` or `client_credentials`.",
            error="unsupported_grant_type",
        )
    access_token, expires_in = tokens.issue(get_settings(), row.id)
    response.headers["Cache-Control"] = "no-store"
    return Token(access_token=access_token, expires_in=expires_in)


@router.get("/me", operation_id="auth-me", responses=problems())
async def me(session: Session, principal: CurrentPrincipal) -> Me:
    """The principal (role, store, effective permissions) and the business clock and formats:
    the front end gates its controls with `permissions` and `today`; the server stays the
    authority."""
    settings = get_settings()
    row = await session.get(PrincipalRow, principal.id)
    assert row is not None
    store = await stores.get_store(session, principal.store_id)
    return Me(
        id=row.id,
        kind=row.kind,
        name=row.name,
        username=row.username,
        client_id=row.client_id,
        role=row.role,
        store_id=store.id,
        store=StoreRef(id=store.id, code=store.code, name=store.name),
        permissions=sorted(principal.permissions),
        today=clock.today(),
        timezone=settings.timezone,
        currency=settings.currency,
        locale=settings.locale,
        version=__version__,
    )
