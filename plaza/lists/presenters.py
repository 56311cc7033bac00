"""The JSON shapes of lists, items and operations: one definition for the API, the sockets and the page."""

from django.urls import reverse

from plaza.lists import selectors
from plaza.lists.models import ListItem, ListOperation, ShoppingList


def person(user) -> dict | None:
    return None if user is None else {"id": user.pk, "name": user.public_name}


def product_url(product) -> str:
    return reverse("storefront:product", args=[product.shop.slug, product.handle])


def operation_data(operation: ListOperation) -> dict:
    return {
        "version": operation.version,
        "client_id": operation.client_id,
        "client_op_id": operation.client_op_id,
        "kind": operation.kind,
        "payload": operation.payload,
        "user": person(operation.user),
        "created_at": operation.created_at.isoformat(),
    }


def item_data(item: ListItem) -> dict:
    return {
        "id": str(item.pk),
        "text": item.text,
        "product_id": item.product_id,
        "product_url": product_url(item.product) if item.product else None,
        "shop_id": item.shop_id,
        "shop_name": item.shop.name if item.shop else None,
        "quantity": item.quantity,
        "note": item.note,
        "checked": item.checked,
        "assignee": person(item.assignee),
        "position": item.position,
    }


def list_summary(shopping_list: ShoppingList) -> dict:
    return {
        "id": shopping_list.pk,
        "title": shopping_list.title,
        "version": shopping_list.version,
        "my_role": shopping_list.my_role,
        "owner": person(shopping_list.owner),
        "updated_at": shopping_list.updated_at.isoformat(),
    }


def list_detail(shopping_list: ShoppingList) -> dict:
    """The list as its viewer sees it; the circle (private to its owner) is named to the owner only."""
    circle = None
    if shopping_list.my_role == selectors.OWNER and shopping_list.circle_id:
        circle = {"id": shopping_list.circle_id, "name": shopping_list.circle.name, "role": shopping_list.circle_role}
    return {
        **list_summary(shopping_list),
        "items": [item_data(item) for item in selectors.items_of(shopping_list)],
        "members": [{"user": person(member.user), "role": member.role} for member in selectors.members_of(shopping_list)],
        "circle": circle,
        "shared_with_circle": shopping_list.circle_id is not None,
    }


def proposal_data(proposal) -> dict:
    variant, product, location = proposal.variant, proposal.variant.product, proposal.location
    return {
        "variant_id": variant.pk,
        "variant_title": variant.title,
        "product_id": product.pk,
        "product_title": product.title,
        "product_url": product_url(product),
        "shop_id": product.shop_id,
        "shop_name": product.shop.name,
        "location_id": location.pk,
        "location_name": location.name,
        "address": location.address,
        "distance_km": round(proposal.distance_km, 3),
        "open_now": proposal.status.is_open,
        "opening": proposal.status.label,
        "price": str(variant.price),
        "currency": product.shop.currency,
        "available": proposal.available,
    }


def nearby_data(found) -> dict:
    """A ``plaza.lists.nearby.ListNearby`` as the API gives it."""
    position = found.search.position
    return {
        "position": {"latitude": position.latitude, "longitude": position.longitude, "label": position.label},
        "radius_km": found.search.radius_km,
        "open_now": found.search.open_now,
        "truncated": found.truncated,
        "items": [
            {
                "item_id": str(entry.item.pk),
                "text": entry.item.text,
                "quantity": entry.item.quantity,
                "matched_by": entry.matched_by,
                "searched": entry.searched,
                "proposals": [proposal_data(proposal) for proposal in entry.proposals],
            }
            for entry in found.items
        ],
    }
