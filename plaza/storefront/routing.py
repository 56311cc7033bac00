from django.urls import path

from plaza.storefront.consumers import ProductStockConsumer

websocket_urlpatterns = [
    path("ws/products/<int:product_id>/stock/", ProductStockConsumer.as_asgi()),
]
