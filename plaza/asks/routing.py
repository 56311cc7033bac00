from django.urls import re_path

from plaza.asks import consumers

websocket_urlpatterns = [
    # Bounded digits: an id beyond a 64-bit integer is refused by the router, not the database.
    re_path(r"^ws/asks/(?P<ask_id>[0-9]{1,18})/$", consumers.AskConsumer.as_asgi()),
]
