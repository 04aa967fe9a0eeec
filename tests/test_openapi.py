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


BOUNDS = ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum")


def _bounds(schema: object, at: str = "") -> dict[str, float]:
    found: dict[str, float] = {}
    if isinstance(schema, dict):
        for key, value in schema.items():
            if key in BOUNDS:
                found[f"{at}/{key}"] = value
            else:
                found |= _bounds(value, f"{at}/{key}")
    elif isinstance(schema, list):
        for index, value in enumerate(schema):
            found |= _bounds(value, f"{at}/{index}")
    return found


def _request_models() -> list[type]:
    from custledger.kit.schemas import Input

    found, todo = [], list(Input.__subclasses__())
    while todo:
        model = todo.pop()
        found.append(model)
        todo.extend(model.__subclasses__())
    return found


async def test_every_numeric_bound_of_the_document_is_exact(client):
    """The document carries its bounds as JSON numbers that clients read as floats: a bound
    a float cannot hold (2**63 - 1 becomes 2**63) makes generated clients send a number the
    server refuses. Each bound of a request body is the model's own value, exactly."""
    doc = (await client.get("/api/v1/openapi.json")).json()
    components = doc["components"]["schemas"]
    compared = 0
    for model in _request_models():
        if model.__name__ not in components:
            continue
        exact = _bounds(model.model_json_schema(mode="validation").get("properties", {}))
        published = _bounds(components[model.__name__].get("properties", {}))
        assert published.keys() == exact.keys(), model
        for at, value in exact.items():
            assert published[at] == value, (model.__name__, at, published[at], value)
            compared += 1
    assert compared > 20
    # The payments' order number, whose bound used to be 2**63 - 1: now the orders' own.
    order_number = components["PaymentCreate"]["properties"]["order_number"]
    assert order_number["anyOf"][0]["maximum"] == 10**15 - 1
