"""Ana asks; Ben is her friend and in her "Family" circle; Cleo is her friend outside it; Dan is a stranger."""

import json
from dataclasses import dataclass
from datetime import timedelta

import pytest
from django.utils import timezone

from plaza.asks import services
from plaza.asks.models import Answer, Ask, AskItem, PollOption, Vote
from plaza.core.models import OutboxEvent
from plaza.social import services as social
from tests.factories import ProductFactory, UserFactory, VariantFactory


@dataclass
class Circle:
    ana: object
    ben: object
    cleo: object
    dan: object
    family: object
    product: object
    red: object
    blue: object


def befriend(one, other) -> None:
    request = social.send_friend_request(sender=one, to_user_id=other.pk)
    social.accept_friend_request(user=other, request_id=request.pk)


def make_circle() -> Circle:
    ana, ben, cleo, dan = (UserFactory(display_name=name) for name in ("Ana Martin", "Ben Okafor", "Cleo Duval", "Dan Roux"))
    befriend(ana, ben)
    befriend(ana, cleo)
    family = social.create_circle(owner=ana, name="Family", member_ids=[ben.pk])
    product = ProductFactory(title="Linen shirt", option1_name="Colour")
    red = VariantFactory(product=product, option1="Red", position=1)
    blue = VariantFactory(product=product, option1="Blue", position=2)
    return Circle(ana, ben, cleo, dan, family, product, red, blue)


@pytest.fixture
def circle(db) -> Circle:
    return make_circle()


def colour_poll(c: Circle, **overrides) -> services.AskDraft:
    """"Which colour?" to the Family circle, each variant an option."""
    fields = {
        "question": "Which colour?",
        "product_id": c.product.pk,
        "poll_kind": "options",
        "options": [services.OptionDraft("Red", c.red.pk), services.OptionDraft("Blue", c.blue.pk)],
        "audience": "circle",
        "circle_id": c.family.pk,
    }
    fields.update(overrides)
    return services.AskDraft(**fields)


def ask_colour(c: Circle, **overrides) -> Ask:
    return services.create_ask(asker=c.ana, draft=colour_poll(c, **overrides))


def in_an_hour() -> str:
    return (timezone.now() + timedelta(hours=1)).isoformat()


def post_json(client, path: str, body: dict, method: str = "post"):
    return getattr(client, method)(path, data=json.dumps(body), content_type="application/json")


def written() -> tuple[int, ...]:
    """Rows an ask writes: what a refused request must leave unchanged."""
    return (
        Ask.objects.count(),
        AskItem.objects.count(),
        PollOption.objects.count(),
        Vote.objects.count(),
        Answer.objects.count(),
        OutboxEvent.objects.filter(topic__startswith="ask.").count(),
    )
