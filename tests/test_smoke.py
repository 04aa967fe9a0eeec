async def test_health_and_me(client, owner):
    r = await client.get("/healthz")
    assert r.status_code == 200
    r = await client.get("/readyz")
    assert r.status_code == 200, r.text
    r = await client.get("/api/v1/auth/me", headers=owner.headers)
    assert r.status_code == 200, r.text
    assert r.json()["store"]["code"] == "MAIN"


async def test_start_up_leaves_what_it_built_out_of_full_garbage_collections(app):
    """A worker's start-up objects are frozen: a full collection under load walked all of
    them (125-145 ms pauses of the worker)."""
    import gc

    gc.unfreeze()
    async with app.router.lifespan_context(app):
        frozen = gc.get_freeze_count()
    gc.unfreeze()
    assert frozen > 50_000
