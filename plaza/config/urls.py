from django.conf import settings
from django.contrib import admin
from django.urls import include, path, re_path
from django.views.static import serve

from plaza.config.api import api

urlpatterns = [
    path("api/v1/", api.urls),
    path("admin/", admin.site.urls),
    path("accounts/", include("allauth.urls")),
    path("", include("plaza.web.urls")),
    re_path(r"^media/(?P<path>.*)$", serve, {"document_root": settings.MEDIA_ROOT}),
]

handler400 = "plaza.web.views.bad_request"
handler404 = "plaza.web.views.not_found"
handler500 = "plaza.web.views.server_error"
handler403 = "plaza.web.views.forbidden"
