"""The OpenAPI document integrators generate clients from."""

from __future__ import annotations


async def test_openapi_document_has_stable_unique_operation_ids_and_auth(client):
    r = await client.get("/api/v1/openapi.json")
    assert r.status_code == 200
    doc = r.json()
    ids = [
        op["operationId"]
        for path in doc["paths"].values()
        for method, op in path.items()
        if method in {"get", "post", "patch", "put", "delete"}
    ]
    assert len(ids) == len(set(ids))
    assert {"auth-token", "auth-me", "users-list", "stores-create"} <= set(ids)
    flows = doc["components"]["securitySchemes"]["OAuth2"]["flows"]
    assert {"password", "clientCredentials"} <= set(flows)
    assert "Problem" in doc["components"]["schemas"]
    me = doc["paths"]["/api/v1/auth/me"]["get"]
    assert "application/problem+json" in me["responses"]["401"]["content"]


async def test_interactive_docs_are_served(client):
    r = await client.get("/api/docs")
    assert r.status_code == 200
    assert "swagger" in r.text.lower()
