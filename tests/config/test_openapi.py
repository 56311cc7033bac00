"""The OpenAPI document is what API clients are generated from: it must be exact."""

import pytest
from pydantic import BaseModel

from plaza.config.api import api


def plaza_schemas(base=BaseModel):
    for schema in base.__subclasses__():
        if schema.__module__.startswith("plaza."):
            yield schema
        yield from plaza_schemas(schema)


def test_no_two_schemas_share_a_name():
    api.get_openapi_schema()
    by_name: dict[str, set[str]] = {}
    for schema in plaza_schemas():
        by_name.setdefault(schema.__name__, set()).add(f"{schema.__module__}.{schema.__qualname__}")
    collisions = {name: sorted(paths) for name, paths in by_name.items() if len(paths) > 1}
    assert collisions == {}, "each schema name must be unique across the API: rename one of each pair"


@pytest.mark.django_db
def test_the_cart_line_id_needed_to_change_a_line_is_documented(client):
    document = client.get("/api/v1/openapi.json").json()
    assert "id" in document["components"]["schemas"]["CartLineOut"]["properties"]
