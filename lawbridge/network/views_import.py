# Placeholder so urls.py imports; the import pages are being written (replace this whole file).
from django.http import Http404


def import_start(request):
    raise Http404


def import_job(request, job_id):
    raise Http404


def import_progress(request, job_id):
    raise Http404


def import_commit(request, job_id):
    raise Http404
