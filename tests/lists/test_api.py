"""The lists API through HTTP: roles, sharing with friends only, 404 to strangers, 422 writing nothing."""

import uuid

import pytest

from plaza.catalog.models import ProductStatus
from plaza.lists.models import ListItem, ListOperation
from plaza.lists.models import MAX_ITEM_TEXT, MAX_QUANTITY
from plaza.social import services as social
from tests.factories import ProductFactory, UserFactory
from tests.lists.conftest import add_item, befriend, counts, new_item_id

pytestmark = pytest.mark.django_db


def op(kind: str, payload: dict, client_op_id: str | None = None) -> dict:
    return {"client_id": "phone", "client_op_id": client_op_id or uuid.uuid4().hex, "kind": kind, "payload": payload}


def post_op(client, shopping_list, kind: str, payload: dict, client_op_id: str | None = None):
    return client.post(
        f"/api/v1/lists/{shopping_list.pk}/operations", op(kind, payload, client_op_id), content_type="application/json"
    )


def test_the_owner_creates_renames_and_lists_a_list(token_client_for):
    owner = UserFactory()
    client = token_client_for(owner)

    created = client.post("/api/v1/lists/", {"title": "  Party  "}, content_type="application/json")
    assert created.status_code == 201
    body = created.json()
    assert (body["title"], body["version"], body["my_role"], body["items"]) == ("Party", 0, "owner", [])

    renamed = client.patch(f"/api/v1/lists/{body['id']}", {"title": "Big party"}, content_type="application/json")
    assert renamed.json()["title"] == "Big party"
    mine = client.get("/api/v1/lists/").json()
    assert mine["count"] == 1 and mine["items"][0]["title"] == "Big party"


def test_each_person_sees_their_role_and_a_stranger_gets_404_everywhere(household, token_client_for):
    path = f"/api/v1/lists/{household.shopping_list.pk}"
    roles = {
        household.owner: "owner",
        household.editor: "editor",
        household.viewer: "viewer",
        household.circle_member: "editor",
    }
    for person, role in roles.items():
        assert token_client_for(person).get(path).json()["my_role"] == role
        assert token_client_for(person).get("/api/v1/lists/").json()["count"] == 1

    stranger = token_client_for(household.stranger)
    assert stranger.get("/api/v1/lists/").json()["count"] == 0
    before = counts()
    assert stranger.get(path).status_code == 404
    assert stranger.get(f"{path}/operations").status_code == 404
    assert post_op(stranger, household.shopping_list, "add_item", {"item_id": new_item_id(), "text": "x"}).status_code == 404
    assert stranger.patch(path, {"title": "Mine"}, content_type="application/json").status_code == 404
    assert stranger.delete(path).status_code == 404
    # The same answer as for a list that does not exist.
    assert stranger.get("/api/v1/lists/999999").status_code == 404
    assert counts() == before


def test_members_are_listed_and_the_circle_is_named_to_the_owner_only(household, token_client_for):
    path = f"/api/v1/lists/{household.shopping_list.pk}"
    owner_view = token_client_for(household.owner).get(path).json()
    assert {(m["user"]["name"], m["role"]) for m in owner_view["members"]} == {("Eddie", "editor"), ("Vera", "viewer")}
    assert owner_view["circle"] == {"id": household.circle.pk, "name": "Family", "role": "editor"}
    editor_view = token_client_for(household.editor).get(path).json()
    assert editor_view["circle"] is None and editor_view["shared_with_circle"] is True


def test_a_viewer_reads_but_cannot_edit_and_only_the_owner_manages_sharing(household, token_client_for):
    item_id = add_item(household.owner, household.shopping_list)
    viewer = token_client_for(household.viewer)
    editor = token_client_for(household.editor)
    path = f"/api/v1/lists/{household.shopping_list.pk}"
    before = counts()

    assert post_op(viewer, household.shopping_list, "check", {"item_id": item_id}).status_code == 403
    assert viewer.patch(path, {"title": "Mine"}, content_type="application/json").status_code == 403
    assert editor.patch(path, {"title": "Mine"}, content_type="application/json").status_code == 403
    assert editor.delete(path).status_code == 403
    assert editor.put(f"{path}/members/{household.viewer.pk}", {"role": "editor"}, content_type="application/json").status_code == 403
    assert editor.delete(f"{path}/circle").status_code == 403
    assert counts() == before
    assert viewer.get(path).json()["items"][0]["text"] == "Milk"


def test_sharing_only_with_friends_and_never_with_a_blocked_person(household, token_client_for):
    owner = token_client_for(household.owner)
    path = f"/api/v1/lists/{household.shopping_list.pk}/members"
    blocked = UserFactory()
    befriend(household.owner, blocked)
    social.block(blocker=blocked, person_id=household.owner.pk)
    before = counts()

    for person in (household.stranger, blocked, household.owner):
        response = owner.put(f"{path}/{person.pk}", {"role": "editor"}, content_type="application/json")
        assert response.status_code == 422
        assert response.json()["error"]["fields"]["user_id"] == ["You can share a list only with your friends."]
    assert owner.put(f"{path}/{household.editor.pk}", {"role": "owner"}, content_type="application/json").status_code == 422
    assert counts() == before

    changed = owner.put(f"{path}/{household.viewer.pk}", {"role": "editor"}, content_type="application/json")
    assert {m["user"]["id"]: m["role"] for m in changed.json()["members"]}[household.viewer.pk] == "editor"


def test_removing_a_person_and_leaving_end_access_even_through_the_circle(household, token_client_for):
    owner = token_client_for(household.owner)
    path = f"/api/v1/lists/{household.shopping_list.pk}"
    assert owner.delete(f"{path}/members/{household.editor.pk}").status_code == 204
    assert token_client_for(household.editor).get(path).status_code == 404
    assert owner.delete(f"{path}/members/{household.editor.pk}").status_code == 404

    # The circle member is taken off the list though still in the circle.
    assert owner.delete(f"{path}/members/{household.circle_member.pk}").status_code == 204
    assert token_client_for(household.circle_member).get(path).status_code == 404

    viewer = token_client_for(household.viewer)
    assert viewer.post(f"{path}/leave").status_code == 204
    assert viewer.get(path).status_code == 404
    assert owner.post(f"{path}/leave").status_code == 422
    assert owner.get(path).json()["members"] == []

    # Sharing again is the owner's explicit choice.
    owner.put(f"{path}/members/{household.viewer.pk}", {"role": "viewer"}, content_type="application/json")
    assert viewer.get(path).json()["my_role"] == "viewer"


def test_the_circle_share_follows_the_circle(household, token_client_for):
    owner = token_client_for(household.owner)
    path = f"/api/v1/lists/{household.shopping_list.pk}"
    member = token_client_for(household.circle_member)
    assert owner.put(f"{path}/circle", {"circle_id": household.circle.pk, "role": "viewer"}, content_type="application/json").status_code == 200
    assert member.get(path).json()["my_role"] == "viewer"

    others_circle = social.create_circle(owner=household.editor, name="Mine")
    refused = owner.put(f"{path}/circle", {"circle_id": others_circle.pk, "role": "editor"}, content_type="application/json")
    assert refused.status_code == 404

    assert owner.delete(f"{path}/circle").status_code == 204
    assert member.get(path).status_code == 404
    assert owner.delete(f"{path}/circle").status_code == 404


def test_the_owner_deletes_a_list(household, token_client_for):
    add_item(household.owner, household.shopping_list)
    path = f"/api/v1/lists/{household.shopping_list.pk}"
    assert token_client_for(household.owner).delete(path).status_code == 204
    assert token_client_for(household.owner).get(path).status_code == 404
    assert counts() == (0, 0, 0, 0)


def test_operations_apply_in_version_order_and_the_log_pages_oldest_first(household, token_client_for):
    editor = token_client_for(household.editor)
    item_id = new_item_id()
    added = post_op(editor, household.shopping_list, "add_item", {"item_id": item_id, "text": " Eggs ", "quantity": 6})
    assert added.status_code == 200
    assert added.json()["version"] == 1
    assert added.json()["payload"]["text"] == "Eggs"
    assert added.json()["user"]["name"] == "Eddie"
    post_op(editor, household.shopping_list, "set_fields", {"item_id": item_id, "fields": {"note": "free range"}})
    post_op(editor, household.shopping_list, "assign", {"item_id": item_id})
    post_op(editor, household.shopping_list, "check", {"item_id": item_id})

    item = token_client_for(household.viewer).get(f"/api/v1/lists/{household.shopping_list.pk}").json()["items"][0]
    assert (item["text"], item["quantity"], item["note"], item["checked"], item["assignee"]["name"]) == (
        "Eggs", 6, "free range", True, "Eddie",
    )
    page = editor.get(f"/api/v1/lists/{household.shopping_list.pk}/operations?after_version=1&limit=2").json()
    assert page["version"] == 4
    assert [(o["version"], o["kind"]) for o in page["operations"]] == [(2, "set_fields"), (3, "assign")]


def test_a_product_item_takes_the_products_title_and_shop(household, token_client_for):
    product = ProductFactory(title="Sourdough loaf")
    response = post_op(token_client_for(household.owner), household.shopping_list, "add_item", {"item_id": new_item_id(), "product_id": product.pk})
    payload = response.json()["payload"]
    assert (payload["text"], payload["product_id"], payload["shop_id"]) == ("Sourdough loaf", product.pk, product.shop_id)
    item = ListItem.objects.get()
    assert (item.product_id, item.shop_id) == (product.pk, product.shop_id)


BAD_OPERATIONS = [
    ("add_item", {"text": "No id"}),
    ("add_item", {"item_id": "not-a-uuid", "text": "Milk"}),
    ("add_item", {"item_id": "NEW", "text": ""}),
    ("add_item", {"item_id": "NEW", "text": "x" * (MAX_ITEM_TEXT + 1)}),
    ("add_item", {"item_id": "NEW", "text": "Milk\x00"}),
    ("add_item", {"item_id": "NEW", "text": "Milk", "quantity": 0}),
    ("add_item", {"item_id": "NEW", "text": "Milk", "quantity": MAX_QUANTITY + 1}),
    ("add_item", {"item_id": "NEW", "text": "Milk", "quantity": "2"}),
    ("add_item", {"item_id": "NEW", "text": "Milk", "quantity": True}),
    ("add_item", {"item_id": "NEW", "text": "Milk", "colour": "red"}),
    ("add_item", {"item_id": "NEW", "product_id": "DRAFT"}),
    ("add_item", {"item_id": "NEW", "product_id": 2**62}),
    ("set_fields", {"item_id": "UNKNOWN", "fields": {"note": "x"}}),
    ("set_fields", {"item_id": "KNOWN", "fields": {}}),
    ("set_fields", {"item_id": "KNOWN", "fields": {"checked": True}}),
    ("set_fields", {"item_id": "KNOWN", "fields": {"quantity": -1}}),
    ("set_fields", {"item_id": "KNOWN", "fields": {"text": "  "}}),
    ("check", {"item_id": "UNKNOWN"}),
    ("move_item", {"item_id": "KNOWN", "before_item_id": "UNKNOWN"}),
    ("remove_item", {}),
]


@pytest.mark.parametrize("kind,payload", BAD_OPERATIONS)
def test_bad_operations_are_422_and_write_nothing(household, token_client_for, kind, payload):
    known = add_item(household.owner, household.shopping_list)
    draft = ProductFactory(status=ProductStatus.DRAFT)
    stand_ins = {"NEW": new_item_id(), "UNKNOWN": new_item_id(), "KNOWN": known, "DRAFT": draft.pk}
    payload = {key: stand_ins.get(value, value) if isinstance(value, str | int) and not isinstance(value, bool) else value for key, value in payload.items()}
    before = counts()
    state = list(ListItem.objects.values())

    response = post_op(token_client_for(household.editor), household.shopping_list, kind, payload)

    assert response.status_code == 422, response.json()
    assert response.json()["error"]["fields"]
    assert counts() == before
    assert list(ListItem.objects.values()) == state
    household.shopping_list.refresh_from_db()
    assert household.shopping_list.version == 1


def test_unknown_kinds_and_bad_client_ids_are_422(household, token_client_for):
    client = token_client_for(household.owner)
    path = f"/api/v1/lists/{household.shopping_list.pk}/operations"
    for body in (
        {**op("explode", {}), "kind": "explode"},
        {**op("check", {}), "client_op_id": ""},
        {**op("check", {}), "client_id": "has space"},
    ):
        assert client.post(path, body, content_type="application/json").status_code == 422
    assert counts()[3] == 0


def test_a_resent_operation_is_applied_once(household, token_client_for):
    client = token_client_for(household.editor)
    payload = {"item_id": new_item_id(), "text": "Bread"}
    first = post_op(client, household.shopping_list, "add_item", payload, client_op_id="op-1")
    second = post_op(client, household.shopping_list, "add_item", payload, client_op_id="op-1")
    assert first.status_code == second.status_code == 200
    assert first.json() == second.json()
    assert ListOperation.objects.count() == 1 and ListItem.objects.count() == 1
    # Another client may use the same op id: keys are per client.
    other = client.post(
        f"/api/v1/lists/{household.shopping_list.pk}/operations",
        {**op("check", {"item_id": payload["item_id"]}), "client_id": "laptop", "client_op_id": "op-1"},
        content_type="application/json",
    )
    assert other.json()["version"] == 2


def test_operations_on_a_removed_item_are_versioned_no_ops(household, token_client_for):
    client = token_client_for(household.editor)
    item_id = add_item(household.owner, household.shopping_list, "Tea")
    assert post_op(client, household.shopping_list, "remove_item", {"item_id": item_id}).status_code == 200
    late = [
        ("check", {"item_id": item_id}),
        ("set_fields", {"item_id": item_id, "fields": {"quantity": 3}}),
        ("assign", {"item_id": item_id}),
        ("move_item", {"item_id": item_id, "before_item_id": None}),
        ("remove_item", {"item_id": item_id}),
        ("add_item", {"item_id": item_id, "text": "Tea again"}),
    ]
    versions = [post_op(client, household.shopping_list, kind, payload).json()["version"] for kind, payload in late]
    assert versions == [3, 4, 5, 6, 7, 8]
    item = ListItem.objects.get()
    assert (item.removed, item.checked, item.quantity, item.text, item.assignee_id) == (True, False, 1, "Tea", None)
    assert client.get(f"/api/v1/lists/{household.shopping_list.pk}").json()["items"] == []


def test_an_item_id_of_another_list_is_refused(household, token_client_for):
    item_id = add_item(household.owner, household.shopping_list)
    from plaza.lists import services

    other = services.create_list(owner=household.editor, title="Other")
    response = post_op(token_client_for(household.editor), other, "add_item", {"item_id": item_id, "text": "Milk"})
    assert response.status_code == 422


def test_move_puts_an_item_before_another_or_last(household, token_client_for):
    client = token_client_for(household.owner)
    ids = [add_item(household.owner, household.shopping_list, text) for text in ("a", "b", "c")]
    post_op(client, household.shopping_list, "move_item", {"item_id": ids[2], "before_item_id": ids[0]})
    texts = lambda: [i["text"] for i in client.get(f"/api/v1/lists/{household.shopping_list.pk}").json()["items"]]  # noqa: E731
    assert texts() == ["c", "a", "b"]
    post_op(client, household.shopping_list, "move_item", {"item_id": ids[2], "before_item_id": None})
    assert texts() == ["a", "b", "c"]


def test_the_api_needs_a_signed_in_caller(household, api_client):
    assert api_client.get("/api/v1/lists/").status_code == 401
    assert api_client.get(f"/api/v1/lists/{household.shopping_list.pk}").status_code == 401


def test_items_claimed_by_someone_who_loses_access_are_released_by_an_operation(household, token_client_for):
    from plaza.core.models import OutboxEvent
    from plaza.core.outbox import deliver
    from plaza.lists import services

    item_id = add_item(household.owner, household.shopping_list, "Cake")
    post_op(token_client_for(household.editor), household.shopping_list, "assign", {"item_id": item_id})
    kept = add_item(household.owner, household.shopping_list, "Candles")
    post_op(token_client_for(household.viewer), household.shopping_list, "assign", {"item_id": kept})  # refused: 403

    social.unfriend(user=household.editor, friend_id=household.owner.pk)
    # This test's transaction never commits: deliver the event as the outbox would after commit.
    event = OutboxEvent.objects.get(topic="friend.removed")
    assert deliver([event.pk])

    item = token_client_for(household.owner).get(f"/api/v1/lists/{household.shopping_list.pk}").json()["items"][0]
    assert item["assignee"] is None
    release = ListOperation.objects.get(client_id=services.SYSTEM_CLIENT)
    assert (release.kind, release.user_id, release.payload) == ("unassign", household.owner.pk, {"item_id": item_id})
    # Delivered again (at-least-once), the event changes nothing more.
    OutboxEvent.objects.filter(pk=event.pk).update(delivered_at=None)
    assert deliver([event.pk])
    assert ListOperation.objects.filter(client_id=services.SYSTEM_CLIENT).count() == 1
