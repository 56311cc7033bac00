import pytest

from tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db


def test_multipart_without_a_boundary_is_a_400_in_the_error_shape(token_client_for):
    membership = MembershipFactory()
    response = token_client_for(membership.user).generic(
        "POST", f"/api/v1/shops/{membership.shop.slug}/logo", b"--x--", content_type="multipart/form-data"
    )
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "bad_request"


def test_an_unknown_route_is_a_404_in_the_error_shape(api_client):
    response = api_client.get("/api/v1/no/such/thing")
    assert response.status_code == 404


def test_the_openapi_document_and_docs_are_served(api_client):
    assert api_client.get("/api/v1/openapi.json").json()["info"]["title"] == "Plaza API"
    assert api_client.get("/api/v1/docs").status_code == 200
