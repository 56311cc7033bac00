"""The ask pages: the button on the product and cart pages, the form, the ask page and its buttons, the lists."""

import pytest
from django.test import Client

from plaza.asks import services
from plaza.asks.models import Answer, Ask, Vote
from plaza.checkout.models import CartLine
from plaza.checkout.services import add_to_cart
from tests.asks.conftest import ask_colour, written
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


def signed_in(user) -> Client:
    client = Client()
    assert client.login(email=user.email, password=PASSWORD)
    return client


def product_path(product) -> str:
    return f"/shops/{product.shop.slug}/products/{product.handle}/"


def test_the_product_and_cart_pages_offer_to_ask_when_signed_in(circle):
    ana = signed_in(circle.ana)

    assert f"/asks/new/?product={circle.product.pk}" in ana.get(product_path(circle.product)).content.decode()
    assert "Ask my circle" not in Client().get(product_path(circle.product)).content.decode()
    assert "/asks/new/?cart=1" not in ana.get("/cart/").content.decode(), "nothing to ask about in an empty cart"
    add_to_cart(variant_id=circle.red.pk, quantity=1, user=circle.ana)
    assert "/asks/new/?cart=1" in ana.get("/cart/").content.decode()


def test_the_form_offers_the_variants_as_options_and_asks(circle):
    ana = signed_in(circle.ana)

    form = ana.get(f"/asks/new/?product={circle.product.pk}")

    html = form.content.decode()
    assert form.status_code == 200 and "Linen shirt" in html and "Family" in html
    assert 'name="option_label_0" value="Red"' in html and 'name="option_label_1" value="Blue"' in html
    response = ana.post(
        "/asks/new/",
        {
            "product": circle.product.pk,
            "question": "Which colour?",
            "details": "For June.\r\nOutdoors.",
            "poll_kind": "options",
            "option_label_0": "Red",
            "option_variant_0": circle.red.pk,
            "option_label_1": "Blue",
            "option_variant_1": circle.blue.pk,
            "audience": "circle",
            "circle_id": circle.family.pk,
            "closes_in": "6",
        },
    )

    ask = Ask.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/asks/{ask.pk}/"
    assert ask.details == "For June.\nOutdoors." and ask.circle_id == circle.family.pk
    assert [(option.label, option.variant_id) for option in ask.options.all()] == [("Red", circle.red.pk), ("Blue", circle.blue.pk)]


def test_a_refused_form_shows_the_messages_next_to_the_fields_and_writes_nothing(circle):
    before = written()
    response = signed_in(circle.ana).post(
        "/asks/new/",
        {
            "product": circle.product.pk,
            "question": "",
            "poll_kind": "options",
            "option_label_0": "Red",
            "option_label_1": "red",
            "audience": "circle",
            "circle_id": "999999",
            "closes_in": "24",
        },
    )

    html = response.content.decode()
    assert response.status_code == 422
    assert "The question is required." in html and "is there twice" in html and "Choose one of your circles." in html
    assert 'value="Red"' in html, "what was typed is kept"
    assert written() == before


def test_asking_about_the_cart_from_the_form(circle):
    add_to_cart(variant_id=circle.blue.pk, quantity=2, user=circle.ana)
    ana = signed_in(circle.ana)
    assert "2 × Linen shirt · Blue" in ana.get("/asks/new/?cart=1").content.decode()

    response = ana.post("/asks/new/", {"cart": "1", "question": "Good basket?", "poll_kind": "yes_no", "audience": "friends"})

    assert response.status_code == 302
    assert [(item.variant_id, item.quantity) for item in Ask.objects.get().items.all()] == [(circle.blue.pk, 2)]


def test_an_unknown_product_is_a_404(circle):
    assert signed_in(circle.ana).get("/asks/new/?product=999999").status_code == 404
    assert signed_in(circle.ana).get("/asks/new/").status_code == 404


def test_the_ask_page_for_a_member_and_a_404_for_the_others(circle):
    ask = ask_colour(circle, details="Be honest")
    page = signed_in(circle.ben).get(f"/asks/{ask.pk}/")

    html = page.content.decode()
    assert page.status_code == 200
    assert "Which colour?" in html and "Be honest" in html and "Linen shirt" in html and "Ana Martin asks" in html
    assert f'data-live-url="/ws/asks/{ask.pk}/"' in html and "No answers yet." in html
    for outsider in (circle.cleo, circle.dan):
        refused = signed_in(outsider).get(f"/asks/{ask.pk}/")
        assert refused.status_code == 404 and "Page not found" in refused.content.decode()
        assert signed_in(outsider).get(f"/asks/{ask.pk}/poll/").status_code == 404
    assert Client().get(f"/asks/{ask.pk}/").status_code == 302, "to the login page"
    assert signed_in(circle.ben).get(f"/asks/{2**64}/").status_code == 404


def test_voting_with_htmx_returns_the_poll_and_a_vote_on_ones_own_ask_is_refused(circle):
    ask = ask_colour(circle)
    red, blue = ask.options.all()
    ben = signed_in(circle.ben)

    fragment = ben.post(f"/asks/{ask.pk}/vote/", {"option_id": blue.pk}, HTTP_HX_REQUEST="true")

    html = fragment.content.decode()
    assert fragment.status_code == 200 and html.lstrip().startswith('<section id="ask-poll"')
    assert "1 vote · 100%" in html and 'aria-pressed="true"' in html
    assert Vote.objects.get().option_id == blue.pk
    own = signed_in(circle.ana).post(f"/asks/{ask.pk}/vote/", {"option_id": red.pk}, HTTP_HX_REQUEST="true")
    assert own.status_code == 403 and "the vote is your circle" in own.content.decode()
    assert Vote.objects.count() == 1


def test_answering_and_fetching_the_new_answers(circle):
    ask = ask_colour(circle)
    ben = signed_in(circle.ben)

    response = ben.post(f"/asks/{ask.pk}/answers/", {"text": "Red <b>for sure</b>"})

    answer = Answer.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/asks/{ask.pk}/#answer-{answer.pk}"
    fresh = ben.get(f"/asks/{ask.pk}/answers/?after_id=0").content.decode()
    assert f'id="answer-{answer.pk}"' in fresh and "Red &lt;b&gt;for sure&lt;/b&gt;" in fresh
    assert "answer-" not in ben.get(f"/asks/{ask.pk}/answers/?after_id={answer.pk}").content.decode()
    assert signed_in(circle.cleo).get(f"/asks/{ask.pk}/answers/").status_code == 404
    ben.post(f"/asks/{ask.pk}/answers/", {"text": ""})
    assert Answer.objects.count() == 1


def test_closing_shows_the_summary_and_adds_the_winner_to_the_cart(circle):
    ask = ask_colour(circle)
    services.vote(voter=circle.ben, ask_id=ask.pk, option_id=ask.options.last().pk)
    ana = signed_in(circle.ana)

    ana.post(f"/asks/{ask.pk}/close/")

    html = ana.get(f"/asks/{ask.pk}/").content.decode()
    assert "Closed" in html and "“Blue” won with 1 of 1 vote." in html and "Add “Blue” to cart" in html
    assert 'class="answer-form"' not in html
    assert ana.post(f"/asks/{ask.pk}/add-to-cart/").status_code == 302
    assert list(CartLine.objects.values_list("variant_id", flat=True)) == [circle.blue.pk]
    assert "Add “Blue” to cart" not in signed_in(circle.ben).get(f"/asks/{ask.pk}/").content.decode()


def test_only_the_asker_deletes_from_the_page(circle):
    ask = ask_colour(circle)
    assert signed_in(circle.ben).post(f"/asks/{ask.pk}/delete/").status_code == 302
    assert Ask.objects.exists()
    assert signed_in(circle.ana).post(f"/asks/{ask.pk}/delete/")["Location"] == "/asks/"
    assert not Ask.objects.exists()


def test_the_lists_and_their_empty_states(circle):
    ask_colour(circle)
    newcomer = signed_in(UserFactory())
    assert "You have not asked anything yet." in newcomer.get("/asks/").content.decode()
    assert "Nobody has asked you anything yet." in newcomer.get("/asks/?show=inbox").content.decode()

    assert "Which colour?" in signed_in(circle.ana).get("/asks/").content.decode()
    inbox = signed_in(circle.ben).get("/asks/?show=inbox").content.decode()
    assert "Which colour?" in inbox and "Ana Martin" in inbox
    assert "Which colour?" not in signed_in(circle.cleo).get("/asks/?show=inbox").content.decode()
