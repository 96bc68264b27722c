from django.http import HttpResponse


def expert_detail(request, public_id):
    return HttpResponse("")


def institution_detail(request, slug):
    return HttpResponse("")
