"""The rules of a list's operations, as a pure function over the items' state.

The server applies every operation through :func:`apply` (on the rows it loads), and any
client that replays the log from version 0 with :func:`fold` gets the same items: the
server's order is authoritative and the rules depend on nothing else. ``list.js`` carries
the same rules for the browser.

Each rule is a no-op rather than an error when its item is gone (removed, or never added
because the add was refused), so an offline client's queued operations always apply:
- ``add_item`` with an id already known (live or removed) does nothing; the server marks
  such an add ``known``, for clients that never saw the removed item (pages load live items only);
- ``set_fields`` sets the named fields only: concurrent edits of different fields both stay,
  and for one field the later operation in server order wins;
- ``move_item`` puts the item just before another one (or last) and renumbers the live items.

The state maps an item id (str) to a dict with the keys of :data:`ITEM_FIELDS`.
"""

from collections.abc import Iterable

ITEM_FIELDS = ("text", "product_id", "shop_id", "quantity", "note", "checked", "assignee_id", "position", "removed")
EDITABLE_FIELDS = ("text", "quantity", "note")

Items = dict[str, dict]


def live_order(items: Items) -> list[str]:
    """Ids of the items not removed, in list order."""
    return sorted((item_id for item_id, item in items.items() if not item["removed"]), key=lambda i: (items[i]["position"], i))


def apply(items: Items, kind: str, payload: dict, user_id: int | None) -> list[str]:
    """Apply one operation to ``items`` in place; returns the ids of the items it changed."""
    item_id = payload["item_id"]
    item = items.get(item_id)
    if kind == "add_item":
        if item is not None or payload.get("known"):
            return []
        positions = [other["position"] for other in items.values() if not other["removed"]]
        items[item_id] = {
            "text": payload["text"],
            "product_id": payload.get("product_id"),
            "shop_id": payload.get("shop_id"),
            "quantity": payload["quantity"],
            "note": payload.get("note", ""),
            "checked": False,
            "assignee_id": None,
            "position": max(positions) + 1 if positions else 0,
            "removed": False,
        }
        return [item_id]
    if item is None or item["removed"]:
        return []
    if kind == "move_item":
        return _move(items, item_id, payload.get("before_item_id"))
    changes = _changes(kind, payload, user_id)
    if all(item[field] == value for field, value in changes.items()):
        return []
    item.update(changes)
    return [item_id]


def _changes(kind: str, payload: dict, user_id: int | None) -> dict:
    if kind == "set_fields":
        return {field: value for field, value in payload["fields"].items() if field in EDITABLE_FIELDS}
    if kind in ("check", "uncheck"):
        return {"checked": kind == "check"}
    if kind in ("assign", "unassign"):
        return {"assignee_id": user_id if kind == "assign" else None}
    if kind == "remove_item":
        return {"removed": True, "assignee_id": None}
    raise ValueError(f"unknown operation kind {kind!r}")


def _move(items: Items, item_id: str, before_item_id: str | None) -> list[str]:
    order = live_order(items)
    if before_item_id == item_id or (before_item_id is not None and before_item_id not in order):
        return []  # before itself, or before an item removed meanwhile: the item stays where it is
    order.remove(item_id)
    order.insert(order.index(before_item_id) if before_item_id else len(order), item_id)
    changed = []
    for position, each in enumerate(order):
        if items[each]["position"] != position:
            items[each]["position"] = position
            changed.append(each)
    return changed


def fold(operations: Iterable[tuple[str, dict, int | None]], items: Items | None = None) -> Items:
    """The items after applying ``(kind, payload, user_id)`` operations in order."""
    items = {} if items is None else items
    for kind, payload, user_id in operations:
        apply(items, kind, payload, user_id)
    return items
