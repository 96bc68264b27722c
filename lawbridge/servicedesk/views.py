# Placeholder so urls.py imports; the pages are being written (replace this whole file).
from django.http import Http404


def request_detail(request, number):
    raise Http404
