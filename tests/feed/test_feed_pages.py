"""The feed pages: sharing from a form, the home feed, a share with reactions and comments."""

import pytest
from django.test import Client

from plaza.feed import services as feed_services
from plaza.feed.models import Comment, Reaction, Share
from plaza.social import services as social
from tests.factories import PASSWORD, ProductFactory, ShopFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


def signed_in(user) -> Client:
    client = Client()
    assert client.login(email=user.email, password=PASSWORD)
    return client


@pytest.fixture
def friends(db):
    ana, ben = UserFactory(display_name="Ana"), UserFactory(display_name="Ben")
    request = social.send_friend_request(sender=ana, to_user_id=ben.pk)
    social.accept_friend_request(user=ben, request_id=request.pk)
    return ana, ben


def test_sharing_a_product_from_the_form_puts_it_in_a_friends_feed(friends):
    ana, ben = friends
    product = ProductFactory(title="Copper kettle")
    as_ana = signed_in(ana)
    form = as_ana.get(f"/feed/share/?kind=product&subject_id={product.pk}")
    assert form.status_code == 200 and "Who can see it" in form.content.decode()

    response = as_ana.post("/feed/share/", {"kind": "product", "subject_id": product.pk, "message": "Look!", "audience": "friends"})

    assert response["Location"] == "/feed/"
    html = signed_in(ben).get("/feed/").content.decode()
    assert "Copper kettle" in html and "Look!" in html and "Ana" in html


def test_a_refused_share_shows_the_reason_and_writes_nothing(friends):
    ana, _ = friends
    product = ProductFactory()
    response = signed_in(ana).post("/feed/share/", {"kind": "product", "subject_id": product.pk, "audience": "people"})
    assert response.status_code == 422 and "Choose at least one person." in response.content.decode()
    assert Share.objects.count() == 0


def test_an_empty_feed_says_what_to_do():
    html = signed_in(UserFactory()).get("/feed/").content.decode()
    assert "Nothing here yet" in html and "Find friends" in html


def test_reacting_and_commenting_on_a_share(friends):
    ana, ben = friends
    social.follow_shop(follower=ben, shop_id=ShopFactory().pk)
    shared = Share.objects.get(pk=_share(ana))
    as_ben = signed_in(ben)

    as_ben.post(f"/feed/shares/{shared.pk}/react/", {"kind": "love"})
    assert Reaction.objects.get().kind == "love"
    as_ben.post(f"/feed/shares/{shared.pk}/react/", {"kind": "love"})
    assert Reaction.objects.count() == 0, "pressing one's reaction again takes it back"

    as_ben.post(f"/feed/shares/{shared.pk}/comments/", {"text": "<script>alert(1)</script>"})
    page = as_ben.get(f"/feed/shares/{shared.pk}/").content.decode()
    assert Comment.objects.count() == 1
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page and "<script>alert(1)" not in page


def test_a_stranger_cannot_open_a_friends_share(friends):
    ana, _ = friends
    share_id = _share(ana)
    assert signed_in(UserFactory()).get(f"/feed/shares/{share_id}/").status_code == 404


def _share(author) -> int:
    return feed_services.share(author=author, kind="product", subject_id=ProductFactory().pk).pk
