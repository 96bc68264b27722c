"""Staff pages for bulk imports: upload a file, watch the check, read the row-by-row report, then import.

The work happens in background tasks (``import_tasks``); these pages create the job, enqueue, and show it.
"""

from pathlib import Path

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from . import import_tasks
from .models import ImportJob

MAX_UPLOAD_BYTES = 20 * 1024 * 1024
ALLOWED_SUFFIXES = (".csv", ".xlsx")
FINISHED = {ImportJob.Status.CHECKED, ImportJob.Status.INVALID, ImportJob.Status.DONE, ImportJob.Status.FAILED}


class ImportUploadForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("File"),
        help_text=gettext_lazy("CSV or XLSX, at most 20 MB. The columns are described in the import format."),
    )
    kind = forms.ChoiceField(
        label=gettext_lazy("What the file holds"),
        required=False,
        choices=[
            ("", gettext_lazy("Tell from the columns")),
            ("institutions", gettext_lazy("Institutions")),
            ("experts", gettext_lazy("Experts")),
        ],
    )
    encoding = forms.ChoiceField(
        label=gettext_lazy("Encoding of a CSV file"),
        required=False,
        choices=[
            ("", gettext_lazy("Detect (UTF-8, else GBK)")),
            ("utf-8", "UTF-8"),
            ("gb18030", "GBK / GB18030"),
        ],
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if Path(upload.name).suffix.lower() not in ALLOWED_SUFFIXES:
            raise forms.ValidationError(_("Upload a .csv or .xlsx file."))
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(_("The file is larger than 20 MB: split it into several."))
        return upload


def _require_import(user) -> None:
    if not user.has_perm("network.import"):
        raise PermissionDenied


@login_required
def import_start(request):
    _require_import(request.user)
    form = ImportUploadForm()
    if request.method == "POST":
        form = ImportUploadForm(request.POST, request.FILES)
        if form.is_valid():
            upload = form.cleaned_data["file"]
            with transaction.atomic():
                job = ImportJob.objects.create(
                    created_by=request.user,
                    file=upload,
                    original_name=Path(upload.name).name[:200],
                    report={"options": {"kind": form.cleaned_data["kind"], "encoding": form.cleaned_data["encoding"]}},
                )
                transaction.on_commit(lambda: import_tasks.import_check.enqueue(job_id=job.pk))
            return redirect("network:import_job", job_id=job.pk)
    jobs = ImportJob.objects.select_related("created_by")[:20]
    return render(request, "network/import_form.html", {"form": form, "jobs": jobs})


def _job_context(job: ImportJob) -> dict:
    report = job.report if isinstance(job.report, dict) else {}
    return {
        "job": job,
        "finished": job.status in FINISHED,
        "errors": report.get("errors", [])[:1000],
        "error_count": len(report.get("errors", [])),
        "counts": report.get("counts", {}),
        "rows": report.get("rows", job.rows_total),
        "failure": report.get("failure", ""),
    }


@login_required
def import_job(request, job_id: int):
    _require_import(request.user)
    job = get_object_or_404(ImportJob, pk=job_id)
    if request.htmx:
        return render(request, "network/_import_progress.html", _job_context(job))
    return render(request, "network/import_job.html", _job_context(job))


@login_required
def import_progress(request, job_id: int):
    _require_import(request.user)
    job = get_object_or_404(ImportJob, pk=job_id)
    return render(request, "network/_import_progress.html", _job_context(job))


@login_required
@require_POST
def import_commit(request, job_id: int):
    _require_import(request.user)
    job = get_object_or_404(ImportJob, pk=job_id)
    with transaction.atomic():
        # Only a checked job is imported, and only once however often the button is pressed.
        started = ImportJob.objects.filter(pk=job.pk, status=ImportJob.Status.CHECKED).update(
            status=ImportJob.Status.IMPORTING, rows_done=0, finished_at=None
        )
        if started:
            transaction.on_commit(lambda: import_tasks.import_commit.enqueue(job_id=job.pk))
    if not started:
        messages.error(request, _("This file cannot be imported now: it is not checked, or already imported."))
    return redirect("network:import_job", job_id=job.pk)
