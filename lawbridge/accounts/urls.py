from django.urls import path

from . import views

app_name = "accounts"

urlpatterns = [
    path("profile/", views.profile, name="profile"),
    path("profile/tokens/<int:pk>/revoke/", views.token_revoke, name="token_revoke"),
    path("invitations/<int:pk>/", views.invitation_answer, name="invitation_answer"),
    path("organisations/", views.organisation_list, name="organisations"),
    path("organisations/<slug:slug>/", views.organisation_detail, name="organisation"),
    path("staff/new/", views.staff_create, name="staff_create"),
]
