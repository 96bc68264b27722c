from django.urls import path, re_path
from django.views.generic import RedirectView

from . import views, views_import

app_name = "network"

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="network:experts"), name="home"),
    path("experts/", views.expert_list, name="experts"),
    re_path(r"^experts/export\.(?P<fmt>csv|xlsx)$", views.expert_export, name="experts_export"),
    path("experts/<uuid:public_id>/", views.expert_detail, name="expert"),
    path("experts/<uuid:public_id>/edit/", views.expert_edit, name="expert_edit"),
    path("experts/<uuid:public_id>/submit/", views.expert_submit, name="expert_submit"),
    path("experts/<uuid:public_id>/credentials/", views.credential_add, name="credential_add"),
    path("experts/<uuid:public_id>/review/", views.expert_review, name="expert_review"),
    path("institutions/", views.institution_list, name="institutions"),
    path("institutions/apply/", views.institution_apply, name="apply"),
    path("institutions/<slug:slug>/", views.institution_detail, name="institution"),
    path("institutions/<slug:slug>/edit/", views.institution_edit, name="institution_edit"),
    path("institutions/<slug:slug>/experts/new/", views.expert_new, name="expert_new"),
    path("institutions/<slug:slug>/review/", views.institution_review, name="institution_review"),
    path("points/", views.point_list, name="points"),
    path("points/<slug:slug>/", views.point_detail, name="point"),
    path("review/", views.review_queue, name="review"),
    path("me/profile/", views.my_profile, name="my_profile"),
    path("me/institution/", views.my_institution, name="my_institution"),
    path("import/", views_import.import_start, name="import"),
    path("import/<int:job_id>/", views_import.import_job, name="import_job"),
    path("import/<int:job_id>/progress/", views_import.import_progress, name="import_progress"),
    path("import/<int:job_id>/commit/", views_import.import_commit, name="import_commit"),
]
