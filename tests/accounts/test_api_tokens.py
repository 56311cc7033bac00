import re

import pytest

pytestmark = pytest.mark.django_db


def test_token_authenticates_and_revocation_locks_out(user_factory, api_client):
    user = user_factory("ana@example.com")
    api_client.force_login(user)
    created = api_client.post("/api/v1/accounts/tokens", {"name": "laptop"}, content_type="application/json")
    assert created.status_code == 201
    key = created.json()["key"]
    assert key.startswith("plz_")

    bearer = {"HTTP_AUTHORIZATION": f"Bearer {key}"}
    from django.test import Client

    me = Client().get("/api/v1/accounts/me", **bearer)
    assert me.status_code == 200
    assert me.json()["email"] == "ana@example.com"

    revoked = api_client.delete(f"/api/v1/accounts/tokens/{created.json()['id']}")
    assert revoked.status_code == 204
    assert Client().get("/api/v1/accounts/me", **bearer).status_code == 401


def test_token_list_never_shows_the_key_or_other_users_tokens(user_factory, api_client, token_client_for):
    owner, other = user_factory(), user_factory()
    token_client_for(other)
    api_client.force_login(owner)
    api_client.post("/api/v1/accounts/tokens", {"name": "mine"}, content_type="application/json")
    listed = api_client.get("/api/v1/accounts/tokens").json()
    assert [token["name"] for token in listed] == ["mine"]
    assert "key" not in listed[0]


def test_cannot_revoke_another_users_token(user_factory, token_client_for):
    owner, intruder = user_factory(), user_factory()
    from plaza.accounts.models import ApiToken

    token_client_for(owner)
    target = ApiToken.objects.get(user=owner)
    response = token_client_for(intruder).delete(f"/api/v1/accounts/tokens/{target.pk}")
    assert response.status_code == 404
    target.refresh_from_db()
    assert target.revoked_at is None


def test_blank_token_name_is_a_field_error(user_factory, token_client_for):
    response = token_client_for(user_factory()).post(
        "/api/v1/accounts/tokens", {"name": "  "}, content_type="application/json"
    )
    assert response.status_code == 422
    assert response.json()["error"]["fields"] == {"name": ["1 to 80 characters"]}


def test_malformed_json_gets_the_error_shape(user_factory, token_client_for):
    response = token_client_for(user_factory()).post(
        "/api/v1/accounts/tokens", "{not json", content_type="application/json"
    )
    assert response.status_code in (400, 422)
    assert set(response.json()["error"]) == {"code", "message", "fields"}


def test_invalid_bearer_token_is_refused():
    from django.test import Client

    assert Client().get("/api/v1/accounts/me", HTTP_AUTHORIZATION="Bearer plz_nope").status_code == 401


UNSAFE = ("post", "put", "patch", "delete")


def operations_for_signed_in_callers(client):
    """(method, path) of every write the OpenAPI document says needs a signed-in caller."""
    document = client.get("/api/v1/openapi.json").json()
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            schemes = {name for requirement in operation.get("security", []) for name in requirement}
            if method in UNSAFE and "TokenAuth" in schemes and "OptionalAuth" not in schemes:
                yield method, re.sub(r"\{[^}]+\}", "1", path)


def test_a_write_without_credentials_or_with_a_revoked_token_is_401_everywhere(user_factory, api_client):
    from django.test import Client

    anonymous = Client(enforce_csrf_checks=True)
    operations = list(operations_for_signed_in_callers(anonymous))
    assert len(operations) > 20
    user = user_factory()
    api_client.force_login(user)
    created = api_client.post("/api/v1/accounts/tokens", {"name": "old"}, content_type="application/json").json()
    api_client.delete(f"/api/v1/accounts/tokens/{created['id']}")
    for method, path in operations:
        for headers in ({}, {"HTTP_AUTHORIZATION": f"Bearer {created['key']}"}):
            answer = getattr(anonymous, method)(path, "{}", content_type="application/json", **headers)
            assert answer.status_code == 401, (method, path, headers, answer.content[:200])
            assert answer.json()["error"]["code"] == "unauthorized"


def test_a_signed_in_browser_without_the_csrf_token_is_told_so(user_factory):
    from django.test import Client

    browser = Client(enforce_csrf_checks=True)
    browser.force_login(user_factory())
    answer = browser.post("/api/v1/accounts/tokens", {"name": "laptop"}, content_type="application/json")
    assert answer.status_code == 403
    assert "CSRF" in answer.json()["error"]["message"]
