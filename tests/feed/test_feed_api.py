"""Sharing and the home feed through /api/v1/feed/: audiences, merging, paging, reactions, comments."""

import json
from datetime import timedelta

import pytest
from django.db import transaction
from django.utils import timezone

from plaza.asks import services as asks
from plaza.catalog.models import ProductStatus
from plaza.core.models import OutboxEvent
from plaza.core.outbox import record_event
from plaza.feed.models import Comment, FeedEntry, Reaction, Share, ShopNews
from plaza.lists.models import ListItem, ShoppingList
from plaza.social import services as social
from tests.factories import ProductFactory, ShopFactory, UserFactory
from tests.orders.factories import paid_order

# Real commits: a share reaches feeds through the outbox, which delivers after commit.
pytestmark = pytest.mark.django_db(transaction=True)


def post(client, url, body=None):
    return client.post(url, json.dumps(body or {}), content_type="application/json")


def befriend(one, other):
    request = social.send_friend_request(sender=one, to_user_id=other.pk)
    social.accept_friend_request(user=other, request_id=request.pk)


@pytest.fixture
def town(db):
    """Ana with friends Ben and Cleo; Dan knows nobody."""
    ana, ben, cleo, dan = (UserFactory(display_name=name) for name in ("Ana", "Ben", "Cleo", "Dan"))
    befriend(ana, ben)
    befriend(ana, cleo)
    return ana, ben, cleo, dan


def feed_share_ids(client) -> list[int]:
    return [item["share"]["id"] for item in client.get("/api/v1/feed/").json()["items"] if item["kind"] == "share"]


def share_product(client, product, **audience) -> dict:
    response = post(client, "/api/v1/feed/shares", {"kind": "product", "subject_id": product.pk, **audience})
    assert response.status_code == 201, response.content
    return response.json()


def test_a_share_reaches_friends_feeds_and_the_authors_own(town, token_client_for):
    ana, ben, cleo, dan = town
    product = ProductFactory(title="Linen apron")

    shared = share_product(token_client_for(ana), product, message="Perfect for the market")

    assert shared["audience"] == "friends", "the default audience from the privacy settings"
    assert shared["product"]["title"] == "Linen apron" and shared["author"]["name"] == "Ana"
    for person in (ana, ben, cleo):
        assert feed_share_ids(token_client_for(person)) == [shared["id"]]
    assert feed_share_ids(token_client_for(dan)) == []
    assert token_client_for(dan).get(f"/api/v1/feed/shares/{shared['id']}").status_code == 404


def test_a_circle_share_reaches_only_the_circle_and_stops_when_someone_leaves_it(town, token_client_for):
    ana, ben, cleo, _ = town
    circle = social.create_circle(owner=ana, name="Family", member_ids=[ben.pk])
    shared = share_product(token_client_for(ana), ProductFactory(), audience="circle", circle_id=circle.pk)
    as_ben, as_cleo = token_client_for(ben), token_client_for(cleo)

    assert feed_share_ids(as_ben) == [shared["id"]] and feed_share_ids(as_cleo) == []
    assert as_cleo.get(f"/api/v1/feed/shares/{shared['id']}").status_code == 404

    social.remove_circle_member(owner=ana, circle_id=circle.pk, member_id=ben.pk)

    assert feed_share_ids(as_ben) == []
    assert as_ben.get(f"/api/v1/feed/shares/{shared['id']}").status_code == 404


def test_chosen_people_and_public_audiences(town, token_client_for):
    ana, ben, cleo, dan = town
    as_ana = token_client_for(ana)
    for_ben = share_product(as_ana, ProductFactory(), audience="people", people_ids=[ben.pk])
    public = share_product(as_ana, ProductFactory(), audience="public")

    assert feed_share_ids(token_client_for(ben)) == [public["id"], for_ben["id"]]
    assert feed_share_ids(token_client_for(cleo)) == [public["id"]]
    assert token_client_for(dan).get(f"/api/v1/feed/shares/{public['id']}").status_code == 200, "anyone may open a public share"
    assert feed_share_ids(token_client_for(dan)) == [], "but it reaches only friends' and followers' feeds"


def test_a_public_share_reaches_followers(town, token_client_for):
    ana, _, _, dan = town
    social.follow_person(follower=dan, person_id=ana.pk)
    public = share_product(token_client_for(ana), ProductFactory(), audience="public")
    friends_only = share_product(token_client_for(ana), ProductFactory())

    assert feed_share_ids(token_client_for(dan)) == [public["id"]]
    assert token_client_for(dan).get(f"/api/v1/feed/shares/{friends_only['id']}").status_code == 404


def test_unfriending_and_blocking_take_shares_out_of_the_feed(town, token_client_for):
    ana, ben, cleo, _ = town
    shared = share_product(token_client_for(ana), ProductFactory())
    chosen = share_product(token_client_for(ana), ProductFactory(), audience="people", people_ids=[ben.pk, cleo.pk])

    social.unfriend(user=ben, friend_id=ana.pk)
    social.block(blocker=cleo, person_id=ana.pk)

    for person in (ben, cleo):
        assert feed_share_ids(token_client_for(person)) == []
        for gone in (shared, chosen):
            assert token_client_for(person).get(f"/api/v1/feed/shares/{gone['id']}").status_code == 404
    assert not FeedEntry.objects.exclude(recipient=ana).exists()


@pytest.mark.parametrize(
    "body, field",
    [
        ({"kind": "product", "subject_id": 10**12}, "subject_id"),
        ({"kind": "shop", "subject_id": 10**12}, "subject_id"),
        ({"kind": "wishlist", "subject_id": 1}, "kind"),
        ({"kind": "product", "subject_id": "{product}", "audience": "circle"}, "circle_id"),
        ({"kind": "product", "subject_id": "{product}", "audience": "circle", "circle_id": "{bens_circle}"}, "circle_id"),
        ({"kind": "product", "subject_id": "{product}", "audience": "people", "people_ids": []}, "people_ids"),
        ({"kind": "product", "subject_id": "{product}", "audience": "people", "people_ids": ["{dan}"]}, "people_ids"),
        ({"kind": "product", "subject_id": "{product}", "message": "x" * 501}, "message"),
        ({"kind": "product", "subject_id": "{draft}"}, "subject_id"),
    ],
)
def test_bad_shares_are_refused_and_write_nothing(town, token_client_for, body, field):
    ana, ben, _, dan = town
    values = {
        "{product}": ProductFactory().pk,
        "{draft}": ProductFactory(status="draft").pk,
        "{bens_circle}": social.create_circle(owner=ben, name="Mine", member_ids=[ana.pk]).pk,
        "{dan}": dan.pk,
    }
    resolved = json.loads(json.dumps(body), object_hook=lambda d: {k: _resolve(v, values) for k, v in d.items()})
    before = OutboxEvent.objects.count()

    response = post(token_client_for(ana), "/api/v1/feed/shares", resolved)

    assert response.status_code == 422, response.content
    assert field in response.json()["error"]["fields"]
    assert Share.objects.count() == 0 and OutboxEvent.objects.count() == before


def _resolve(value, values):
    if isinstance(value, list):
        return [values.get(item, item) for item in value]
    return values.get(value, value)


def test_only_ones_own_orders_can_be_shared_and_they_show_no_prices(town, token_client_for):
    ana, ben, _, _ = town
    mine, theirs = paid_order(customer=ana), paid_order(customer=ben)
    as_ana = token_client_for(ana)

    assert post(as_ana, "/api/v1/feed/shares", {"kind": "purchase", "subject_id": theirs.pk}).status_code == 422
    shared = post(as_ana, "/api/v1/feed/shares", {"kind": "purchase", "subject_id": mine.pk}).json()

    seen = token_client_for(ben).get(f"/api/v1/feed/shares/{shared['id']}").json()
    assert seen["purchased"] == sorted({line.product_title for line in mine.lines.all()})
    assert "total" not in json.dumps(seen) and mine.number not in json.dumps(seen)


def test_the_feed_merges_followed_shops_news_newest_first_and_pages_without_repeats(town, token_client_for):
    ana, ben, _, _ = town
    as_ana, as_ben = token_client_for(ana), token_client_for(ben)
    expected = []
    for n in range(7):
        if n % 2:
            shop = ShopFactory(name=f"Fromagerie {n}")
            social.follow_shop(follower=ben, shop_id=shop.pk)
            product = ProductFactory(shop=shop, title=f"Cheese {n}")
            publish(product)
            expected.append(("new_products", product.title))
        else:
            product = ProductFactory(title=f"Gift {n}")
            share_product(as_ana, product)
            expected.append(("share", product.title))

    seen, before = [], ""
    while True:
        page = as_ben.get(f"/api/v1/feed/?limit=3{'&before=' + before if before else ''}").json()
        seen += [(item["kind"], (item["products"] or [item["share"]["product"]])[0]["title"]) for item in page["items"]]
        if not page["next_before"]:
            break
        before = page["next_before"]

    assert seen == list(reversed(expected))


def publish(product) -> None:
    with transaction.atomic():
        record_event("product.published", {"product_id": product.pk, "shop_id": product.shop_id})


def test_what_a_shop_adds_within_hours_is_one_item_and_later_products_are_news_again(town, token_client_for):
    ben = town[1]
    shop = ShopFactory(name="Fromagerie")
    social.follow_shop(follower=ben, shop_id=shop.pk)
    imported = [ProductFactory(shop=shop, title=f"Cheese {n}") for n in range(6)]
    for product in imported:
        publish(product)
    publish(imported[0])  # published again: not news twice
    imported[5].status = ProductStatus.DRAFT
    imported[5].save(update_fields=["status"])

    [item] = token_client_for(ben).get("/api/v1/feed/").json()["items"]
    assert (item["kind"], item["shop"]["name"], item["product_count"]) == ("new_products", "Fromagerie", 5)
    assert [product["title"] for product in item["products"]] == ["Cheese 4", "Cheese 3", "Cheese 2", "Cheese 1"]

    ShopNews.objects.update(created_at=timezone.now() - timedelta(hours=13))
    publish(ProductFactory(shop=shop, title="Next week's cheese"))
    items = token_client_for(ben).get("/api/v1/feed/").json()["items"]
    assert [(item["product_count"], item["products"][0]["title"]) for item in items] == [(1, "Next week's cheese"), (5, "Cheese 4")]


def test_a_bad_cursor_is_a_clear_error(town, token_client_for):
    response = token_client_for(town[0]).get("/api/v1/feed/?before=bm90LWEtY3Vyc29y")
    assert response.status_code == 422 and "before" in response.json()["error"]["fields"]


def test_reactions_one_per_person(town, token_client_for):
    ana, ben, _, dan = town
    shared = share_product(token_client_for(ana), ProductFactory())
    url = f"/api/v1/feed/shares/{shared['id']}/reaction"
    as_ben = token_client_for(ben)

    assert as_ben.put(url, json.dumps({"kind": "like"}), content_type="application/json").status_code == 204
    assert as_ben.put(url, json.dumps({"kind": "want"}), content_type="application/json").status_code == 204
    seen = as_ben.get(f"/api/v1/feed/shares/{shared['id']}").json()
    assert seen["reaction_count"] == 1 and seen["my_reaction"] == "want"
    assert as_ben.put(url, json.dumps({"kind": "angry"}), content_type="application/json").status_code == 422
    assert token_client_for(dan).put(url, json.dumps({"kind": "like"}), content_type="application/json").status_code == 404
    assert as_ben.delete(url).status_code == 204
    assert Reaction.objects.count() == 0


def test_comments_are_for_the_audience_and_deleted_by_their_author_or_the_sharer(town, token_client_for):
    ana, ben, cleo, dan = town
    shared = share_product(token_client_for(ana), ProductFactory())
    url = f"/api/v1/feed/shares/{shared['id']}/comments"
    as_ben, as_cleo = token_client_for(ben), token_client_for(cleo)

    comment = post(as_ben, url, {"text": "Love it <b>really</b>"}).json()
    assert comment["text"] == "Love it <b>really</b>", "stored as text, escaped when shown"
    assert post(as_ben, url, {"text": "   "}).status_code == 422
    assert post(token_client_for(dan), url, {"text": "hi"}).status_code == 404
    assert [c["text"] for c in as_cleo.get(url).json()["items"]] == ["Love it <b>really</b>"]
    assert as_cleo.delete(f"/api/v1/feed/comments/{comment['id']}").status_code == 403
    assert token_client_for(ana).delete(f"/api/v1/feed/comments/{comment['id']}").status_code == 204
    assert Comment.objects.count() == 0


def test_only_the_author_deletes_a_share(town, token_client_for):
    ana, ben, _, dan = town
    shared = share_product(token_client_for(ana), ProductFactory())

    assert token_client_for(ben).delete(f"/api/v1/feed/shares/{shared['id']}").status_code == 403
    assert token_client_for(dan).delete(f"/api/v1/feed/shares/{shared['id']}").status_code == 404
    assert token_client_for(ana).delete(f"/api/v1/feed/shares/{shared['id']}").status_code == 204
    assert Share.objects.count() == 0 and FeedEntry.objects.count() == 0


def test_a_persons_shares_as_the_viewer_may_see_them(town, token_client_for):
    ana, ben, _, dan = town
    share_product(token_client_for(ana), ProductFactory())
    public = share_product(token_client_for(ana), ProductFactory(), audience="public")

    assert token_client_for(ben).get(f"/api/v1/feed/people/{ana.pk}/shares").json()["count"] == 2
    assert [s["id"] for s in token_client_for(dan).get(f"/api/v1/feed/people/{ana.pk}/shares").json()["items"]] == [public["id"]]


def test_sharing_ones_list_shows_its_items_to_the_audience_without_giving_a_place_on_it(town, token_client_for):
    ana, ben, _, dan = town
    wishlist = ShoppingList.objects.create(owner=ana, title="Birthday wishlist")
    ListItem.objects.create(shopping_list=wishlist, text="Copper kettle", quantity=1)
    ListItem.objects.create(shopping_list=wishlist, text="Old one", removed=True)
    bens_list = ShoppingList.objects.create(owner=ben, title="Ben's")

    assert post(token_client_for(ana), "/api/v1/feed/shares", {"kind": "list", "subject_id": bens_list.pk}).status_code == 422
    shared = post(token_client_for(ana), "/api/v1/feed/shares", {"kind": "list", "subject_id": wishlist.pk}).json()

    seen = token_client_for(ben).get(f"/api/v1/feed/shares/{shared['id']}").json()
    assert seen["shopping_list"] == {"title": "Birthday wishlist", "items": [{"text": "Copper kettle", "quantity": 1, "checked": False}]}
    assert seen["shop"] is None
    assert token_client_for(ben).get(f"/api/v1/lists/{wishlist.pk}").status_code == 404, "seeing a shared list is not being on it"
    assert token_client_for(dan).get(f"/api/v1/feed/shares/{shared['id']}").status_code == 404


def test_answers_to_my_asks_come_to_my_feed_only(town, token_client_for):
    ana, ben, cleo, _ = town
    draft = asks.AskDraft(question="Worth it?", product_id=ProductFactory().pk, audience="friends")
    ask = asks.create_ask(asker=ana, draft=draft)
    asks.answer(author=ben, ask_id=ask.pk, text="Absolutely")
    asks.answer(author=ana, ask_id=ask.pk, text="Thanks!")

    items = token_client_for(ana).get("/api/v1/feed/").json()["items"]
    answers = [item["answer"] for item in items if item["kind"] == "ask_answer"]
    assert [(a["author"]["name"], a["text"], a["question"]) for a in answers] == [("Ben", "Absolutely", "Worth it?")]
    assert answers[0]["ask_url"].startswith(f"/asks/{ask.pk}/#answer-")
    assert not [item for item in token_client_for(cleo).get("/api/v1/feed/").json()["items"] if item["kind"] == "ask_answer"]

    social.block(blocker=ana, person_id=ben.pk)
    assert not [item for item in token_client_for(ana).get("/api/v1/feed/").json()["items"] if item["kind"] == "ask_answer"]
