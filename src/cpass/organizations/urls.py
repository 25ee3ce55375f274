from django.urls import path

from cpass.organizations import views

app_name = "organizations"

urlpatterns = [
    path("", views.detail, name="detail"),
    path("new/", views.enterprise_create, name="create"),
    path("switch/", views.switch, name="switch"),
    path("edit/", views.edit, name="edit"),
    path("logo/", views.logo_upload, name="logo"),
    path("logo/remove/", views.logo_remove, name="logo_remove"),
    path("members/", views.members, name="members"),
    path("members/<int:membership_id>/role/", views.member_role, name="member_role"),
    path("members/<int:membership_id>/remove/", views.member_remove, name="member_remove"),
    path("members/leave/", views.leave, name="leave"),
    path("members/transfer/", views.transfer, name="transfer"),
    path("invitations/", views.invitations, name="invitations"),
    path("invitations/new/", views.invite, name="invite"),
    path("invitations/<int:invitation_id>/revoke/", views.invitation_revoke, name="invitation_revoke"),
    path("partners/", views.partners, name="partners"),
    path("partners/<int:grant_id>/revoke/", views.grant_revoke, name="grant_revoke"),
    path("history/", views.history, name="history"),
    path("my-invitations/", views.my_invitations, name="my_invitations"),
    path("my-invitations/<int:invitation_id>/", views.my_invitation_answer, name="my_invitation_answer"),
    path("invitation/<str:token>/", views.invitation, name="invitation"),
]
