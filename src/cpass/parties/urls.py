from django.urls import path

from cpass.parties import views

app_name = "parties"

urlpatterns = [
    path("", views.party_list, name="list"),
    path("new/", views.party_create, name="create"),
    path("<int:party_id>/", views.party_detail, name="detail"),
    path("<int:party_id>/edit/", views.party_edit, name="edit"),
    path("<int:party_id>/deactivate/", views.party_deactivate, name="deactivate"),
    path("<int:party_id>/rescreen/", views.party_rescreen, name="rescreen"),
    path("screening/", views.screening_queue, name="screening"),
    path("screening/<int:match_id>/", views.match_detail, name="match"),
    path("restricted-lists/", views.restricted_lists, name="restricted_lists"),
    path("restricted-lists/<int:list_id>/", views.restricted_list_detail, name="restricted_list"),
]
