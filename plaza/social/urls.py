from django.urls import path, re_path

from plaza.social import views

app_name = "social"

urlpatterns = [
    path("friends/", views.friends, name="friends"),
    path("friends/requests/", views.send_request, name="send-request"),
    re_path(r"^friends/requests/(?P<request_id>[0-9]{1,18})/(?P<answer>accept|decline|cancel)/$", views.answer_request, name="answer-request"),
    path("friends/circles/", views.circles, name="circles"),
    re_path(r"^friends/circles/(?P<circle_id>[0-9]{1,18})/$", views.circle, name="circle"),
    re_path(r"^friends/circles/(?P<circle_id>[0-9]{1,18})/(?P<action>rename|add|remove|delete)/$", views.circle_action, name="circle-action"),
    re_path(r"^friends/invite/(?P<token>[-_A-Za-z0-9]{1,64})/$", views.invite, name="invite"),
    path("friends/invite-reset/", views.reset_invite, name="reset-invite"),
    re_path(r"^people/(?P<user_id>[0-9]{1,18})/$", views.person, name="person"),
    re_path(r"^people/(?P<user_id>[0-9]{1,18})/(?P<action>unfriend|follow|unfollow|block|unblock)/$", views.person_action, name="person-action"),
    re_path(r"^follows/shops/(?P<shop_id>[0-9]{1,18})/(?P<action>follow|unfollow)/$", views.shop_follow, name="shop-follow"),
    path("settings/privacy/", views.privacy, name="privacy"),
]
