"""Who may call a route at all: the token's principal, loaded from the database every request,
and one typed dependency per permission."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends
from fastapi.openapi.models import OAuthFlowClientCredentials, OAuthFlowPassword, OAuthFlows
from fastapi.security import OAuth2
from sqlalchemy import bindparam, select

from custledger.auth import tokens
from custledger.auth.models import PrincipalRow
from custledger.auth.principal import Principal
from custledger.auth.roles import Permission
from custledger.config import get_settings
from custledger.kit import ratelimit
from custledger.kit.db import Prepared, Session
from custledger.kit.errors import Forbidden, Unauthorized

TOKEN_URL = "/api/v1/auth/token"

oauth2 = OAuth2(
    flows=OAuthFlows(
        password=OAuthFlowPassword(tokenUrl=TOKEN_URL),
        clientCredentials=OAuthFlowClientCredentials(tokenUrl=TOKEN_URL),
    ),
    scheme_name="OAuth2",
    description="Users: password grant. POS terminals: client-credentials grant.",
    auto_error=False,
)


def _bearer(authorization: str | None) -> str:
    scheme, _, token = (authorization or "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Unauthorized(
            "Send an access token as `Authorization: Bearer <token>`.",
            type="unauthorized",
            headers={"WWW-Authenticate": "Bearer"},
        )
    return token.strip()


# Built once: the lookup runs on every request.
_PRINCIPAL = Prepared(
    select(
        PrincipalRow.id,
        PrincipalRow.kind,
        PrincipalRow.name,
        PrincipalRow.store_id,
        PrincipalRow.permissions,
        PrincipalRow.active,
    ).where(PrincipalRow.id == bindparam("principal_id")),
    standalone=True,
)


async def current_principal(
    session: Session, authorization: Annotated[str | None, Depends(oauth2)]
) -> Principal:
    principal_id = tokens.principal_id_of(get_settings(), _bearer(authorization))
    # The budget is the token's subject's, taken before the database is asked anything.
    ratelimit.principals().check(principal_id, "principal")
    row = await _PRINCIPAL.first(session, {"principal_id": principal_id})
    if row is None or not row["active"]:
        raise Unauthorized(
            "The principal of this token is unknown or deactivated.",
            type="invalid-token",
            headers={"WWW-Authenticate": 'Bearer error="invalid_token"'},
        )
    if row["kind"] == "api_client":
        ratelimit.clients().check(principal_id, "API client")
    return Principal(
        id=row["id"],
        kind=row["kind"],
        name=row["name"],
        store_id=row["store_id"],
        permissions=frozenset(row["permissions"]),
    )


CurrentPrincipal = Annotated[Principal, Depends(current_principal)]


def require(permission: Permission) -> object:
    async def dependency(principal: CurrentPrincipal) -> Principal:
        if not principal.has(permission):
            raise Forbidden(f"This needs the `{permission}` permission.", permission=permission)
        return principal

    dependency.__name__ = f"require_{permission.replace(':', '_')}"
    return Depends(dependency)


CustomersRead = Annotated[Principal, require(Permission.CUSTOMERS_READ)]
CustomersWrite = Annotated[Principal, require(Permission.CUSTOMERS_WRITE)]
PaymentsRead = Annotated[Principal, require(Permission.PAYMENTS_READ)]
PaymentsWrite = Annotated[Principal, require(Permission.PAYMENTS_WRITE)]
OrdersWrite = Annotated[Principal, require(Permission.ORDERS_WRITE)]
SalesManage = Annotated[Principal, require(Permission.SALES_MANAGE)]
Owner = Annotated[Principal, require(Permission.OWNER)]
