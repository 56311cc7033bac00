"""Asks and shares, made through their real services, tell the right people."""

from datetime import timedelta

import pytest

from plaza.asks import services as asks
from plaza.asks.models import PollKind
from plaza.core.outbox import sweep
from plaza.feed import services as feed
from plaza.notifications.models import Notification, NotificationKind
from plaza.social import services as social
from tests.factories import ProductFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def circle(delivered):
    """Ana's circle holds Ben and Cleo; Dan is Ana's friend outside it."""
    ana, ben, cleo, dan = (UserFactory(display_name=name) for name in ("Ana", "Ben", "Cleo", "Dan"))
    with delivered():
        for friend in (ben, cleo, dan):
            request = social.send_friend_request(sender=ana, to_user_id=friend.pk)
            social.accept_friend_request(user=friend, request_id=request.pk)
        family = social.create_circle(owner=ana, name="Family", member_ids=[ben.pk, cleo.pk])
    Notification.objects.all().delete()
    return ana, ben, cleo, dan, family


def kinds_for(person) -> list[str]:
    return list(Notification.objects.filter(recipient=person).order_by("id").values_list("kind", flat=True))


def test_an_ask_tells_its_audience_then_the_asker_hears_answers_votes_and_the_result(circle, delivered):
    ana, ben, cleo, dan, family = circle
    draft = asks.AskDraft(
        question="Which colour for the kitchen?",
        product_id=ProductFactory().pk,
        poll_kind=PollKind.YES_NO,
        audience="circle",
        circle_id=family.pk,
    )
    with delivered():
        ask = asks.create_ask(asker=ana, draft=draft)

    assert kinds_for(ben) == [NotificationKind.ASK_RECEIVED] and kinds_for(cleo) == [NotificationKind.ASK_RECEIVED]
    assert kinds_for(dan) == [] and kinds_for(ana) == []
    told = Notification.objects.get(recipient=ben)
    assert told.text == "Ana asks: “Which colour for the kitchen?”" and told.url == f"/asks/{ask.pk}/"

    yes = ask.options.get(label="Yes")
    with delivered():
        asks.vote(voter=ben, ask_id=ask.pk, option_id=yes.pk)
        asks.answer(author=cleo, ask_id=ask.pk, text="The green one")
    assert kinds_for(ana) == [NotificationKind.ASK_VOTE, NotificationKind.ASK_ANSWER]
    assert Notification.objects.get(recipient=ana, kind=NotificationKind.ASK_ANSWER).text == "Cleo answered “Which colour for the kitchen?”"

    with delivered():
        asks.vote(voter=ben, ask_id=ask.pk, option_id=ask.options.get(label="No").pk)
        asks.vote(voter=ben, ask_id=ask.pk, option_id=yes.pk)
    assert kinds_for(ana).count(NotificationKind.ASK_VOTE) == 1, "changing one's vote is not news"

    with delivered():
        asks.close_due_asks(now=ask.deadline + timedelta(seconds=1))
    summary = Notification.objects.get(recipient=ana, kind=NotificationKind.ASK_CLOSED)
    assert summary.text == "Your ask “Which colour for the kitchen?” is closed: Yes won with 1 of 1 votes, 1 answer"
    assert NotificationKind.ASK_CLOSED in kinds_for(ben) and NotificationKind.ASK_CLOSED in kinds_for(cleo)
    assert NotificationKind.ASK_CLOSED not in kinds_for(dan)


def test_a_share_to_chosen_people_tells_them_and_a_comment_tells_the_sharer(circle, delivered):
    ana, ben, cleo, _, _ = circle
    product = ProductFactory(title="Linen apron")
    with delivered():
        shared = feed.share(author=ana, kind="product", subject_id=product.pk, audience="people", people_ids=[ben.pk])
        feed.share(author=ana, kind="product", subject_id=ProductFactory().pk, audience="friends")

    assert Notification.objects.get(recipient=ben).text == "Ana shared the Linen apron with you"
    assert kinds_for(cleo) == [], "a share to all friends shows in feeds without a notification"

    with delivered():
        feed.comment(user=ben, share_id=shared.pk, text="Love it")
    comment = Notification.objects.get(recipient=ana)
    assert comment.kind == NotificationKind.SHARE_COMMENT and comment.url == f"/feed/shares/{shared.pk}/#comments"


def test_a_long_question_is_shortened_in_the_notification(circle, delivered):
    ana, ben, _, _, _ = circle
    draft = asks.AskDraft(question="Is this " + "really " * 30 + "worth it?", product_id=ProductFactory().pk, audience="friends")
    with delivered():
        asks.create_ask(asker=ana, draft=draft)

    text = Notification.objects.get(recipient=ben).text
    assert text.endswith("…”") and len(text) < 100


def test_deleting_an_ask_or_a_share_takes_its_notices_along(circle, delivered, token_client_for):
    ana, ben, cleo, dan, family = circle
    draft = asks.AskDraft(question="Worth it?", product_id=ProductFactory().pk, poll_kind=PollKind.YES_NO, audience="circle", circle_id=family.pk)
    with delivered():
        ask = asks.create_ask(asker=ana, draft=draft)
        kept = asks.create_ask(asker=ana, draft=draft)
        asks.answer(author=cleo, ask_id=ask.pk, text="Yes!")
        shared = feed.share(author=ana, kind="product", subject_id=ProductFactory().pk, audience="people", people_ids=[ben.pk])
    with delivered():
        feed.comment(user=ben, share_id=shared.pk, text="Nice")
    assert sorted(kinds_for(ben)) == sorted([NotificationKind.ASK_RECEIVED] * 2 + [NotificationKind.SHARE_RECEIVED])
    assert kinds_for(ana) == [NotificationKind.ASK_ANSWER, NotificationKind.SHARE_COMMENT]

    with delivered():
        asks.delete_ask(asker=ana, ask_id=ask.pk)
        feed.delete_share(author=ana, share_id=shared.pk)

    assert list(Notification.objects.filter(recipient=ben).values_list("url", flat=True)) == [f"/asks/{kept.pk}/"]
    assert kinds_for(ana) == []
    listed = token_client_for(cleo).get("/api/v1/notifications/").json()
    assert [item["url"] for item in listed["items"]] == [f"/asks/{kept.pk}/"]


def test_a_late_delivery_tells_only_those_still_in_the_audience(circle):
    """The worker is behind: by the time it writes the notices, Ben has left the circle and
    Dan is no longer Ana's friend. Neither hears the question or of the share."""
    ana, ben, cleo, dan, family = circle
    draft = asks.AskDraft(question="Is this too loud?", product_id=ProductFactory().pk, poll_kind=PollKind.YES_NO, audience="circle", circle_id=family.pk)
    asks.create_ask(asker=ana, draft=draft)
    feed.share(author=ana, kind="product", subject_id=ProductFactory().pk, audience="people", people_ids=[cleo.pk, dan.pk])
    social.remove_circle_member(owner=ana, circle_id=family.pk, member_id=ben.pk)
    social.unfriend(user=ana, friend_id=dan.pk)

    sweep()

    assert kinds_for(ben) == [] and kinds_for(dan) == []
    assert sorted(kinds_for(cleo)) == sorted([NotificationKind.ASK_RECEIVED, NotificationKind.SHARE_RECEIVED])


def ask_from(ana, audience: str, **where) -> asks.AskDraft:
    return asks.AskDraft(question="Too loud?", product_id=ProductFactory().pk, poll_kind=PollKind.YES_NO, audience=audience, **where)


def ask_notices(person) -> list[str]:
    return list(Notification.objects.filter(recipient=person, kind=NotificationKind.ASK_RECEIVED).values_list("url", flat=True))


def test_notices_about_what_someone_can_no_longer_see_go_after_an_unfriending(circle, delivered):
    ana, ben, cleo, dan, family = circle
    with delivered():
        friends_only = asks.create_ask(asker=ana, draft=ask_from(ana, "friends"))
        public = asks.create_ask(asker=ana, draft=ask_from(ana, "public"))
    assert sorted(ask_notices(dan)) == sorted([f"/asks/{friends_only.pk}/", f"/asks/{public.pk}/"])

    with delivered():
        social.unfriend(user=ana, friend_id=dan.pk)

    assert ask_notices(dan) == [f"/asks/{public.pk}/"], "a public ask is still his to read"
    assert len(ask_notices(ben)) == 2, "nobody else loses anything"


def test_a_block_takes_the_blocked_persons_notices_of_the_blockers_things(circle, delivered):
    ana, ben, cleo, dan, family = circle
    with delivered():
        asks.create_ask(asker=ana, draft=ask_from(ana, "public"))
        social.block(blocker=ana, person_id=dan.pk)
    assert ask_notices(dan) == []


def test_leaving_a_circle_takes_the_notices_of_its_asks(circle, delivered):
    ana, ben, cleo, dan, family = circle
    with delivered():
        asks.create_ask(asker=ana, draft=ask_from(ana, "circle", circle_id=family.pk))
    with delivered():
        social.remove_circle_member(owner=ana, circle_id=family.pk, member_id=ben.pk)
    assert ask_notices(ben) == [] and len(ask_notices(cleo)) == 1
