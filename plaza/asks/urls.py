"""Ask pages: /asks/… (an id beyond a 64-bit integer is a 404: ``ask_for`` bounds it)."""

from django.urls import path

from plaza.asks import views

app_name = "asks"

urlpatterns = [
    path("", views.index, name="index"),
    path("new/", views.new, name="new"),
    path("<int:ask_id>/", views.detail, name="detail"),
    path("<int:ask_id>/poll/", views.poll, name="poll"),
    path("<int:ask_id>/answers/", views.answers, name="answers"),
    path("<int:ask_id>/vote/", views.vote, name="vote"),
    path("<int:ask_id>/vote/withdraw/", views.withdraw_vote, name="withdraw-vote"),
    path("<int:ask_id>/close/", views.close, name="close"),
    path("<int:ask_id>/add-to-cart/", views.add_to_cart, name="add-to-cart"),
    path("<int:ask_id>/delete/", views.delete, name="delete"),
]
