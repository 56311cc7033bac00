"""WebSocket routes: each app that pushes live updates lists its own in routing.py."""

websocket_urlpatterns: list = []
