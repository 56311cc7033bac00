"""Shared shopping lists: the list, who it is shared with, its items, and the log of operations.

Every change to a list's items is an operation with a version the server hands out in
order (``ListOperation``); the items are the fold of that log (``plaza.lists.reducer``),
kept materialised in ``ListItem`` so pages read rows instead of replaying history.
A removed item stays as a tombstone (``removed``): an operation that arrives later for it
(an offline client replaying its queue) is then recognised and becomes a no-op.
"""

import uuid

from django.conf import settings
from django.db import models

from plaza.catalog.models import Product
from plaza.shops.models import Shop
from plaza.social.models import Circle

MAX_TITLE = 100
MAX_ITEM_TEXT = 200
MAX_NOTE = 500
MAX_QUANTITY = 999
MAX_LIVE_ITEMS = 300
MAX_CLIENT_ID = 64


class Role(models.TextChoices):
    EDITOR = "editor", "Can edit"
    VIEWER = "viewer", "Can view"


class MemberRole(models.TextChoices):
    """A member row's role. ``none`` records that the person left or was removed, so a
    circle the list is shared with does not bring them back."""

    EDITOR = Role.EDITOR.value, Role.EDITOR.label
    VIEWER = Role.VIEWER.value, Role.VIEWER.label
    NONE = "none", "No access"


class ShoppingList(models.Model):
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="shopping_lists")
    title = models.CharField(max_length=MAX_TITLE)
    # The version of the last operation applied: a client that holds version v needs v+1 next.
    version = models.PositiveBigIntegerField(default=0)
    circle = models.ForeignKey(Circle, null=True, blank=True, on_delete=models.SET_NULL, related_name="shopping_lists")
    circle_role = models.CharField(max_length=10, choices=Role.choices, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-updated_at", "-id"]
        indexes = [models.Index(fields=["owner", "-updated_at"], name="list_owner_updated_idx")]

    def __str__(self) -> str:
        return self.title


class ListMember(models.Model):
    shopping_list = models.ForeignKey(ShoppingList, on_delete=models.CASCADE, related_name="members")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="list_memberships")
    role = models.CharField(max_length=10, choices=MemberRole.choices)
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["shopping_list", "user"], name="list_member_once")]


class ListItem(models.Model):
    # Chosen by the client that adds the item, so a replayed or offline add is recognised.
    id = models.UUIDField(primary_key=True, default=uuid.uuid4)
    shopping_list = models.ForeignKey(ShoppingList, on_delete=models.CASCADE, related_name="items")
    text = models.CharField(max_length=MAX_ITEM_TEXT)
    product = models.ForeignKey(Product, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    shop = models.ForeignKey(Shop, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    quantity = models.PositiveIntegerField(default=1)
    note = models.CharField(max_length=MAX_NOTE, blank=True)
    checked = models.BooleanField(default=False)
    assignee = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    position = models.PositiveIntegerField(default=0)
    removed = models.BooleanField(default=False)

    class Meta:
        ordering = ["position", "id"]
        indexes = [models.Index(fields=["shopping_list", "removed", "position"], name="list_item_order_idx")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(quantity__gte=1, quantity__lte=MAX_QUANTITY), name="list_item_quantity_bounds"
            )
        ]


class OperationKind(models.TextChoices):
    ADD_ITEM = "add_item"
    SET_FIELDS = "set_fields"
    CHECK = "check"
    UNCHECK = "uncheck"
    ASSIGN = "assign"
    UNASSIGN = "unassign"
    REMOVE_ITEM = "remove_item"
    MOVE_ITEM = "move_item"


class ListOperation(models.Model):
    """One applied operation, in server order. The payload is the normalised one the server
    applied (cleaned text, the product's title and shop filled in), so a replay needs nothing else."""

    shopping_list = models.ForeignKey(ShoppingList, on_delete=models.CASCADE, related_name="operations")
    version = models.PositiveBigIntegerField()
    client_id = models.CharField(max_length=MAX_CLIENT_ID)
    client_op_id = models.CharField(max_length=MAX_CLIENT_ID)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    kind = models.CharField(max_length=20, choices=OperationKind.choices)
    payload = models.JSONField(default=dict)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["shopping_list", "version"]
        constraints = [
            models.UniqueConstraint(fields=["shopping_list", "version"], name="list_operation_version_once"),
            models.UniqueConstraint(
                fields=["shopping_list", "client_id", "client_op_id"], name="list_operation_client_op_once"
            ),
        ]
