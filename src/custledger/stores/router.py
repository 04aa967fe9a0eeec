from __future__ import annotations

from fastapi import Response

from custledger.auth.dependencies import CurrentPrincipal, Owner
from custledger.kit.db import Session
from custledger.kit.errors import problems
from custledger.kit.routes import api_router
from custledger.kit.schemas import Id
from custledger.stores import repository, service
from custledger.stores.schemas import StoreCreate, StoreOut, StorePatch

router = api_router("/stores", tags=["stores"])


@router.get("", operation_id="stores-list", responses=problems())
async def list_stores(session: Session, _principal: CurrentPrincipal) -> list[StoreOut]:
    return [StoreOut.model_validate(s) for s in await repository.all_stores(session)]


@router.post("", status_code=201, operation_id="stores-create", responses=problems(403, 409))
async def create_store(
    body: StoreCreate, session: Session, principal: Owner, response: Response
) -> StoreOut:
    store = await service.create_store(session, body.code, body.name, principal.id)
    response.headers["Location"] = f"/api/v1/stores/{store.id}"
    return StoreOut.model_validate(store)


@router.patch("/{store_id}", operation_id="stores-update", responses=problems(403, 404))
async def update_store(
    store_id: Id, body: StorePatch, session: Session, principal: Owner
) -> StoreOut:
    store = await service.get_store(session, store_id)
    if body.name is not None:
        store = await service.rename_store(session, store_id, body.name, principal.id)
    return StoreOut.model_validate(store)
