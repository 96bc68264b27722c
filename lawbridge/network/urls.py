from django.urls import path

from . import views

app_name = "network"

urlpatterns = [
    path("experts/<uuid:public_id>/", views.expert_detail, name="expert"),
    path("institutions/<slug:slug>/", views.institution_detail, name="institution"),
]
