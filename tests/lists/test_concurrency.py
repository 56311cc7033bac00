"""Several people edit one list at once, one of them offline: nobody's edit is lost and everyone converges.

Each client runs in its own thread with its own database connection and applies random
operations (seeded, so a failure replays); some are sent twice, as a client does when a
response is lost. The offline client queues operations against the state it last saw and
replays the whole queue when it reconnects. Afterwards the server's items must equal the
reducer's fold of the log, every client that catches up from its version must reach the
same state, and every operation sent must be in the log exactly once.
"""

import random
import uuid

import pytest

from plaza.lists import reducer, selectors, services
from plaza.lists.models import ListItem, ListOperation
from tests.checkout.conftest import run_at_once
from tests.lists.conftest import add_item

pytestmark = pytest.mark.django_db(transaction=True)

OPERATIONS_PER_CLIENT = 25
SEEDED_ITEMS = 4


def random_operation(rng: random.Random, known_items: list[str]) -> tuple[str, dict]:
    """A valid operation on items this client knows (seeded ones, or its own applied adds)."""
    kind = rng.choice(["add_item", "set_fields", "set_fields", "check", "uncheck", "assign", "unassign", "remove_item", "move_item"])
    if kind == "add_item" or not known_items:
        item_id = str(uuid.uuid4())
        known_items.append(item_id)
        return "add_item", {"item_id": item_id, "text": f"thing {rng.randint(1, 99)}", "quantity": rng.randint(1, 5)}
    item_id = rng.choice(known_items)
    if kind == "set_fields":
        fields = rng.choice([{"note": f"note {rng.randint(1, 9)}"}, {"quantity": rng.randint(1, 9)}, {"text": f"renamed {rng.randint(1, 9)}"}])
        return kind, {"item_id": item_id, "fields": fields}
    if kind == "move_item":
        return kind, {"item_id": item_id, "before_item_id": rng.choice([None, *known_items])}
    return kind, {"item_id": item_id}


def server_items(shopping_list) -> reducer.Items:
    return {
        str(row.pk): {field: getattr(row, field) for field in reducer.ITEM_FIELDS}
        for row in ListItem.objects.filter(shopping_list=shopping_list)
    }


def log_of(shopping_list) -> list[ListOperation]:
    return list(ListOperation.objects.filter(shopping_list=shopping_list).order_by("version"))


def as_replay(operations) -> list[tuple[str, dict, int]]:
    return [(each.kind, each.payload, each.user_id) for each in operations]


def catch_up(items: reducer.Items, shopping_list, version: int) -> tuple[reducer.Items, int]:
    """What a client does after reconnecting: apply pages of operations after its version."""
    while True:
        page = selectors.operations_after(shopping_list, version, limit=7)
        if not page:
            return items, version
        for operation in page:
            assert operation.version == version + 1, "a client sees every version, in order"
            reducer.apply(items, operation.kind, operation.payload, operation.user_id)
            version = operation.version

@pytest.mark.parametrize("seed", [1, 2])
def test_concurrent_and_offline_edits_converge_without_losing_one(household, seed):
    shopping_list = household.shopping_list
    seeded = [add_item(household.owner, shopping_list, f"seed {n}") for n in range(SEEDED_ITEMS)]
    online = [household.owner, household.editor, household.circle_member]

    # The offline client saw the list as it is now, then queued edits without a connection.
    shopping_list.refresh_from_db()
    offline_version = shopping_list.version
    offline_rng = random.Random(seed * 100)
    offline_known = list(seeded)
    offline_queue = [
        (f"offline-{n}", *random_operation(offline_rng, offline_known)) for n in range(OPERATIONS_PER_CLIENT)
    ]
    sent: set[tuple[str, str]] = {("tests", each.client_op_id) for each in log_of(shopping_list)}
    sent |= {("offline", op_id) for op_id, _, _ in offline_queue}

    def client(index: int) -> int:
        if index == len(online):  # the offline client reconnects and replays its queue, twice over
            for op_id, kind, payload in offline_queue + offline_queue:
                services.apply_operation(user=household.editor, list_id=shopping_list.pk, client_id="offline", client_op_id=op_id, kind=kind, payload=payload)
            return len(offline_queue)
        rng = random.Random(seed * 10 + index)
        known = list(seeded)
        for n in range(OPERATIONS_PER_CLIENT):
            kind, payload = random_operation(rng, known)
            resends = 2 if rng.random() < 0.2 else 1
            for _ in range(resends):
                services.apply_operation(user=online[index], list_id=shopping_list.pk, client_id=f"client-{index}", client_op_id=f"op-{n}", kind=kind, payload=payload)
        return OPERATIONS_PER_CLIENT

    results = run_at_once(client, len(online) + 1)
    assert all(isinstance(result, int) for result in results), results
    sent |= {(f"client-{index}", f"op-{n}") for index in range(len(online)) for n in range(OPERATIONS_PER_CLIENT)}

    log = log_of(shopping_list)
    shopping_list.refresh_from_db()
    assert [each.version for each in log] == list(range(1, shopping_list.version + 1))
    logged = [(each.client_id, each.client_op_id) for each in log]
    assert len(logged) == len(set(logged)), "no operation applied twice"
    assert set(logged) == sent, "no operation lost"

    folded = reducer.fold(as_replay(log))
    assert server_items(shopping_list) == folded

    # Clients that stopped at different versions (the offline one among them) catch up to the same state.
    for stopped_at in {0, offline_version, len(log) // 2, len(log)}:
        replica = reducer.fold(as_replay(log[:stopped_at]))
        assert catch_up(replica, shopping_list, stopped_at) == (folded, len(log))
