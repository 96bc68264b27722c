"""URLs of case conferences, coordination tasks and the requester–provider conversation. Included into the
service desk's ``urls.py`` (namespace ``servicedesk``), so there is no ``app_name`` here."""

from django.urls import path

from . import views_collab as views

urlpatterns = [
    path("requests/<str:number>/conferences/new/", views.conference_new, name="conference_new"),
    path("requests/<str:number>/tasks/new/", views.task_new, name="task_new"),
    path("requests/<str:number>/messages/", views.message_post, name="message_post"),
    path("conferences/", views.my_conferences, name="conferences"),
    path("conferences/<int:conference_id>/", views.conference_detail, name="conference"),
    path("conferences/<int:conference_id>/answer/", views.conference_answer, name="conference_answer"),
    path("conferences/<int:conference_id>/posts/", views.conference_post, name="conference_post"),
    path(
        "conferences/<int:conference_id>/documents/<int:post_id>/",
        views.conference_document,
        name="conference_document",
    ),
    path("conferences/<int:conference_id>/opinion/", views.conference_opinion, name="conference_opinion"),
    path("conferences/<int:conference_id>/decide/", views.conference_decide, name="conference_decide"),
    path("conferences/<int:conference_id>/cancel/", views.conference_cancel, name="conference_cancel"),
    path("tasks/", views.my_tasks, name="tasks"),
    path("tasks/<int:task_id>/", views.task_detail, name="task"),
]
