"""The center's daily dispatch: every accepted request without an open offer, assigned at once to the talent pool
for the greatest total match score under capacity limits and a cap per institution (matching.batch_assign),
with the greedy assignment beside it; staff then send the planned offers in one step."""

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from lawbridge.network.models import Expert

from . import matching, services
from .choices import OfferStatus, Status
from .models import ServiceRequest

DEFAULT_INSTITUTION_CAP = 5


@dataclass
class PlanRow:
    request: ServiceRequest
    optimal: Expert | None
    optimal_score: float | None
    greedy: Expert | None
    greedy_score: float | None


@dataclass
class Plan:
    rows: list[PlanRow]
    total: float
    greedy_total: float
    seconds: float
    solver: str
    institution_cap: int

    @property
    def gain(self) -> float:
        return self.total - self.greedy_total


def waiting_requests():
    """Accepted requests with no offer waiting for an answer, oldest first."""
    return (
        ServiceRequest.objects.filter(status=Status.ACCEPTED)
        .exclude(offers__status=OfferStatus.SENT)
        .select_related("service_point", "requester")
        .order_by("accepted_at", "id")
    )


def plan(*, actor, institution_cap: int = DEFAULT_INSTITUTION_CAP, limit: int = 500) -> Plan:
    if not actor.has_perm("servicedesk.dispatch"):
        raise PermissionDenied(_("You may not do this."))
    requests = list(waiting_requests()[:limit])
    specs = [matching.spec_for(r) for r in requests]
    result = matching.batch_assign(specs, institution_cap=institution_cap)
    chosen = set(result.assignments.values()) | set(result.greedy_assignments.values())
    experts = Expert.objects.in_bulk(chosen)

    def score(spec, expert_id):
        if expert_id is None:
            return None
        ranking = matching.rank(spec, limit=40)
        return next((m.score for m in ranking.items if m.expert_id == expert_id), None)

    rows = []
    for i, (request, spec) in enumerate(zip(requests, specs, strict=True)):
        best, greedy = result.assignments.get(i), result.greedy_assignments.get(i)
        rows.append(
            PlanRow(
                request=request,
                optimal=experts.get(best),
                optimal_score=score(spec, best),
                greedy=experts.get(greedy),
                greedy_score=score(spec, greedy) if greedy != best else score(spec, best),
            )
        )
    return Plan(
        rows=rows,
        total=result.total_score,
        greedy_total=result.greedy_total,
        seconds=result.seconds,
        solver=result.solver,
        institution_cap=institution_cap,
    )


def send(*, actor, assignments: dict[int, int]) -> int:
    """Send one offer per request as planned (request id → expert id). Each request is handled on its own:
    one that changed meanwhile is skipped, not the whole dispatch."""
    if not actor.has_perm("servicedesk.dispatch"):
        raise PermissionDenied(_("You may not do this."))
    sent = 0
    for request_id, expert_id in assignments.items():
        request = ServiceRequest.objects.filter(pk=request_id, status=Status.ACCEPTED).first()
        expert = Expert.objects.filter(pk=expert_id).first()
        if request is None or expert is None:
            continue
        try:
            with transaction.atomic():
                services.offers_send(actor=actor, request=request, experts=[expert])
        except (ValidationError, PermissionDenied, services.StaleRequest):
            continue  # a request that cannot take the offer now stays for the next dispatch
        sent += 1
    return sent
