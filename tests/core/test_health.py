import pytest


@pytest.mark.django_db
def test_healthz_and_readyz(client):
    assert client.get("/healthz").json() == {"status": "ok"}
    ready = client.get("/readyz")
    assert ready.status_code == 200
    body = ready.json()
    assert body["status"] == "ok"
    assert body["checks"]["database"]["ok"] is True
    assert body["checks"]["task_queue"] == {"ok": True, "detail": "database"}


@pytest.mark.django_db
def test_readyz_reports_an_unreachable_queue(client, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}}
    settings.RQ_QUEUES = {"default": {"URL": "redis://127.0.0.1:1/0"}}  # nothing listens on port 1
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["checks"]["task_queue"]["ok"] is False


def test_healthz_refuses_post(client):
    assert client.post("/healthz").status_code == 405


@pytest.mark.django_db
def test_nul_bytes_in_the_address_are_a_400(client):
    response = client.get("/api/v1/organisations?q=a%00b")
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid_input"
    page = client.get("/me/organisations/?q=%00")
    assert page.status_code == 400
