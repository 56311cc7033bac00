"""Who is connected to whom: friends, follows, blocks, circles, invite links, privacy.

A friendship is stored as two rows, one per direction, so "the friends of X" is one
index range (``user_id = X``) and a feed or a visibility check never has to look on both
sides of a pair. Services create and delete both rows in one transaction.
"""

import secrets

from django.conf import settings
from django.db import models
from django.db.models.functions import Lower

from plaza.shops.models import Shop

MAX_CIRCLE_NAME = 60


class FriendRequest(models.Model):
    """A pending request. Accepting it makes a friendship; declining or cancelling deletes it."""

    from_user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="friend_requests_sent")
    to_user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="friend_requests_received")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["from_user", "to_user"], name="friend_request_once"),
            models.CheckConstraint(condition=~models.Q(from_user=models.F("to_user")), name="friend_request_not_self"),
        ]


class Friendship(models.Model):
    """One direction of a friendship; its mirror row always exists too."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="friendships")
    friend = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["user", "friend"], name="friendship_once"),
            models.CheckConstraint(condition=~models.Q(user=models.F("friend")), name="friendship_not_self"),
        ]


class UserFollow(models.Model):
    follower = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="people_followed")
    followed = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="followers")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["follower", "followed"], name="user_follow_once"),
            models.CheckConstraint(condition=~models.Q(follower=models.F("followed")), name="user_follow_not_self"),
        ]


class ShopFollow(models.Model):
    follower = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="shops_followed")
    shop = models.ForeignKey(Shop, on_delete=models.CASCADE, related_name="followers")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["follower", "shop"], name="shop_follow_once")]


class Block(models.Model):
    """``blocker`` no longer exists for ``blocked``: no profile, no requests, no shares, no invites."""

    blocker = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="blocks_made")
    blocked = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="blocks_received")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["blocker", "blocked"], name="block_once"),
            models.CheckConstraint(condition=~models.Q(blocker=models.F("blocked")), name="block_not_self"),
        ]


class Circle(models.Model):
    """A named group of the owner's friends, used as an audience. Only the owner sees it."""

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="circles")
    name = models.CharField(max_length=MAX_CIRCLE_NAME)
    members = models.ManyToManyField(settings.AUTH_USER_MODEL, through="CircleMember", related_name="in_circles")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = [Lower("name"), "id"]
        constraints = [models.UniqueConstraint(Lower("name"), "owner", name="circle_name_once_per_owner")]

    def __str__(self) -> str:
        return self.name


class CircleMember(models.Model):
    circle = models.ForeignKey(Circle, on_delete=models.CASCADE, related_name="memberships")
    member = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="circle_memberships")
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["circle", "member"], name="circle_member_once")]


def new_invite_token() -> str:
    return secrets.token_urlsafe(18)


class FriendInvite(models.Model):
    """A person's invite link: whoever opens it and confirms becomes their friend.

    Sharing the link is the owner's consent; resetting it gives a new token and the old
    link stops working.
    """

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="friend_invite")
    token = models.CharField(max_length=32, unique=True, default=new_invite_token)
    created_at = models.DateTimeField(auto_now_add=True)


class Audience(models.TextChoices):
    PUBLIC = "public", "Everyone"
    FRIENDS = "friends", "My friends"
    CIRCLE = "circle", "A circle"
    PEOPLE = "people", "Specific people"


# What a person may choose as the audience their new shares start with.
DEFAULT_AUDIENCE_CHOICES = [(Audience.PUBLIC.value, Audience.PUBLIC.label), (Audience.FRIENDS.value, Audience.FRIENDS.label)]


class PrivacySettings(models.Model):
    """What a person shows to others. Created on first change; the defaults are the model's."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="privacy")
    # Purchases are private unless the person opts in: friends' "bought this" counts skip them.
    purchases_visible_to_friends = models.BooleanField(default=False)
    saves_visible_to_friends = models.BooleanField(default=True)
    findable_by_name = models.BooleanField(default=True)
    default_audience = models.CharField(
        max_length=10,
        choices=DEFAULT_AUDIENCE_CHOICES,
        default=Audience.FRIENDS,
    )
