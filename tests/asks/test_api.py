"""/api/v1/asks/ over HTTP: each verb, its refusals (and that they write nothing), and who may see what."""

from datetime import timedelta

import pytest
from django.utils import timezone

from plaza.asks import services
from plaza.asks.models import Ask, Vote
from plaza.checkout.models import CartLine
from plaza.checkout.services import add_to_cart
from plaza.core.models import OutboxEvent
from plaza.social import services as social
from tests.asks.conftest import ask_colour, befriend, in_an_hour, post_json, written
from tests.factories import ProductFactory, UserFactory, VariantFactory

pytestmark = pytest.mark.django_db


def colour_body(c, **overrides) -> dict:
    body = {
        "question": "Which colour?",
        "details": "For the wedding in June.",
        "product_id": c.product.pk,
        "poll_kind": "options",
        "options": [{"label": "Red", "variant_id": c.red.pk}, {"label": "Blue", "variant_id": c.blue.pk}],
        "audience": "circle",
        "circle_id": c.family.pk,
        "deadline": in_an_hour(),
    }
    body.update(overrides)
    return body


def event_payloads(topic: str) -> list[dict]:
    return list(OutboxEvent.objects.filter(topic=topic).order_by("id").values_list("payload", flat=True))


# --- asking -----------------------------------------------------------------------------------


def test_asking_the_circle_with_a_poll_of_variants(circle, token_client_for):
    response = post_json(token_client_for(circle.ana), "/api/v1/asks/", colour_body(circle))

    assert response.status_code == 201, response.content
    body = response.json()
    assert body["question"] == "Which colour?" and body["details"] == "For the wedding in June."
    assert body["product"]["title"] == "Linen shirt" and body["product"]["url"].endswith("/products/linen-shirt/")
    assert [(option["label"], option["variant_id"], option["votes"]) for option in body["options"]] == [
        ("Red", circle.red.pk, 0),
        ("Blue", circle.blue.pk, 0),
    ]
    assert body["is_open"] and body["summary"] is None and body["version"] == 1
    assert event_payloads("ask.created") == [
        {
            "ask_id": body["id"],
            "asker_id": circle.ana.pk,
            "question": "Which colour?",
            "audience": "circle",
            "product_id": circle.product.pk,
            "poll_kind": "options",
            "deadline": Ask.objects.get().deadline.isoformat(),
            "recipient_ids": [circle.ben.pk],
        }
    ]


def test_a_yes_no_poll_to_friends_closes_in_24_hours_by_default(circle, token_client_for):
    before = timezone.now()
    response = post_json(
        token_client_for(circle.ana),
        "/api/v1/asks/",
        {"question": "Should I buy it?", "product_id": circle.product.pk, "variant_ids": [circle.blue.pk], "poll_kind": "yes_no"},
    )

    assert response.status_code == 201, response.content
    body = response.json()
    assert [option["label"] for option in body["options"]] == ["Yes", "No", "Maybe"]
    assert body["audience"] == "friends" and [item["variant_title"] for item in body["items"]] == ["Blue"]
    deadline = Ask.objects.get().deadline
    assert before + timedelta(hours=24) <= deadline <= timezone.now() + timedelta(hours=24)
    assert sorted(event_payloads("ask.created")[0]["recipient_ids"]) == sorted([circle.ben.pk, circle.cleo.pk])


def test_asking_about_the_cart_links_its_items(circle, token_client_for):
    other = VariantFactory(option1="Large")
    add_to_cart(variant_id=circle.red.pk, quantity=2, user=circle.ana)
    add_to_cart(variant_id=other.pk, quantity=1, user=circle.ana)

    response = post_json(
        token_client_for(circle.ana),
        "/api/v1/asks/",
        {
            "question": "Is this a good basket?",
            "from_cart": True,
            "poll_kind": "options",
            "options": [{"label": "The red shirt", "variant_id": circle.red.pk}, {"label": "The other", "variant_id": other.pk}],
        },
    )

    assert response.status_code == 201, response.content
    body = response.json()
    assert body["product"] is None
    assert [(item["product"]["id"], item["variant_id"], item["quantity"]) for item in body["items"]] == [
        (circle.product.pk, circle.red.pk, 2),
        (other.product_id, other.pk, 1),
    ]


@pytest.mark.parametrize(
    ("change", "field"),
    [
        (lambda c: {"product_id": 999_999}, "product_id"),
        (lambda c: {"product_id": None}, "product_id"),
        (lambda c: {"variant_ids": [VariantFactory().pk]}, "variant_ids"),
        (lambda c: {"options": [{"label": "Red", "variant_id": VariantFactory().pk}, {"label": "Blue"}]}, "options.0.variant_id"),
        (lambda c: {"circle_id": social.create_circle(owner=c.ben, name="Mine").pk}, "circle_id"),
        (lambda c: {"audience": "people", "people_ids": [c.dan.pk]}, "people_ids"),
        (lambda c: {"options": [{"label": "Red"}]}, "options"),
        (lambda c: {"options": [{"label": "Red"}, {"label": " red "}]}, "options"),
        (lambda c: {"options": [{"label": "Red"}, {"label": "   "}]}, "options.1.label"),
        (lambda c: {"poll_kind": "yes_no"}, "options"),
        (lambda c: {"deadline": (timezone.now() - timedelta(minutes=1)).isoformat()}, "deadline"),
        (lambda c: {"deadline": (timezone.now() + timedelta(days=30, hours=1)).isoformat()}, "deadline"),
        (lambda c: {"question": "x" * 281}, "question"),
        (lambda c: {"question": "  "}, "question"),
        (lambda c: {"details": "x" * 2001}, "details"),
        (lambda c: {"question": "Which\x00colour?"}, "question"),
        (lambda c: {"details": "bell\x07"}, "details"),
        (lambda c: {"from_cart": True}, "product_id"),
    ],
)
def test_bad_asks_are_refused_with_field_messages_and_write_nothing(circle, token_client_for, change, field):
    body = colour_body(circle, **change(circle))
    before = written()

    response = post_json(token_client_for(circle.ana), "/api/v1/asks/", body)

    assert response.status_code == 422, response.content
    assert field in response.json()["error"]["fields"], response.json()
    assert written() == before


def test_asking_about_an_empty_cart_is_refused(circle, token_client_for):
    body = colour_body(circle, product_id=None, from_cart=True, options=[{"label": "Yes"}, {"label": "No"}])
    response = post_json(token_client_for(circle.ana), "/api/v1/asks/", body)

    assert response.status_code == 422
    assert response.json()["error"]["fields"] == {"from_cart": ["Your cart is empty: add what you want to ask about first."]}
    assert written() == (0, 0, 0, 0, 0, 0)


def test_a_huge_id_is_a_422_and_signed_out_is_a_401(circle, token_client_for, api_client):
    assert token_client_for(circle.ana).get(f"/api/v1/asks/{2**64}").status_code == 422
    assert api_client.get("/api/v1/asks/").status_code == 401
    assert post_json(api_client, "/api/v1/asks/", colour_body(circle)).status_code == 401


# --- who sees what --------------------------------------------------------------------------


def status_for(client_for, person, ask) -> int:
    return client_for(person).get(f"/api/v1/asks/{ask.pk}").status_code


def test_a_friends_ask_is_seen_by_friends_not_by_strangers_nor_the_blocked(circle, token_client_for):
    ask = ask_colour(circle, audience="friends", circle_id=None)

    assert status_for(token_client_for, circle.ana, ask) == 200
    assert status_for(token_client_for, circle.cleo, ask) == 200
    assert status_for(token_client_for, circle.dan, ask) == 404

    social.block(blocker=circle.cleo, person_id=circle.ana.pk)
    assert status_for(token_client_for, circle.cleo, ask) == 404
    assert post_json(token_client_for(circle.cleo), f"/api/v1/asks/{ask.pk}/answers", {"text": "hi"}).status_code == 404


def test_a_circle_ask_is_seen_by_its_members_only_and_not_after_leaving(circle, token_client_for):
    ask = ask_colour(circle)

    assert status_for(token_client_for, circle.ben, ask) == 200
    assert status_for(token_client_for, circle.cleo, ask) == 404, "a friend outside the circle"
    assert status_for(token_client_for, circle.dan, ask) == 404

    social.remove_circle_member(owner=circle.ana, circle_id=circle.family.pk, member_id=circle.ben.pk)
    ben = token_client_for(circle.ben)
    assert ben.get(f"/api/v1/asks/{ask.pk}").status_code == 404
    assert ben.get(f"/api/v1/asks/{ask.pk}/answers").status_code == 404
    option = ask.options.first()
    assert post_json(ben, f"/api/v1/asks/{ask.pk}/vote", {"option_id": option.pk}, "put").status_code == 404
    assert ben.get("/api/v1/asks/inbox").json()["count"] == 0


def test_a_people_ask_is_seen_by_the_people_chosen(circle, token_client_for):
    ask = ask_colour(circle, audience="people", circle_id=None, people_ids=[circle.cleo.pk])

    assert status_for(token_client_for, circle.cleo, ask) == 200
    assert status_for(token_client_for, circle.ben, ask) == 404
    assert status_for(token_client_for, circle.dan, ask) == 404


def test_the_lists_mine_and_asked_to_me_newest_first_paginated(circle, token_client_for):
    first = ask_colour(circle)
    second = ask_colour(circle, question="Red or blue, really?")
    ask_colour(circle, audience="people", circle_id=None, people_ids=[circle.cleo.pk])
    befriend(circle.ben, circle.dan)
    services.create_ask(
        asker=circle.dan, draft=services.AskDraft(question="Any good?", product_id=circle.product.pk, audience="public")
    )
    stranger = UserFactory()
    services.create_ask(
        asker=stranger, draft=services.AskDraft(question="Public, from a stranger", product_id=circle.product.pk, audience="public")
    )
    services.vote(voter=circle.ben, ask_id=second.pk, option_id=second.options.first().pk)
    services.answer(author=circle.ben, ask_id=second.pk, text="Blue")

    ana = token_client_for(circle.ana).get("/api/v1/asks/?limit=2").json()
    assert ana["count"] == 3 and len(ana["items"]) == 2
    inbox = token_client_for(circle.ben).get("/api/v1/asks/inbox").json()
    assert [item["question"] for item in inbox["items"]] == ["Any good?", "Red or blue, really?", "Which colour?"]
    assert inbox["items"][1]["answer_count"] == 1 and inbox["items"][2]["id"] == first.pk
    assert token_client_for(circle.dan).get("/api/v1/asks/inbox").json()["count"] == 0
    assert token_client_for(stranger).get("/api/v1/asks/").json()["count"] == 1


# --- votes --------------------------------------------------------------------------------------


def test_voting_changing_and_withdrawing(circle, token_client_for, pushed, django_capture_on_commit_callbacks):
    ask = ask_colour(circle)
    red, blue = ask.options.all()
    ben = token_client_for(circle.ben)

    voted = post_json(ben, f"/api/v1/asks/{ask.pk}/vote", {"option_id": red.pk}, "put")
    assert voted.status_code == 200, voted.content
    assert voted.json()["my_vote_option_id"] == red.pk and voted.json()["options"][0]["percent"] == 100

    changed = post_json(ben, f"/api/v1/asks/{ask.pk}/vote", {"option_id": blue.pk}, "put").json()
    assert [option["votes"] for option in changed["options"]] == [0, 1] and changed["total_votes"] == 1
    again = post_json(ben, f"/api/v1/asks/{ask.pk}/vote", {"option_id": blue.pk}, "put").json()
    assert again["version"] == changed["version"], "the same vote again changes nothing"

    with django_capture_on_commit_callbacks(execute=True):
        assert ben.delete(f"/api/v1/asks/{ask.pk}/vote").status_code == 204
        assert ben.delete(f"/api/v1/asks/{ask.pk}/vote").status_code == 204
    assert not Vote.objects.exists()
    voted_events = event_payloads("ask.voted")
    assert [(event["option_id"], event["previous_option_id"], event["tallies"]) for event in voted_events] == [
        (red.pk, None, {str(red.pk): 1, str(blue.pk): 0}),
        (blue.pk, red.pk, {str(red.pk): 0, str(blue.pk): 1}),
    ]
    # Only the ask's open pages hear a withdrawal (it is not kept): withdrawing twice is heard once.
    withdrawn = [payload for topic, payload in pushed if topic == "ask.vote_withdrawn"]
    assert [payload["tallies"] for payload in withdrawn] == [{str(red.pk): 0, str(blue.pk): 0}]


def test_refused_votes_write_nothing(circle, token_client_for):
    ask = ask_colour(circle)
    elsewhere = ask_colour(circle)
    before = written()

    own = post_json(token_client_for(circle.ana), f"/api/v1/asks/{ask.pk}/vote", {"option_id": ask.options.first().pk}, "put")
    assert own.status_code == 403 and "option_id" in own.json()["error"]["fields"]
    other_ask = post_json(token_client_for(circle.ben), f"/api/v1/asks/{ask.pk}/vote", {"option_id": elsewhere.options.first().pk}, "put")
    assert other_ask.status_code == 422 and other_ask.json()["error"]["fields"] == {"option_id": ["Not an option of this ask."]}
    assert post_json(token_client_for(circle.ben), f"/api/v1/asks/{ask.pk}/vote", {"option_id": 0}, "put").status_code == 422
    assert post_json(token_client_for(circle.cleo), f"/api/v1/asks/{ask.pk}/vote", {"option_id": ask.options.first().pk}, "put").status_code == 404
    assert written() == before


def test_after_the_deadline_no_more_votes_nor_answers(circle, token_client_for):
    ask = ask_colour(circle)
    Ask.objects.filter(pk=ask.pk).update(deadline=timezone.now() - timedelta(seconds=1))
    ben = token_client_for(circle.ben)
    before = written()

    vote = post_json(ben, f"/api/v1/asks/{ask.pk}/vote", {"option_id": ask.options.first().pk}, "put")
    assert vote.status_code == 409 and vote.json()["error"]["message"] == services.CLOSED_MESSAGE
    assert post_json(ben, f"/api/v1/asks/{ask.pk}/answers", {"text": "Red"}).status_code == 409
    assert ben.delete(f"/api/v1/asks/{ask.pk}/vote").status_code == 409
    assert ben.get(f"/api/v1/asks/{ask.pk}").json()["is_open"] is False
    assert written() == before


# --- answers --------------------------------------------------------------------------------------


def test_answering_and_reading_answers_after_an_id(circle, token_client_for):
    ask = ask_colour(circle)
    ben = token_client_for(circle.ben)

    first = post_json(ben, f"/api/v1/asks/{ask.pk}/answers", {"text": "  The red one.\r\nDefinitely.  "})
    assert first.status_code == 201, first.content
    assert first.json()["text"] == "The red one.\nDefinitely." and first.json()["author"]["name"] == "Ben Okafor"
    reply = post_json(token_client_for(circle.ana), f"/api/v1/asks/{ask.pk}/answers", {"text": "Thanks!"}).json()

    assert [a["text"] for a in ben.get(f"/api/v1/asks/{ask.pk}/answers").json()["items"]] == ["The red one.\nDefinitely.", "Thanks!"]
    after = ben.get(f"/api/v1/asks/{ask.pk}/answers?after_id={first.json()['id']}").json()
    assert [a["id"] for a in after["items"]] == [reply["id"]]
    assert ben.get(f"/api/v1/asks/{ask.pk}").json()["answer_count"] == 2
    assert event_payloads("ask.answered")[0] | {"version": 0} == {
        "ask_id": ask.pk,
        "asker_id": circle.ana.pk,
        "question": "Which colour?",
        "answer_id": first.json()["id"],
        "author_id": circle.ben.pk,
        "version": 0,
        "tallies": {str(option.pk): 0 for option in ask.options.all()},
        "total_votes": 0,
        "answer_count": 1,
    }


@pytest.mark.parametrize("text", ["", "   ", "x" * 1001, "nul\x00here"])
def test_bad_answers_are_refused_and_write_nothing(circle, token_client_for, text):
    ask = ask_colour(circle)
    before = written()
    response = post_json(token_client_for(circle.ben), f"/api/v1/asks/{ask.pk}/answers", {"text": text})
    assert response.status_code == 422 and "text" in response.json()["error"]["fields"]
    assert written() == before


# --- closing, deleting, acting ---------------------------------------------------------------------


def test_the_asker_closes_early_once_with_a_summary(circle, token_client_for):
    ask = ask_colour(circle)
    red, blue = ask.options.all()
    services.vote(voter=circle.ben, ask_id=ask.pk, option_id=blue.pk)
    ana = token_client_for(circle.ana)

    assert ana.post(f"/api/v1/asks/{ask.pk}/close").status_code == 200
    body = ana.get(f"/api/v1/asks/{ask.pk}").json()
    assert body["is_open"] is False and body["closed_at"]
    assert body["summary"] == {
        "votes": {str(red.pk): 0, str(blue.pk): 1},
        "total_votes": 1,
        "winner_option_ids": [blue.pk],
        "winner_labels": ["Blue"],
        "answer_count": 0,
    }
    closed = event_payloads("ask.closed")
    assert len(closed) == 1 and closed[0]["closed_by_id"] == circle.ana.pk and closed[0]["participant_ids"] == [circle.ben.pk]
    assert closed[0]["summary"] == body["summary"]

    assert ana.post(f"/api/v1/asks/{ask.pk}/close").status_code == 409
    assert token_client_for(circle.ben).post(f"/api/v1/asks/{ask.pk}/close").status_code == 403
    assert post_json(token_client_for(circle.ben), f"/api/v1/asks/{ask.pk}/answers", {"text": "late"}).status_code == 409
    assert len(event_payloads("ask.closed")) == 1


def test_only_the_asker_deletes(circle, token_client_for):
    ask = ask_colour(circle)
    before = written()

    assert token_client_for(circle.ben).delete(f"/api/v1/asks/{ask.pk}").status_code == 403
    assert token_client_for(circle.dan).delete(f"/api/v1/asks/{ask.pk}").status_code == 404
    assert written() == before

    assert token_client_for(circle.ana).delete(f"/api/v1/asks/{ask.pk}").status_code == 204
    assert not Ask.objects.exists()
    assert event_payloads("ask.deleted") == [{"ask_id": ask.pk, "asker_id": circle.ana.pk}]
    assert token_client_for(circle.ana).get(f"/api/v1/asks/{ask.pk}").status_code == 404


def test_adding_the_winning_variant_to_the_cart(circle, token_client_for):
    ask = ask_colour(circle)
    red, blue = ask.options.all()
    ana = token_client_for(circle.ana)

    assert ana.post(f"/api/v1/asks/{ask.pk}/add-winner-to-cart").json()["error"]["message"] == "Nobody has voted yet."
    services.vote(voter=circle.ben, ask_id=ask.pk, option_id=blue.pk)
    assert ana.get(f"/api/v1/asks/{ask.pk}").json()["can_add_winner_to_cart"] is True
    assert token_client_for(circle.ben).post(f"/api/v1/asks/{ask.pk}/add-winner-to-cart").status_code == 403

    added = ana.post(f"/api/v1/asks/{ask.pk}/add-winner-to-cart")

    assert added.status_code == 200, added.content
    assert added.json() == {"variant_id": circle.blue.pk, "quantity": 1}
    assert list(CartLine.objects.filter(cart__user=circle.ana).values_list("variant_id", "quantity")) == [(circle.blue.pk, 1)]


def test_a_tie_has_no_winner_to_add(circle, token_client_for):
    befriend(circle.ana, circle.dan)
    social.add_circle_members(owner=circle.ana, circle_id=circle.family.pk, member_ids=[circle.dan.pk])
    ask = ask_colour(circle)
    red, blue = ask.options.all()
    services.vote(voter=circle.ben, ask_id=ask.pk, option_id=red.pk)
    services.vote(voter=circle.dan, ask_id=ask.pk, option_id=blue.pk)

    response = token_client_for(circle.ana).post(f"/api/v1/asks/{ask.pk}/add-winner-to-cart")

    assert response.status_code == 409 and "tie" in response.json()["error"]["message"]
    assert not CartLine.objects.exists()


def test_yes_on_a_product_adds_its_first_variant(circle, token_client_for):
    ask = services.create_ask(
        asker=circle.ana, draft=services.AskDraft(question="Should I?", product_id=circle.product.pk, poll_kind="yes_no")
    )
    yes, no, _ = ask.options.all()
    services.vote(voter=circle.cleo, ask_id=ask.pk, option_id=no.pk)
    ana = token_client_for(circle.ana)
    assert ana.post(f"/api/v1/asks/{ask.pk}/add-winner-to-cart").status_code == 409, "“No” won"

    services.vote(voter=circle.cleo, ask_id=ask.pk, option_id=yes.pk)
    assert ana.post(f"/api/v1/asks/{ask.pk}/add-winner-to-cart").json() == {"variant_id": circle.red.pk, "quantity": 1}


def test_an_option_without_a_variant_or_a_poll_less_ask_has_nothing_to_add(circle, token_client_for):
    free = ask_colour(circle, options=[services.OptionDraft("Buy it"), services.OptionDraft("Skip it")])
    services.vote(voter=circle.ben, ask_id=free.pk, option_id=free.options.first().pk)
    plain = services.create_ask(asker=circle.ana, draft=services.AskDraft(question="Thoughts?", product_id=ProductFactory().pk))
    ana = token_client_for(circle.ana)

    assert ana.post(f"/api/v1/asks/{free.pk}/add-winner-to-cart").status_code == 409
    assert ana.post(f"/api/v1/asks/{plain.pk}/add-winner-to-cart").json()["error"]["message"] == "This ask has no poll."
    assert not CartLine.objects.exists()


def test_the_periodic_task_closes_due_asks_every_minute(circle, settings):
    from plaza.asks.tasks import close_due_asks

    due = ask_colour(circle)
    later = ask_colour(circle)
    Ask.objects.filter(pk=due.pk).update(deadline=timezone.now() - timedelta(seconds=1))

    assert settings.PLAZA_PERIODIC_TASKS["plaza.asks.tasks.close_due_asks"] == 60
    assert close_due_asks.enqueue().return_value == 1
    assert Ask.objects.get(pk=due.pk).closed_at is not None and Ask.objects.get(pk=later.pk).closed_at is None
    assert event_payloads("ask.closed")[0]["closed_by_id"] is None, "closed by its deadline"
