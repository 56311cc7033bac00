"""Notification pages: /notifications/…"""

from django.urls import path, re_path

from plaza.notifications import views

app_name = "notifications"

urlpatterns = [
    path("", views.notification_list, name="list"),
    path("read-all/", views.read_all, name="read-all"),
    path("preferences/", views.preferences, name="preferences"),
    # Bounded digits: an id beyond a 64-bit integer is a 404 from the router, not a database error.
    re_path(r"^(?P<notification_id>[0-9]{1,18})/open/$", views.open_notification, name="open"),
]
