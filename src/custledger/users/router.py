"""Owner-only administration of users and API clients."""

from __future__ import annotations

from fastapi import Response

from custledger.auth.dependencies import Owner
from custledger.kit.db import Session
from custledger.kit.errors import PROBLEM_JSON, problems
from custledger.kit.routes import api_router
from custledger.kit.schemas import Id
from custledger.users import service
from custledger.users.schemas import (
    ApiClientCreate,
    ApiClientCreated,
    ApiClientOut,
    ApiClientPatch,
    ApiClientPatched,
    UserCreate,
    UserOut,
    UserPatch,
)

router = api_router(tags=["users"])

LAST_OWNER_RESPONSES = problems(403, 404, 409)
LAST_OWNER_RESPONSES[409] = {
    **LAST_OWNER_RESPONSES[409],
    "description": "`last-owner`: the change would leave no active owner",
    "content": {
        PROBLEM_JSON: {
            "schema": {"$ref": "#/components/schemas/Problem"},
            "example": {
                "type": "last-owner",
                "title": "Last owner",
                "status": 409,
                "detail": "Rosa is the last active owner: nobody could manage users, stores or "
                "merges any more. Make another user an owner first.",
                "user_id": 1,
            },
        }
    },
}


@router.get("/users", operation_id="users-list", responses=problems(403))
async def list_users(session: Session, _owner: Owner) -> list[UserOut]:
    return [UserOut.model_validate(r) for r in await service.list_principals(session, service.USER)]


@router.post("/users", status_code=201, operation_id="users-create", responses=problems(403, 409))
async def create_user(
    body: UserCreate, session: Session, owner: Owner, response: Response
) -> UserOut:
    row = await service.create_user(
        session,
        username=body.username,
        password=body.password,
        role=body.role,
        name=body.name,
        store_id=body.store_id,
        permissions=body.permissions,
        actor_id=owner.id,
    )
    response.headers["Location"] = f"/api/v1/users/{row.id}"
    return UserOut.model_validate(row)


@router.get("/users/{user_id}", operation_id="users-get", responses=problems(403, 404))
async def get_user(user_id: Id, session: Session, _owner: Owner) -> UserOut:
    return UserOut.model_validate(await service.get_principal(session, user_id, service.USER))


@router.patch("/users/{user_id}", operation_id="users-update", responses=LAST_OWNER_RESPONSES)
async def update_user(user_id: Id, body: UserPatch, session: Session, owner: Owner) -> UserOut:
    """Change a user. The last active owner can be neither demoted (role or permissions without
    `owner`) nor deactivated: 409 `last-owner`."""
    row = await service.get_principal(session, user_id, service.USER)
    await service.update_principal(
        session,
        row,
        actor_id=owner.id,
        name=body.name,
        role=body.role,
        store_id=body.store_id,
        active=body.active,
        permissions=body.permissions,
        password=body.password,
    )
    return UserOut.model_validate(row)


@router.get("/api-clients", operation_id="api-clients-list", responses=problems(403))
async def list_api_clients(session: Session, _owner: Owner) -> list[ApiClientOut]:
    rows = await service.list_principals(session, service.API_CLIENT)
    return [ApiClientOut.model_validate(r) for r in rows]


@router.post(
    "/api-clients", status_code=201, operation_id="api-clients-create", responses=problems(403)
)
async def create_api_client(
    body: ApiClientCreate, session: Session, owner: Owner, response: Response
) -> ApiClientCreated:
    row, secret = await service.create_api_client(
        session,
        name=body.name,
        role=body.role,
        store_id=body.store_id,
        permissions=body.permissions,
        actor_id=owner.id,
    )
    response.headers["Location"] = f"/api/v1/api-clients/{row.id}"
    response.headers["Cache-Control"] = "no-store"
    return ApiClientCreated(**ApiClientOut.model_validate(row).model_dump(), client_secret=secret)


@router.patch(
    "/api-clients/{client_pk}", operation_id="api-clients-update", responses=problems(403, 404)
)
async def update_api_client(
    client_pk: Id, body: ApiClientPatch, session: Session, owner: Owner, response: Response
) -> ApiClientPatched:
    row = await service.get_principal(session, client_pk, service.API_CLIENT)
    secret = await service.update_principal(
        session,
        row,
        actor_id=owner.id,
        name=body.name,
        role=body.role,
        store_id=body.store_id,
        active=body.active,
        permissions=body.permissions,
        rotate_secret=body.rotate_secret,
    )
    response.headers["Cache-Control"] = "no-store"
    return ApiClientPatched(**ApiClientOut.model_validate(row).model_dump(), client_secret=secret)
