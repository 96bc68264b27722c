"""The staff import pages: who may open them, the upload form, and upload → check → commit with the task
backend running tasks at once."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from lawbridge.accounts.choices import Role
from lawbridge.network.models import Expert, ImportJob
from tests.factories import make_user, signed_in
from tests.network.test_import import expert_row, write_csv

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _immediate_tasks_and_media(settings, tmp_path):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    settings.MEDIA_ROOT = tmp_path / "media"


def upload(client, path, **data):
    with open(path, "rb") as fh:
        return client.post("/network/import/", {"file": SimpleUploadedFile(path.name, fh.read()), **data})


def test_anonymous_is_sent_to_log_in(client):
    for url in ("/network/import/", "/network/import/1/", "/network/import/1/progress/"):
        response = client.get(url)
        assert response.status_code == 302 and response.url.startswith("/accounts/login/")


@pytest.mark.parametrize("role", [None, Role.INSTITUTION_ADMIN, Role.ENTERPRISE_MEMBER])
def test_others_get_403(role, tmp_path):
    owner = make_user(Role.CENTER_STAFF)
    job = ImportJob.objects.create(created_by=owner, file="x.csv", original_name="x.csv")
    c = signed_in(make_user(role))
    assert c.get("/network/import/").status_code == 403
    assert c.get(f"/network/import/{job.pk}/").status_code == 403
    assert c.get(f"/network/import/{job.pk}/progress/").status_code == 403
    assert c.post(f"/network/import/{job.pk}/commit/").status_code == 403


def test_a_text_file_is_a_form_error(tmp_path):
    c = signed_in(make_user(Role.CENTER_STAFF))
    path = tmp_path / "notes.txt"
    path.write_text("hello")
    response = upload(c, path)
    assert response.status_code == 200
    assert "Upload a .csv or .xlsx file." in response.content.decode()
    assert not ImportJob.objects.exists()


def test_upload_check_commit(tmp_path, django_capture_on_commit_callbacks):
    staff = make_user(Role.CENTER_STAFF)
    c = signed_in(staff)
    assert c.get("/network/import/").status_code == 200
    path = write_csv(tmp_path / "experts.csv", [expert_row(1), expert_row(2)])
    with django_capture_on_commit_callbacks(execute=True):
        response = upload(c, path, kind="", encoding="")
    job = ImportJob.objects.get()
    assert response.status_code == 302 and response.url == f"/network/import/{job.pk}/"
    job.refresh_from_db()
    assert job.status == ImportJob.Status.CHECKED and job.created_by == staff
    assert Expert.objects.count() == 0

    page = c.get(response.url).content.decode()
    assert "Import 2 rows" in page and "<progress" not in page and "hx-get" not in page
    with django_capture_on_commit_callbacks(execute=True):
        response = c.post(f"/network/import/{job.pk}/commit/")
    assert response.status_code == 302
    job.refresh_from_db()
    assert job.status == ImportJob.Status.DONE and job.report["counts"]["experts_created"] == 2
    assert Expert.objects.filter(status="verified").count() == 2
    # A second press imports nothing twice.
    with django_capture_on_commit_callbacks(execute=True):
        c.post(f"/network/import/{job.pk}/commit/")
    assert Expert.objects.count() == 2
    assert "Imported." in c.get(f"/network/import/{job.pk}/").content.decode()


def test_a_file_with_errors_shows_the_report_and_no_button(tmp_path, django_capture_on_commit_callbacks):
    c = signed_in(make_user(Role.CENTER_STAFF))
    path = write_csv(tmp_path / "bad.csv", [expert_row(1), expert_row(2, credential_issued="2025-13-40")])
    with django_capture_on_commit_callbacks(execute=True):
        response = upload(c, path)
    job = ImportJob.objects.get()
    assert job.status == ImportJob.Status.INVALID
    page = c.get(response.url).content.decode()
    assert "credential_issued" in page and "2025-13-40" in page and "Import 2 rows" not in page
    c.post(f"/network/import/{job.pk}/commit/")
    assert Expert.objects.count() == 0


def test_a_running_job_polls_for_progress(tmp_path):
    staff = make_user(Role.CENTER_STAFF)
    job = ImportJob.objects.create(
        created_by=staff,
        file="x.csv",
        original_name="x.csv",
        status=ImportJob.Status.CHECKING,
        rows_total=10,
        rows_done=4,
    )
    c = signed_in(staff)
    page = c.get(f"/network/import/{job.pk}/").content.decode()
    assert f'hx-get="/network/import/{job.pk}/progress/"' in page and 'hx-trigger="every 1s"' in page
    assert '<progress id="import-bar" max="100" value="40">' in page
    fragment = c.get(f"/network/import/{job.pk}/progress/").content.decode()
    assert fragment.lstrip().startswith('<section id="import-progress"') and "<html" not in fragment
