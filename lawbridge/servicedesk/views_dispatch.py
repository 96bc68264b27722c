"""The center's dispatch page: plan (optimal beside greedy), then send the planned offers."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from . import dispatch


@login_required
def dispatch_page(request):
    if not request.user.has_perm("servicedesk.dispatch"):
        raise PermissionDenied
    if request.method == "POST":
        assignments = {}
        for key, value in request.POST.items():
            if key.startswith("assign-") and value:
                try:
                    assignments[int(key.removeprefix("assign-"))] = int(value)
                except ValueError:
                    continue
        sent = dispatch.send(actor=request.user, assignments=assignments)
        messages.success(request, ngettext("%(n)d offer sent.", "%(n)d offers sent.", sent) % {"n": sent})
        return redirect("servicedesk:dispatch")
    try:
        cap = max(1, min(100, int(request.GET.get("cap", dispatch.DEFAULT_INSTITUTION_CAP))))
    except ValueError:
        cap = dispatch.DEFAULT_INSTITUTION_CAP
    plan = dispatch.plan(actor=request.user, institution_cap=cap)
    largest = max(plan.total, plan.greedy_total, 0.001)
    return render(
        request,
        "servicedesk/dispatch.html",
        {"plan": plan, "largest": largest, "cap": cap, "title": _("Daily dispatch")},
    )
