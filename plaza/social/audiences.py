"""Audiences: who may see a share, an ask or anything else a person posts.

A model that has an audience inherits :class:`HasAudience` (the chosen kind, a circle, a
set of people) and names its author field in ``audience_owner_field``. Services check a
requested audience with :func:`clean_audience`; every read goes through
:func:`visible_to`, which is evaluated at read time, so leaving a circle, an unfriending
or a block takes effect at once, everywhere.

The rules, for a viewer other than the author (who always sees their own):

- nobody sees anything of someone they blocked or who blocked them;
- ``public``: everyone, signed in or not;
- ``friends``: the author's friends now;
- ``circle``: the members of the author's circle now (members are always friends: an
  unfriending removes them), nobody once the circle is deleted;
- ``people``: the people chosen (always among friends), while they are still friends, as
  a circle's members are.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.conf import settings
from django.db import models
from django.db.models import Exists, OuterRef, Q, QuerySet

from plaza.core.errors import InvalidInput
from plaza.social.models import Audience, Block, Circle, CircleMember, Friendship, UserFollow

MAX_PEOPLE = 200


class HasAudience(models.Model):
    audience = models.CharField(max_length=10, choices=Audience.choices, default=Audience.FRIENDS)
    circle = models.ForeignKey("social.Circle", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    people = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="+")

    audience_owner_field = "author"

    class Meta:
        abstract = True


@dataclass(frozen=True)
class ChosenAudience:
    kind: str
    circle_id: int | None = None
    people_ids: list[int] = field(default_factory=list)

    def apply_to(self, instance: HasAudience) -> None:
        """Set the fields; the people are set once the instance is saved (``save_people``)."""
        instance.audience = self.kind
        instance.circle_id = self.circle_id

    def save_people(self, instance: HasAudience) -> None:
        instance.people.set(self.people_ids)


def clean_audience(owner, kind, *, circle_id: int | None = None, people_ids: Iterable[int] = ()) -> ChosenAudience:
    """The audience as asked for, or InvalidInput naming the field that is wrong."""
    if kind not in Audience.values:
        raise InvalidInput("Choose who can see it.", fields={"audience": [f"Choose one of: {', '.join(Audience.values)}."]})
    if kind == Audience.CIRCLE:
        if circle_id is None or not Circle.objects.filter(pk=circle_id, owner=owner).exists():
            raise InvalidInput("Choose one of your circles.", fields={"circle_id": ["Choose one of your circles."]})
        return ChosenAudience(kind, circle_id=circle_id)
    if kind == Audience.PEOPLE:
        wanted = sorted(set(people_ids))
        if not wanted:
            raise InvalidInput("Choose at least one person.", fields={"people_ids": ["Choose at least one person."]})
        if len(wanted) > MAX_PEOPLE:
            raise InvalidInput("Too many people.", fields={"people_ids": [f"Choose at most {MAX_PEOPLE} people."]})
        friends = set(Friendship.objects.filter(user=owner, friend_id__in=wanted).values_list("friend_id", flat=True))
        strangers = [person for person in wanted if person not in friends]
        if strangers:
            raise InvalidInput(
                "You can choose only your friends.",
                fields={"people_ids": [f"Not one of your friends: {', '.join(map(str, strangers))}."]},
            )
        return ChosenAudience(kind, people_ids=wanted)
    return ChosenAudience(kind)


def visible_to(queryset: QuerySet, viewer) -> QuerySet:
    """The rows of ``queryset`` (a HasAudience model) the viewer may see.

    Each rule is a correlated EXISTS on one indexed row, so a page of rows is checked
    in a few index probes per row, however many friends or circles the viewer has.
    """
    model = queryset.model
    owner_id = f"{model.audience_owner_field}_id"
    if not viewer.is_authenticated:
        return queryset.filter(audience=Audience.PUBLIC)
    owner = OuterRef(owner_id)
    chosen = model.people.through.objects.filter(user=viewer, **{f"{model._meta.model_name}_id": OuterRef("pk")})
    blocked = Exists(Block.objects.filter(blocker=viewer, blocked=owner)) | Exists(Block.objects.filter(blocker=owner, blocked=viewer))
    befriended = Exists(Friendship.objects.filter(user=viewer, friend=owner))
    reachable = (
        Q(audience=Audience.PUBLIC)
        | (Q(audience=Audience.FRIENDS) & befriended)
        | (Q(audience=Audience.CIRCLE) & Exists(CircleMember.objects.filter(member=viewer, circle=OuterRef("circle_id"))))
        | (Q(audience=Audience.PEOPLE) & Exists(chosen) & befriended)
    )
    return queryset.filter(Q(**{owner_id: viewer.pk}) | (reachable & ~blocked))


def can_see(viewer, instance: HasAudience) -> bool:
    return visible_to(type(instance).objects.filter(pk=instance.pk), viewer).exists()


def reached_user_ids(instance: HasAudience) -> set[int]:
    """Whose feed a post goes to: the author's friends (and, if public, followers), the
    circle's members, or the people chosen. Read-time checks still apply on top."""
    author_id = getattr(instance, f"{instance.audience_owner_field}_id")
    if instance.audience == Audience.CIRCLE:
        if instance.circle_id is None:
            return set()
        return set(CircleMember.objects.filter(circle_id=instance.circle_id).values_list("member_id", flat=True))
    friends = set(Friendship.objects.filter(user_id=author_id).values_list("friend_id", flat=True))
    if instance.audience == Audience.PEOPLE:
        return set(instance.people.values_list("pk", flat=True)) & friends
    if instance.audience == Audience.PUBLIC:
        return friends | set(UserFollow.objects.filter(followed_id=author_id).values_list("follower_id", flat=True))
    return friends
