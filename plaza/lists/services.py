"""Every change to shopping lists: the list itself, its sharing, and operations on its items.

Item changes go through :func:`apply_operation` only. It locks the list row, so operations
on one list are applied one at a time in the order they take the lock, which is the
version order every client replays. Sharing changes take the same lock.
Events: ``list.changed`` {list_id, version} after each operation; ``list.access_changed``
{list_id, user_ids} when people lose access or their role changes; ``list.deleted``
{list_id, user_ids}. Their subscribers push to open sockets.
Buying the list nearby (:func:`add_nearby_to_cart`) writes only the buyer's cart, through
the checkout's ``add_to_cart``, and records no list event.
"""

import re
import uuid

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from plaza.checkout.models import CartLine
from plaza.checkout.services import add_to_cart
from plaza.core.errors import Forbidden, InvalidInput, NotFound
from plaza.core.outbox import record_event
from plaza.core.text import clean_text
from plaza.lists import reducer, selectors
from plaza.lists.nearby import MAX_ITEMS_CONSIDERED, NearbySearch, find_list_nearby
from plaza.lists.presenters import product_url
from plaza.lists.models import (
    MAX_CLIENT_ID,
    MAX_ITEM_TEXT,
    MAX_LIVE_ITEMS,
    MAX_NOTE,
    MAX_QUANTITY,
    MAX_TITLE,
    ListItem,
    ListMember,
    ListOperation,
    MemberRole,
    OperationKind,
    Role,
    ShoppingList,
)
from plaza.shops.models import Shop
from plaza.social import selectors as social
from plaza.storefront.selectors import published_products

MAX_LISTS_PER_OWNER = 200
CLIENT_ID_PATTERN = re.compile(rf"^[A-Za-z0-9_.:-]{{1,{MAX_CLIENT_ID}}}$")
ROLES = {Role.EDITOR.value, Role.VIEWER.value}


def _title(value) -> str:
    try:
        return clean_text(value, max_length=MAX_TITLE, required=True, label="The title")
    except ValueError as error:
        raise InvalidInput(str(error), fields={"title": [str(error)]}) from None


def _locked_list(user, list_id: int) -> tuple[ShoppingList, str]:
    """The list, row-locked, with the user's role; NotFound without access."""
    shopping_list = ShoppingList.objects.select_for_update().filter(pk=list_id).first() if selectors.valid_id(list_id) else None
    role = selectors.role_on(user, shopping_list) if shopping_list else None
    if role is None:
        raise NotFound("No such list.")
    return shopping_list, role


def _owned_list(user, list_id: int) -> ShoppingList:
    shopping_list, role = _locked_list(user, list_id)
    if role != selectors.OWNER:
        raise Forbidden("Only the list's owner can do that.")
    return shopping_list


def _role(value, field: str = "role") -> str:
    if value not in ROLES:
        raise InvalidInput("Choose editor or viewer.", fields={field: ["Choose editor or viewer."]})
    return value


def _access_changed(shopping_list: ShoppingList, user_ids) -> None:
    record_event("list.access_changed", {"list_id": shopping_list.pk, "user_ids": sorted(set(user_ids))})


# --- the list and its sharing ---------------------------------------------------------


@transaction.atomic
def create_list(*, owner, title) -> ShoppingList:
    title = _title(title)
    if ShoppingList.objects.filter(owner=owner).count() >= MAX_LISTS_PER_OWNER:
        raise InvalidInput(f"You can have at most {MAX_LISTS_PER_OWNER} lists.", fields={"title": ["Too many lists."]})
    return ShoppingList.objects.create(owner=owner, title=title)


@transaction.atomic
def rename_list(*, user, list_id: int, title) -> ShoppingList:
    title = _title(title)
    shopping_list = _owned_list(user, list_id)
    shopping_list.title = title
    shopping_list.save(update_fields=["title", "updated_at"])
    return shopping_list


@transaction.atomic
def delete_list(*, user, list_id: int) -> None:
    shopping_list = _owned_list(user, list_id)
    had_access = selectors.people_with_access(shopping_list)
    shopping_list.delete()
    record_event("list.deleted", {"list_id": list_id, "user_ids": had_access})


@transaction.atomic
def share_with(*, owner, list_id: int, user_id: int, role) -> ListMember:
    """Give a friend a role on the list (or change theirs). Only friends: never a stranger or a blocked person."""
    role = _role(role)
    shopping_list = _owned_list(owner, list_id)
    if user_id == owner.pk or not social.are_friends(owner, user_id):
        message = "You can share a list only with your friends."
        raise InvalidInput(message, fields={"user_id": [message]})
    member, _ = ListMember.objects.update_or_create(shopping_list=shopping_list, user_id=user_id, defaults={"role": role})
    _access_changed(shopping_list, [user_id])
    return member


@transaction.atomic
def unshare(*, owner, list_id: int, user_id: int) -> None:
    """Take someone off the list, including a member of the list's circle (their row says ``none``)."""
    shopping_list = _owned_list(owner, list_id)
    if user_id == owner.pk or user_id not in selectors.people_with_access(shopping_list):
        raise NotFound("This person is not on the list.", fields={"user_id": ["Not on this list."]})
    _remove_member(shopping_list, user_id)


def _remove_member(shopping_list: ShoppingList, user_id: int) -> None:
    ListMember.objects.update_or_create(shopping_list=shopping_list, user_id=user_id, defaults={"role": MemberRole.NONE})
    _access_changed(shopping_list, [user_id])


@transaction.atomic
def leave(*, user, list_id: int) -> None:
    shopping_list, role = _locked_list(user, list_id)
    if role == selectors.OWNER:
        raise InvalidInput("You own this list: delete it instead.", fields={"list_id": ["You own this list."]})
    _remove_member(shopping_list, user.pk)


@transaction.atomic
def share_with_circle(*, owner, list_id: int, circle_id: int, role) -> ShoppingList:
    """Share with one of the owner's circles (replacing any other); its members get ``role``."""
    role = _role(role)
    shopping_list = _owned_list(owner, list_id)
    circle = social.circle_of_owner(owner, circle_id)
    before = set(selectors.people_with_access(shopping_list))
    shopping_list.circle, shopping_list.circle_role = circle, role
    shopping_list.save(update_fields=["circle", "circle_role", "updated_at"])
    _access_changed(shopping_list, before | set(selectors.people_with_access(shopping_list)) - {owner.pk})
    return shopping_list


@transaction.atomic
def unshare_circle(*, owner, list_id: int) -> None:
    shopping_list = _owned_list(owner, list_id)
    if shopping_list.circle_id is None:
        raise NotFound("This list is not shared with a circle.")
    before = set(selectors.people_with_access(shopping_list))
    shopping_list.circle, shopping_list.circle_role = None, ""
    shopping_list.save(update_fields=["circle", "circle_role", "updated_at"])
    _access_changed(shopping_list, before - {owner.pk})


def forget_people(owner_id: int, other_id: int) -> None:
    """Two people are no longer friends: drop the member rows each had on the other's lists.

    Access already ended with the friendship (the rule reads it); this only keeps a later
    friendship from silently reopening old lists.
    """
    between = Q(shopping_list__owner_id=owner_id, user_id=other_id) | Q(shopping_list__owner_id=other_id, user_id=owner_id)
    ListMember.objects.filter(between).delete()


# --- operations on items --------------------------------------------------------------


def _invalid(field: str, message: str) -> InvalidInput:
    return InvalidInput(message, fields={field: [message]})


def _client_key(value, field: str) -> str:
    if not isinstance(value, str) or not CLIENT_ID_PATTERN.match(value):
        raise _invalid(field, f"Use 1 to {MAX_CLIENT_ID} letters, digits or . _ : -")
    return value


def _item_id(value, field: str = "payload.item_id") -> str:
    try:
        if isinstance(value, str):
            return str(uuid.UUID(value))
    except ValueError:
        pass
    raise _invalid(field, "Give the item's id (a UUID).")


def _text(value, field: str, *, max_length: int, required: bool) -> str:
    if value is not None and not isinstance(value, str):
        raise _invalid(field, "Give a text.")
    try:
        return clean_text(value, max_length=max_length, required=required, label="This text")
    except ValueError as error:
        raise _invalid(field, str(error)) from None


def _quantity(value, field: str = "payload.quantity") -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= MAX_QUANTITY:
        raise _invalid(field, f"Give a whole number from 1 to {MAX_QUANTITY}.")
    return value


def _only(payload: dict, allowed: set[str]) -> None:
    unknown = sorted(set(payload) - allowed)
    if unknown:
        raise InvalidInput("Unknown fields.", fields={f"payload.{name}": ["Unknown field."] for name in unknown})


def _id_number(value, field: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 2**63 - 1:
        raise _invalid(field, "Give an id.")
    return value


def _normalised_add(payload: dict, items: reducer.Items) -> dict:
    _only(payload, {"item_id", "text", "product_id", "shop_id", "quantity", "note"})
    item_id = _item_id(payload.get("item_id"))
    text = _text(payload.get("text"), "payload.text", max_length=MAX_ITEM_TEXT, required=False)
    product = shop = None
    if payload.get("product_id") is not None:
        product = published_products().filter(pk=_id_number(payload["product_id"], "payload.product_id")).first()
        if product is None:
            raise _invalid("payload.product_id", "No such product on sale.")
        shop = product.shop
    if payload.get("shop_id") is not None:
        shop_id = _id_number(payload["shop_id"], "payload.shop_id")
        if product is not None and product.shop_id != shop_id:
            raise _invalid("payload.shop_id", "This product is sold by another shop.")
        shop = shop or Shop.objects.filter(pk=shop_id, is_active=True).first()
        if shop is None:
            raise _invalid("payload.shop_id", "No such shop.")
    if not text and product is None:
        raise _invalid("payload.text", "Say what to buy, or pick a product.")
    if item_id not in items:
        if ListItem.objects.filter(pk=item_id).exists():
            raise _invalid("payload.item_id", "This id is taken: make a new one.")
        if sum(1 for item in items.values() if not item["removed"]) >= MAX_LIVE_ITEMS:
            raise _invalid("payload.item_id", f"A list holds at most {MAX_LIVE_ITEMS} items.")
    normalised = {
        "item_id": item_id,
        "text": text or product.title[:MAX_ITEM_TEXT],
        "product_id": product.pk if product else None,
        "shop_id": shop.pk if shop else None,
        "quantity": _quantity(payload.get("quantity", 1)),
        "note": _text(payload.get("note"), "payload.note", max_length=MAX_NOTE, required=False),
        # For display only (the reducer ignores them): a client shows the link without another request.
        "product_url": product_url(product) if product else None,
        "shop_name": shop.name if shop else None,
    }
    if item_id in items:
        normalised["known"] = True
    return normalised


def _known_item(value, items: reducer.Items, field: str = "payload.item_id") -> str:
    item_id = _item_id(value, field)
    if item_id not in items:
        raise _invalid(field, "No such item on this list.")
    return item_id


def _normalised_fields(fields) -> dict:
    if not isinstance(fields, dict) or not fields:
        raise _invalid("payload.fields", "Give the fields to change: text, quantity or note.")
    unknown = sorted(set(fields) - set(reducer.EDITABLE_FIELDS))
    if unknown:
        raise InvalidInput("Unknown fields.", fields={f"payload.fields.{name}": ["Not a field you can change."] for name in unknown})
    clean = {}
    if "text" in fields:
        clean["text"] = _text(fields["text"], "payload.fields.text", max_length=MAX_ITEM_TEXT, required=True)
    if "quantity" in fields:
        clean["quantity"] = _quantity(fields["quantity"], "payload.fields.quantity")
    if "note" in fields:
        clean["note"] = _text(fields["note"], "payload.fields.note", max_length=MAX_NOTE, required=False)
    return clean


def _normalised(kind: str, payload, items: reducer.Items) -> dict:
    """The payload as it will be stored and replayed, or InvalidInput (nothing is written)."""
    if kind == OperationKind.ADD_ITEM:
        return _normalised_add(payload, items)
    if kind == OperationKind.SET_FIELDS:
        _only(payload, {"item_id", "fields"})
        return {"item_id": _known_item(payload.get("item_id"), items), "fields": _normalised_fields(payload.get("fields"))}
    if kind == OperationKind.MOVE_ITEM:
        _only(payload, {"item_id", "before_item_id"})
        before = payload.get("before_item_id")
        return {
            "item_id": _known_item(payload.get("item_id"), items),
            "before_item_id": None if before is None else _known_item(before, items, "payload.before_item_id"),
        }
    _only(payload, {"item_id"})
    return {"item_id": _known_item(payload.get("item_id"), items)}


def _items_concerned(shopping_list: ShoppingList, kind: str, payload: dict) -> reducer.Items:
    """The part of the list's state the operation reads: its items, and all live ones when it places an item."""
    ids = []
    for key in ("item_id", "before_item_id"):
        try:
            ids.append(uuid.UUID(str(payload.get(key))))
        except ValueError:
            pass
    wanted = Q(pk__in=ids)
    if kind in (OperationKind.ADD_ITEM, OperationKind.MOVE_ITEM):
        wanted |= Q(removed=False)
    rows = ListItem.objects.filter(wanted, shopping_list=shopping_list)
    return {str(row.pk): {field: getattr(row, field) for field in reducer.ITEM_FIELDS} for row in rows}


def _save_items(shopping_list: ShoppingList, items: reducer.Items, changed: list[str], created: set[str]) -> None:
    rows = [ListItem(pk=item_id, shopping_list=shopping_list, **items[item_id]) for item_id in changed]
    ListItem.objects.bulk_create([row for row in rows if str(row.pk) in created])
    updated = [row for row in rows if str(row.pk) not in created]
    if updated:
        ListItem.objects.bulk_update(updated, ["text", "product", "shop", "quantity", "note", "checked", "assignee", "position", "removed"])


@transaction.atomic
def apply_operation(*, user, list_id: int, client_id, client_op_id, kind, payload) -> ListOperation:
    """Apply one client operation in server order; returns it with its version.

    The same (client_id, client_op_id) again returns the operation applied the first time.
    """
    client_id = _client_key(client_id, "client_id")
    client_op_id = _client_key(client_op_id, "client_op_id")
    if kind not in OperationKind.values:
        raise _invalid("kind", f"Use one of: {', '.join(OperationKind.values)}.")
    if not isinstance(payload, dict):
        raise _invalid("payload", "Give the operation's fields as an object.")
    shopping_list, role = _locked_list(user, list_id)
    if not selectors.may_edit(role):
        raise Forbidden("You can view this list but not change it.")
    applied = ListOperation.objects.filter(shopping_list=shopping_list, client_id=client_id, client_op_id=client_op_id).first()
    if applied is not None:
        return applied
    items = _items_concerned(shopping_list, kind, payload)
    payload = _normalised(kind, payload, items)
    known = set(items)
    changed = reducer.apply(items, kind, payload, user.pk)
    _save_items(shopping_list, items, changed, created=set(changed) - known)
    version = shopping_list.version + 1
    ShoppingList.objects.filter(pk=shopping_list.pk).update(version=version, updated_at=timezone.now())
    operation = ListOperation.objects.create(
        shopping_list=shopping_list,
        version=version,
        client_id=client_id,
        client_op_id=client_op_id,
        user=user,
        kind=kind,
        payload=payload,
    )
    record_event("list.changed", {"list_id": shopping_list.pk, "version": version})
    return operation


SYSTEM_CLIENT = "plaza"


def release_assignments(*, list_ids, user_ids, event_id: int) -> int:
    """Unassign items held by people who lost access to these lists, as operations of the
    owner (so every client replays them). Keyed by the event: a redelivery applies nothing twice."""
    released = 0
    for shopping_list in ShoppingList.objects.filter(pk__in=list_ids).select_related("owner"):
        gone = set(user_ids) - set(selectors.people_with_access(shopping_list))
        held = ListItem.objects.filter(shopping_list=shopping_list, removed=False, assignee_id__in=gone)
        for item_id in held.values_list("pk", flat=True):
            apply_operation(
                user=shopping_list.owner,
                list_id=shopping_list.pk,
                client_id=SYSTEM_CLIENT,
                client_op_id=f"access-{event_id}-{item_id}",
                kind=OperationKind.UNASSIGN,
                payload={"item_id": str(item_id)},
            )
            released += 1
    return released


# --- buying the list nearby -----------------------------------------------------------


@transaction.atomic
def add_nearby_to_cart(*, user, list_id: int, picks, search: NearbySearch) -> list[CartLine]:
    """Put chosen proposals of "Find this list nearby" in the user's cart, each at the item's quantity.

    ``picks`` are (item id, variant id) pairs; every pair must be a proposal for that item
    under ``search`` now, or nothing is added. Anyone who may see the list may buy from it;
    only their own cart changes.
    """
    shopping_list = selectors.list_for(user, list_id)
    if not picks or len(picks) > MAX_ITEMS_CONSIDERED:
        raise _invalid("picks", f"Choose from 1 to {MAX_ITEMS_CONSIDERED} proposals.")
    chosen = [(_item_id(item_id, f"picks[{index}].item_id"), variant_id) for index, (item_id, variant_id) in enumerate(picks)]
    nearby = find_list_nearby(shopping_list, search)
    proposed = nearby.proposed_variant_ids()
    quantities = {str(entry.item.pk): entry.item.quantity for entry in nearby.items}
    wrong = {
        f"picks[{index}]": ["Not one of the proposals for this item (it may have sold out nearby)."]
        for index, (item_id, variant_id) in enumerate(chosen)
        if variant_id not in proposed.get(item_id, ())
    }
    if len(set(chosen)) != len(chosen):
        wrong["picks"] = ["Each proposal once."]
    if wrong:
        raise InvalidInput("Some choices are not proposals for this list.", fields=wrong)
    return [add_to_cart(user=user, variant_id=variant_id, quantity=quantities[item_id]) for item_id, variant_id in chosen]
