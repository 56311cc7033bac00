from django.urls import path, re_path

from plaza.feed import views

app_name = "feed"

urlpatterns = [
    path("", views.home, name="home"),
    path("share/", views.new_share, name="new-share"),
    re_path(r"^shares/(?P<share_id>[0-9]{1,18})/$", views.share_detail, name="share"),
    re_path(r"^shares/(?P<share_id>[0-9]{1,18})/react/$", views.react, name="react"),
    re_path(r"^shares/(?P<share_id>[0-9]{1,18})/comments/$", views.add_comment, name="comment"),
    re_path(r"^shares/(?P<share_id>[0-9]{1,18})/delete/$", views.delete_share, name="delete"),
    re_path(r"^comments/(?P<comment_id>[0-9]{1,18})/delete/$", views.delete_comment, name="delete-comment"),
]
