"""Many people at once: the tallies equal the votes, one vote per person, an ask closes once."""

from datetime import timedelta

import pytest
from django.utils import timezone

from plaza.asks import selectors, services
from plaza.asks.models import Ask, Vote
from plaza.core.models import OutboxEvent
from plaza.social import services as social
from tests.asks.conftest import ask_colour, befriend, make_circle
from tests.checkout.conftest import run_at_once
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db(transaction=True)

VOTERS = 8


def test_many_voters_at_once_are_all_counted():
    c = make_circle()
    voters = [UserFactory() for _ in range(VOTERS)]
    for voter in voters:
        befriend(c.ana, voter)
    social.add_circle_members(owner=c.ana, circle_id=c.family.pk, member_ids=[voter.pk for voter in voters])
    ask = ask_colour(c)
    red, blue = ask.options.all()
    choices = [red if index % 3 else blue for index in range(VOTERS)]

    results = run_at_once(lambda index: services.vote(voter=voters[index], ask_id=ask.pk, option_id=choices[index].pk), VOTERS)

    assert not [result for result in results if isinstance(result, Exception)], results
    assert selectors.tallies(ask.pk) == {red.pk: choices.count(red), blue.pk: choices.count(blue)}
    assert Vote.objects.filter(ask=ask).count() == VOTERS
    versions = sorted(event.payload["version"] for event in OutboxEvent.objects.filter(topic="ask.voted"))
    assert versions == list(range(2, VOTERS + 2)), "each vote its own version"
    last = max(OutboxEvent.objects.filter(topic="ask.voted"), key=lambda event: event.payload["version"])
    assert last.payload["total_votes"] == VOTERS, "the last event's tallies count every vote"


def test_one_person_voting_twice_at_once_has_one_vote():
    c = make_circle()
    ask = ask_colour(c)
    red, blue = ask.options.all()

    results = run_at_once(lambda index: services.vote(voter=c.ben, ask_id=ask.pk, option_id=(red, blue)[index].pk), 2)

    assert not [result for result in results if isinstance(result, Exception)], results
    assert Vote.objects.filter(ask=ask, voter=c.ben).count() == 1
    assert sum(selectors.tallies(ask.pk).values()) == 1


def test_two_workers_closing_due_asks_at_once_close_each_once():
    c = make_circle()
    asks = [ask_colour(c) for _ in range(3)]
    services.vote(voter=c.ben, ask_id=asks[0].pk, option_id=asks[0].options.first().pk)
    Ask.objects.update(deadline=timezone.now() - timedelta(minutes=1))

    results = run_at_once(lambda index: services.close_due_asks(), 2)

    assert sum(results) == 3, results
    assert OutboxEvent.objects.filter(topic="ask.closed").count() == 3
    assert not Ask.objects.filter(closed_at__isnull=True).exists()
    first = Ask.objects.get(pk=asks[0].pk)
    assert first.closed_at == first.deadline, "closed as of its deadline"
    assert first.summary["winner_labels"] == ["Red"] and first.summary["total_votes"] == 1
    assert services.close_due_asks() == 0
