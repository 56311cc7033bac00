"""One rule for text, everywhere: every text field of every API operation, as the OpenAPI
document lists them, refuses invisible control characters with a 422 naming the field,
and nothing is written. Tab and line breaks are text."""

import re
from urllib.parse import quote

import pytest

from plaza.core.models import OutboxEvent
from tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db

HOSTILE = ["nul\x00byte", "bell\x07", "escape\x1b[31m", "delete\x7f", "vertical\x0btab"]


def resolve(document: dict, schema: dict) -> dict:
    while "$ref" in schema:
        schema = document["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]
    return schema


def is_text(document: dict, schema: dict) -> bool:
    schema = resolve(document, schema)
    options = schema.get("anyOf", [schema])
    return any(resolve(document, option).get("type") == "string" and "format" not in option for option in options)


def text_inputs(document: dict):
    """(method, path, where, names): the text fields of each operation's body or query."""
    for path, operations in document["paths"].items():
        concrete = re.sub(r"\{[^}]+\}", "1", path)
        for method, operation in operations.items():
            query = [
                parameter["name"] for parameter in operation.get("parameters", [])
                if parameter["in"] == "query" and is_text(document, parameter["schema"])
            ]
            if query:
                yield method, concrete, "query", query
            for content_type, content in operation.get("requestBody", {}).get("content", {}).items():
                properties = resolve(document, content["schema"]).get("properties", {})
                names = [name for name, schema in properties.items() if is_text(document, schema)]
                if names:
                    yield method, concrete, content_type, names


@pytest.fixture
def caller(token_client_for):
    return token_client_for(MembershipFactory().user)


def send(caller, method: str, path: str, where: str, values: dict):
    if where == "query":
        return caller.generic(method.upper(), path + "?" + "&".join(f"{name}={value}" for name, value in values.items()))
    if where == "multipart/form-data":
        return getattr(caller, method)(path, values)
    return getattr(caller, method)(path, values, content_type="application/json")


def test_every_text_field_of_the_api_refuses_control_characters(client, caller):
    document = client.get("/api/v1/openapi.json").json()
    inputs = list(text_inputs(document))
    assert len(inputs) > 40, "the walk found the API's text fields"
    for index, (method, path, where, names) in enumerate(inputs):
        hostile = HOSTILE[index % len(HOSTILE)]
        values = {name: quote(hostile) if where == "query" else hostile for name in names}
        answer = send(caller, method, path, where, values)
        assert answer.status_code == 422, (method, path, where, answer.status_code, answer.content[:300])
        assert set(answer.json()["error"]["fields"]) == set(names), (method, path)
    assert not OutboxEvent.objects.exists(), "nothing was written"


def test_tabs_and_line_breaks_are_text(caller):
    assert caller.get("/api/v1/search/products", {"q": "bread\tand\r\nbutter"}).status_code == 200
    created = caller.post("/api/v1/accounts/tokens", {"name": "laptop\tkitchen"}, content_type="application/json")
    assert created.status_code == 201
