from django.urls import path

from . import views

app_name = "servicedesk"

urlpatterns = [
    path("requests/<str:number>/", views.request_detail, name="request"),
]
