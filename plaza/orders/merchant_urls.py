"""Merchant-side order pages: /merchant/<shop_slug>/orders/…"""

from django.urls import path, register_converter

from plaza.orders import views


class OrderIdConverter:
    """A positive id that fits the database's 64-bit integer; longer digit strings 404."""

    regex = "[0-9]{1,18}"

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value: int) -> str:
        return str(value)


register_converter(OrderIdConverter, "order_id")

app_name = "merchant_orders"

urlpatterns = [
    path("", views.board, name="board"),
    path("finished/", views.finished_orders, name="finished"),
    path("<order_id:order_id>/", views.merchant_order, name="order"),
    path("<order_id:order_id>/card/", views.card, name="card"),
    path("<order_id:order_id>/<slug:action>/", views.order_action, name="action"),
]
