"""/api/v1/lists/: shared shopping lists, their sharing, and the operation log clients sync with.

A client keeps the list's ``version``. It sends each edit as an operation with its own
``client_id`` and a fresh ``client_op_id`` (the same pair again is applied once), applies
the server's operations in version order (from the WebSocket ``/ws/lists/{id}/`` or by
polling ``GET /{id}/operations?after_version=v``), and fetches the gap when it sees one.
Without access a list answers 404, whether it exists or not.

``GET /{id}/nearby`` proposes, for each item still to buy, what is in stock now at shops
near a position; ``POST /{id}/nearby/add-to-cart`` puts chosen proposals in the caller's cart.
"""

from typing import Annotated, Any, Literal
from uuid import UUID

from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Path, Query, Router, Schema
from ninja.pagination import paginate

from plaza.core.api import ErrorOut, signed_in
from plaza.core.pagination import BoundedPagination
from plaza.core.errors import InvalidInput
from plaza.lists import nearby, presenters, selectors, services
from plaza.lists.models import MAX_CLIENT_ID, MAX_TITLE, OperationKind
from plaza.storefront.geo import Position
from plaza.storefront.position import shopper_position

router = Router(tags=["lists"], auth=signed_in)

MAX_ID = 2**63 - 1
Id = Annotated[int, Path(ge=1, le=MAX_ID)]
NO_NUL = r"^[^\x00]*$"
CLIENT_KEY = rf"^[A-Za-z0-9_.:-]{{1,{MAX_CLIENT_ID}}}$"
READ_FAILURES = {401: ErrorOut, 404: ErrorOut, 422: ErrorOut}
FAILURES = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut}
RoleName = Literal["editor", "viewer"]


class ListMemberOut(Schema):
    id: int
    name: str


class ListOut(Schema):
    id: int
    title: str
    version: int
    my_role: Literal["owner", "editor", "viewer"]
    owner: ListMemberOut
    updated_at: str


class ListItemOut(Schema):
    id: str
    text: str
    product_id: int | None
    product_url: str | None
    shop_id: int | None
    shop_name: str | None
    quantity: int
    note: str
    checked: bool
    assignee: ListMemberOut | None
    position: int


class MemberOut(Schema):
    user: ListMemberOut
    role: RoleName


class CircleShareOut(Schema):
    id: int
    name: str
    role: RoleName


class ListDetailOut(ListOut):
    items: list[ListItemOut]
    members: list[MemberOut]
    circle: CircleShareOut | None = Field(description="Named to the owner only: a circle is private to its owner.")
    shared_with_circle: bool


class ListIn(Schema):
    title: str = Field(max_length=MAX_TITLE, pattern=NO_NUL)


class MemberIn(Schema):
    role: RoleName


class CircleShareIn(Schema):
    circle_id: int = Field(ge=1, le=MAX_ID)
    role: RoleName


class OperationIn(Schema):
    client_id: str = Field(pattern=CLIENT_KEY, description="Stable per client (browser tab, device).")
    client_op_id: str = Field(pattern=CLIENT_KEY, description="Unique per operation of this client: a resend is applied once.")
    kind: Literal[tuple(OperationKind.values)]  # type: ignore[valid-type]
    payload: dict[str, Any] = Field(
        description=(
            "add_item {item_id (a new UUID), text?, product_id?, shop_id?, quantity?, note?}; "
            "set_fields {item_id, fields: {text?, quantity?, note?}}; check, uncheck, assign (to me), unassign, "
            "remove_item {item_id}; move_item {item_id, before_item_id (null: last)}."
        )
    )


class OperationOut(Schema):
    version: int
    client_id: str
    client_op_id: str
    kind: str
    payload: dict[str, Any]
    user: ListMemberOut | None
    created_at: str


class OperationsPageOut(Schema):
    version: int = Field(description="The list's version now; more operations follow when it is above the last one here.")
    operations: list[OperationOut]


class _Presented:
    """A queryset seen through a presenter, for ninja's pagination (it counts ``.all()`` and slices)."""

    def __init__(self, queryset, present):
        self.queryset, self.present = queryset, present

    def all(self):
        return self.queryset

    def __getitem__(self, window: slice) -> list[dict]:
        return [self.present(each) for each in self.queryset[window]]


@router.get("/", response={200: list[ListOut], **READ_FAILURES}, summary="My lists and those shared with me")
@paginate(BoundedPagination)
def my_lists(request: HttpRequest):
    return _Presented(selectors.lists_of(request.auth), presenters.list_summary)


@router.post("/", response={201: ListDetailOut, **FAILURES}, summary="Create a list")
def create_list(request: HttpRequest, body: ListIn):
    shopping_list = services.create_list(owner=request.auth, title=body.title)
    return 201, _detail(request, shopping_list.pk)


def _detail(request: HttpRequest, list_id: int) -> dict:
    return presenters.list_detail(selectors.list_for(request.auth, list_id))


@router.get("/{list_id}", response={200: ListDetailOut, **READ_FAILURES}, summary="A list: items, members, version, my role")
def list_detail(request: HttpRequest, list_id: Id):
    return _detail(request, list_id)


@router.patch("/{list_id}", response={200: ListDetailOut, **FAILURES}, summary="Rename (owner)")
def rename_list(request: HttpRequest, list_id: Id, body: ListIn):
    services.rename_list(user=request.auth, list_id=list_id, title=body.title)
    return _detail(request, list_id)


@router.delete("/{list_id}", response={204: None, **FAILURES}, summary="Delete (owner)")
def delete_list(request: HttpRequest, list_id: Id):
    services.delete_list(user=request.auth, list_id=list_id)
    return 204, None


@router.put("/{list_id}/members/{user_id}", response={200: ListDetailOut, **FAILURES}, summary="Share with a friend, or change their role (owner)")
def share_with(request: HttpRequest, list_id: Id, user_id: Id, body: MemberIn):
    services.share_with(owner=request.auth, list_id=list_id, user_id=user_id, role=body.role)
    return _detail(request, list_id)


@router.delete("/{list_id}/members/{user_id}", response={204: None, **FAILURES}, summary="Take someone off the list (owner)")
def unshare(request: HttpRequest, list_id: Id, user_id: Id):
    services.unshare(owner=request.auth, list_id=list_id, user_id=user_id)
    return 204, None


@router.put("/{list_id}/circle", response={200: ListDetailOut, **FAILURES}, summary="Share with one of my circles (owner)")
def share_with_circle(request: HttpRequest, list_id: Id, body: CircleShareIn):
    services.share_with_circle(owner=request.auth, list_id=list_id, circle_id=body.circle_id, role=body.role)
    return _detail(request, list_id)


@router.delete("/{list_id}/circle", response={204: None, **FAILURES}, summary="Stop sharing with the circle (owner)")
def unshare_circle(request: HttpRequest, list_id: Id):
    services.unshare_circle(owner=request.auth, list_id=list_id)
    return 204, None


@router.post("/{list_id}/leave", response={204: None, **FAILURES}, summary="Leave a list shared with me")
def leave(request: HttpRequest, list_id: Id):
    services.leave(user=request.auth, list_id=list_id)
    return 204, None


@router.post(
    "/{list_id}/operations",
    response={200: OperationOut, **FAILURES},
    summary="Apply an operation to the items (editors); returns it with its version",
)
def apply_operation(request: HttpRequest, list_id: Id, body: OperationIn):
    operation = services.apply_operation(
        user=request.auth,
        list_id=list_id,
        client_id=body.client_id,
        client_op_id=body.client_op_id,
        kind=body.kind,
        payload=body.payload,
    )
    return presenters.operation_data(operation)


@router.get(
    "/{list_id}/operations",
    response={200: OperationsPageOut, **READ_FAILURES},
    summary="Operations after a version, oldest first (catch-up, and polling without WebSockets)",
)
def operations(
    request: HttpRequest,
    list_id: Id,
    after_version: int = Query(0, ge=0, le=MAX_ID),
    limit: int = Query(100, ge=1, le=selectors.MAX_OPERATIONS_PAGE),
):
    shopping_list = selectors.list_for(request.auth, list_id)
    page = selectors.operations_after(shopping_list, after_version, limit)
    return {"version": shopping_list.version, "operations": [presenters.operation_data(each) for each in page]}


# --- find this list nearby ------------------------------------------------------------


class PositionOut(Schema):
    latitude: float
    longitude: float
    label: str


class ProposalOut(Schema):
    variant_id: int
    variant_title: str
    product_id: int
    product_title: str
    product_url: str
    shop_id: int
    shop_name: str
    location_id: int
    location_name: str
    address: str
    distance_km: float
    open_now: bool
    opening: str = Field(description='"Open until 19:00", "Opens tomorrow at 9:00"…')
    price: str = Field(description="A decimal number as text, in ``currency``.")
    currency: str
    available: int


class ItemNearbyOut(Schema):
    item_id: str
    text: str
    quantity: int
    matched_by: Literal["product", "shop", "search"]
    searched: bool = Field(description="False for a text item past the search budget of one request.")
    proposals: list[ProposalOut] = Field(description="Best first: open now before closed, then the nearest.")


class NearbyOut(Schema):
    position: PositionOut
    radius_km: float
    open_now: bool
    truncated: bool = Field(description=f"Only the first {nearby.MAX_ITEMS_CONSIDERED} items to buy were considered.")
    items: list[ItemNearbyOut]


class NearbyQuery(Schema):
    latitude: float | None = Field(None, ge=-90, le=90, allow_inf_nan=False)
    longitude: float | None = Field(None, ge=-180, le=180, allow_inf_nan=False)
    radius_km: float = Field(nearby.DEFAULT_RADIUS_KM, gt=0, le=nearby.MAX_RADIUS_KM, allow_inf_nan=False)
    open_now: bool = False


class PickIn(Schema):
    item_id: UUID
    variant_id: int = Field(ge=1, le=MAX_ID)


class AddNearbyIn(NearbyQuery):
    picks: list[PickIn] = Field(min_length=1, max_length=nearby.MAX_ITEMS_CONSIDERED)


class AddedOut(Schema):
    item_id: str
    variant_id: int
    quantity: int


class AddedToCartOut(Schema):
    added: list[AddedOut] = Field(description="The cart lines now, for the variants just added.")


def _nearby_search(request: HttpRequest, query: NearbyQuery) -> nearby.NearbySearch:
    """Given coordinates, else the shopper's last chosen position (session), else the town centre."""
    if (query.latitude is None) != (query.longitude is None):
        missing = "longitude" if query.longitude is None else "latitude"
        raise InvalidInput("Give both latitude and longitude, or neither.", fields={missing: ["Give it with the other."]})
    if query.latitude is None:
        position = shopper_position(request)[0]
    else:
        position = Position(query.latitude, query.longitude, "your location")
    return nearby.NearbySearch(position, timezone.now(), query.radius_km, query.open_now)


@router.get(
    "/{list_id}/nearby",
    response={200: NearbyOut, **READ_FAILURES},
    summary="Find this list nearby: for each item to buy, products in stock now at shops near a position",
)
def list_nearby(request: HttpRequest, list_id: Id, query: Query[NearbyQuery]):
    shopping_list = selectors.list_for(request.auth, list_id)
    return presenters.nearby_data(nearby.find_list_nearby(shopping_list, _nearby_search(request, query)))


@router.post(
    "/{list_id}/nearby/add-to-cart",
    response={200: AddedToCartOut, **READ_FAILURES},
    summary="Add proposals of Find this list nearby to my cart, each at its item's quantity",
    description=(
        "Every pick must be a proposal for its item under the same position, radius and open_now "
        "(the proposals are computed again); otherwise 422 and nothing is added."
    ),
)
def add_nearby_to_cart(request: HttpRequest, list_id: Id, body: AddNearbyIn):
    lines = services.add_nearby_to_cart(
        user=request.auth,
        list_id=list_id,
        picks=[(str(pick.item_id), pick.variant_id) for pick in body.picks],
        search=_nearby_search(request, body),
    )
    return {
        "added": [
            {"item_id": str(pick.item_id), "variant_id": line.variant_id, "quantity": line.quantity}
            for pick, line in zip(body.picks, lines)
        ]
    }
