from django.urls import path

from plaza.storefront import views

app_name = "storefront"

urlpatterns = [
    path("", views.home, name="home"),
    path("shops/<slug:slug>/", views.shop_detail, name="shop"),
    path("shops/<slug:slug>/products/<slug:handle>/", views.product_detail, name="product"),
    path("shops/<slug:slug>/products/<slug:handle>/stock/", views.product_stock, name="product-stock"),
]
