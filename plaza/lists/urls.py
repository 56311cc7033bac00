"""Shopping list pages: /lists/…"""

from django.urls import path

from plaza.lists import views

app_name = "lists"

urlpatterns = [
    path("", views.my_lists, name="mine"),
    path("new/", views.create_list, name="create"),
    path("<int:list_id>/", views.list_page, name="detail"),
    path("<int:list_id>/rename/", views.rename_list, name="rename"),
    path("<int:list_id>/delete/", views.delete_list, name="delete"),
    path("<int:list_id>/members/", views.share_with, name="share"),
    path("<int:list_id>/members/<int:user_id>/remove/", views.unshare, name="unshare"),
    path("<int:list_id>/circle/", views.share_with_circle, name="circle"),
    path("<int:list_id>/leave/", views.leave, name="leave"),
    path("<int:list_id>/nearby/", views.nearby_page, name="nearby"),
    path("<int:list_id>/nearby/add/", views.add_nearby, name="nearby_add"),
]
