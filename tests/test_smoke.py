async def test_health_and_me(client, owner):
    r = await client.get("/healthz")
    assert r.status_code == 200
    r = await client.get("/readyz")
    assert r.status_code == 200, r.text
    r = await client.get("/api/v1/auth/me", headers=owner.headers)
    assert r.status_code == 200, r.text
    assert r.json()["store"]["code"] == "MAIN"
