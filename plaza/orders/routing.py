from django.urls import path, re_path

from plaza.orders import consumers

websocket_urlpatterns = [
    # Bounded digits: an id beyond a 64-bit integer is refused by the router, not the database.
    re_path(r"^ws/shops/(?P<shop_id>[0-9]{1,18})/orders/$", consumers.ShopOrdersConsumer.as_asgi()),
    path("ws/orders/<uuid:token>/", consumers.OrderPageConsumer.as_asgi()),
]
