from django.urls import path

from . import views, views_dispatch

app_name = "servicedesk"

urlpatterns = [
    path("requests/new/", views.request_new, name="new"),
    path("requests/<str:number>/", views.request_detail, name="request"),
    path("requests/<str:number>/accept/", views.request_accept, name="accept"),
    path("requests/<str:number>/ask/", views.request_ask, name="ask"),
    path("requests/<str:number>/merge/", views.request_merge, name="merge"),
    path("requests/<str:number>/escalate/", views.request_escalate, name="escalate"),
    path("requests/<str:number>/refer-out/", views.request_refer_out, name="refer_out"),
    path("requests/<str:number>/answer/", views.request_answer, name="answer"),
    path("requests/<str:number>/withdraw/", views.request_withdraw, name="withdraw"),
    path("requests/<str:number>/rate/", views.request_rate, name="rate"),
    path("requests/<str:number>/close/", views.request_close, name="close"),
    path("requests/<str:number>/offers/", views.offers_send, name="offers_send"),
    path("requests/<str:number>/attachments/<int:attachment_id>/", views.attachment_download, name="attachment"),
    path("offers/<int:offer_id>/accept/", views.offer_accept, name="offer_accept"),
    path("offers/<int:offer_id>/decline/", views.offer_decline, name="offer_decline"),
    path("queue/", views.queue, name="queue"),
    path("mine/", views.my_requests, name="mine"),
    path("offers/", views.my_offers, name="offers"),
    path("dispatch/", views_dispatch.dispatch_page, name="dispatch"),
]

from . import urls_collab  # noqa: E402

urlpatterns += urls_collab.urlpatterns
