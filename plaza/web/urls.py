"""The web app's URL map: each app owns the pages under its prefix."""

from django.urls import include, path

from plaza.web import views

merchant_shop = "merchant/<slug:shop_slug>/"

urlpatterns = [
    path("", include("plaza.storefront.urls")),
    path("search/", include("plaza.search.urls")),
    path("cart/", include("plaza.checkout.urls")),
    path("orders/", include("plaza.orders.urls")),
    path("lists/", include("plaza.lists.urls")),
    path("asks/", include("plaza.asks.urls")),
    path("feed/", include("plaza.feed.urls")),
    path("notifications/", include("plaza.notifications.urls")),
    path("", include("plaza.social.urls")),
    path("merchant/", include("plaza.shops.urls")),
    path(merchant_shop + "catalog/", include("plaza.catalog.urls")),
    path(merchant_shop + "stock/", include("plaza.inventory.urls")),
    path(merchant_shop + "orders/", include("plaza.orders.merchant_urls")),
    path("me/", include("plaza.accounts.urls")),
    path("healthz", views.healthz, name="healthz"),
    path("manifest.webmanifest", views.manifest, name="manifest"),
    path("sw.js", views.service_worker, name="service-worker"),
    path("offline/", views.offline, name="offline"),
]
