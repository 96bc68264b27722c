"""Demo service requests in every stage and state, across districts, so the queues, the match tables and the
request pages show real work after ``make run``. Idempotent: a request is known by its requester and title.

Everything goes through the services, as staff and providers would do it.
"""

from datetime import timedelta

from django.utils import timezone

from lawbridge.accounts.models import Organisation, User
from lawbridge.network.models import Expert
from lawbridge.network.selectors import matchable_experts

from . import services
from .models import ServiceRequest

# (requester email, title, description, need, countries, languages, district, urgency, amount, days to deadline,
#  counterparties, how far it goes)
REQUESTS = [
    ("individual@lawbridge.example", "Employment contract with a Hangzhou start-up",
     "I am a German engineer offered a job in Binjiang. The contract is in Chinese; I need to understand the "
     "non-compete clause and how my work and residence permits depend on the employer.",
     "contract_review", ["CN", "DE"], ["en", "de"], "330108", "normal", None, 20, [], "submitted"),
    ("enterprise.admin@lawbridge.example", "Amazon store frozen after a US TRO (Schedule A)",
     "Our Amazon US store was frozen yesterday. The notice cites a case in the Northern District of Illinois, "
     "a design patent on a phone stand. About USD 180,000 is held. We need US counsel before the hearing.",
     "asset_freeze", ["US"], ["zh", "en"], "330110", "critical", 1300000, 6, ["Zhongshan Gadgets Inc."], "offered"),
    ("enterprise.member@lawbridge.example", "Distribution agreement with a Japanese trading house",
     "We are negotiating an exclusive distribution agreement for Japan. The draft is under Japanese law with "
     "arbitration in Tokyo. We want a review of exclusivity, minimum purchase and termination.",
     "contract_review", ["JP"], ["zh", "ja"], "330110", "normal", 5000000, 30, ["Sakura Trading Co., Ltd."],
     "assigned"),
    ("enterprise.admin@lawbridge.example", "Customs seizure of lithium batteries in Rotterdam",
     "Dutch customs detained a container of our battery packs, claiming missing UN38.3 documents and a "
     "trademark complaint. We need advice on release and on the trademark claim.",
     "customs_seizure", ["NL", "DE"], ["zh", "en"], "330110", "urgent", 2400000, 10, ["VoltMark B.V."],
     "accepted"),
    ("individual@lawbridge.example", "Apostille for a degree certificate",
     "I need my Chinese master's degree certificate notarized and legalised for use in Germany.",
     "notarization", ["DE"], ["en"], "330106", "normal", None, 40, [], "closed"),
    ("enterprise.member@lawbridge.example", "Export control screening for a Russian buyer",
     "A new customer in Kazan wants industrial controllers. We need to know whether EU/US export controls or "
     "sanctions apply and what due diligence to keep on file.",
     "compliance_check", ["RU", "US"], ["zh", "ru"], "330110", "urgent", 800000, 14, ["Kazan Automatika LLC"],
     "info_requested"),
    ("enterprise.admin@lawbridge.example", "Unpaid invoices from a Vietnamese customer",
     "A customer in Ho Chi Minh City has not paid three invoices (USD 95,000). The contract names CIETAC "
     "arbitration. We would try mediation first.",
     "mediation", ["VN"], ["zh", "vi"], "330110", "normal", 650000, 45, ["Saigon Home Retail JSC"], "escalated"),
    ("individual@lawbridge.example", "Deposit withheld by a landlord",
     "My landlord keeps my deposit of 12,000 yuan after I moved out. This is a local matter, I think.",
     "legal_aid", ["CN"], ["en"], "330102", "normal", 12000, None, [], "referred_out"),
    ("enterprise.member@lawbridge.example", "Market entry in Saudi Arabia for EV chargers",
     "We plan a joint venture in Riyadh to assemble EV chargers. Which licences, foreign ownership limits and "
     "local content rules apply?",
     "market_entry", ["SA", "AE"], ["zh", "ar", "en"], "330108", "normal", None, 60, [], "submitted"),
    ("enterprise.admin@lawbridge.example", "Amazon store frozen (sent twice)",
     "Same as our request about the frozen Amazon store; filed again by mistake.",
     "asset_freeze", ["US"], ["zh"], "330110", "critical", None, 6, [], "merged"),
]  # fmt: skip


def _staff(role: str, district: str = "") -> User | None:
    users = User.objects.filter(memberships__role=role, memberships__is_active=True, email__endswith=".example")
    if district:
        users = users.filter(memberships__organisation__district_code=district)
    return users.order_by("id").first()


def _point(district: str) -> Organisation:
    from lawbridge.accounts.selectors import service_point_for_district

    return service_point_for_district(district)


def _experts_for(request, n: int) -> list[Expert]:
    """A few experts of the right kind who know a country of the request and speak its language (loosening those
    two if nobody does: a notary need not know German law to notarize a certificate for Germany)."""
    from .choices import DEFAULT_EXPERT_KINDS, NEED_EXPERT_KINDS

    kinds = NEED_EXPERT_KINDS.get(request.need, DEFAULT_EXPERT_KINDS)
    pool = matchable_experts().filter(kind__in=kinds).exclude(user__isnull=False)
    spoken = [lang for lang in request.languages if lang != "zh"] or ["en"]
    for candidates in (
        pool.filter(facets__facet="jurisdiction", facets__value__in=request.countries).filter(
            languages__code__in=spoken
        ),
        pool.filter(languages__code__in=spoken),
        pool,
    ):
        found = list(candidates.distinct().order_by("-tier", "name")[:n])
        if found:
            return found
    return []


def build(data, report) -> None:
    if not User.objects.filter(email="individual@lawbridge.example").exists():
        return  # the accounts demo did not run
    center_officer = _staff("center_staff")
    lawyer_user = User.objects.filter(email="lawyer@lawbridge.example").first()
    lawyer = Expert.objects.filter(user=lawyer_user).first() if lawyer_user else None
    today = timezone.localdate()
    first_freeze = None
    for email, title, text, need, countries, languages, district, urgency, amount, days, parties, goal in REQUESTS:
        requester = User.objects.get(email=email)
        existing = ServiceRequest.objects.filter(requester=requester, title=title).first()
        if existing:
            if need == "asset_freeze" and first_freeze is None:
                first_freeze = existing
            continue
        organisation = requester.memberships.filter(organisation__kind="enterprise").first()
        request = services.request_create(
            requester=requester,
            organisation=organisation.organisation if organisation else None,
            title=title,
            description=text,
            need=need,
            countries=countries,
            languages=languages,
            district_code=district,
            urgency=urgency,
            amount=amount,
            currency="CNY",
            deadline=today + timedelta(days=days) if days else None,
            counterparties=parties,
        )
        report.count("service requests", True)
        if need == "asset_freeze" and first_freeze is None:
            first_freeze = request
        officer = _staff("subcenter_staff", district) or center_officer
        if goal == "submitted":
            continue
        if goal == "merged" and first_freeze is not None:
            services.request_merge(actor=None, request=request, into=first_freeze)
            continue
        if goal == "referred_out":
            services.request_refer_out(
                actor=None,
                request=request,
                reason="A purely domestic tenancy dispute: the district's public legal service center and the "
                "people's mediation committee of your neighbourhood handle it free of charge.",
            )
            continue
        if goal == "escalated":
            services.request_escalate(
                actor=None, request=request, reason="Counterparty abroad and amount above the district's remit."
            )
            continue
        if goal == "info_requested":
            services.request_ask_information(
                actor=None,
                request=request,
                question="Please upload the purchase order and the end-user statement the buyer signed.",
            )
            continue
        services.request_accept(actor=officer, request=request)
        if goal == "accepted":
            continue
        experts = _experts_for(request, 3)
        if goal in ("assigned", "closed") and lawyer is not None and goal == "assigned":
            experts = [lawyer, *experts][:3]
        if not experts:
            continue
        offers = services.offers_send(actor=None, request=request, experts=experts)
        if goal == "offered":
            continue
        chosen = offers[0]
        services.offer_accept(actor=None, offer=chosen)
        if goal == "closed":
            request.refresh_from_db()
            services.request_close(
                actor=None if chosen.expert.user_id is None else chosen.expert.user,
                request=request,
                outcome="Certificate notarized in Chinese and English; apostille issued by the Zhejiang Foreign "
                "Affairs Office; delivered in 6 working days.",
            )
            request.refresh_from_db()
            services.request_rate(actor=requester, request=request, rating=5, comment="Fast and clear, thank you.")
    build_collaboration(report)


def build_collaboration(report) -> None:
    """A case conference and a coordination task on the frozen-store request, so those pages show real work."""
    from . import conferences, coordination
    from .models import Conference

    freeze = ServiceRequest.objects.filter(title__startswith="Amazon store frozen after").first()
    officer = _staff("center_staff")
    if freeze is None or officer is None or Conference.objects.filter(request=freeze).exists():
        return
    people = [
        (User.objects.filter(email=email).first(), capacity)
        for email, capacity in (
            ("lawyer@lawbridge.example", "US litigation counsel"),
            ("government@lawbridge.example", "Commerce bureau, foreign trade division"),
            ("foreignlaw@lawbridge.example", "Foreign-law expert (US)"),
        )
    ]
    conference = conferences.conference_convene(
        actor=officer,
        request=freeze,
        title="Response to the Schedule A TRO (N.D. Ill.)",
        agenda="1. Appear and move to dissolve or modify the asset restraint?\n2. Settlement range with the "
        "plaintiff's counsel.\n3. Other Hangzhou sellers named in the same schedule.",
        scheduled_at=timezone.now() + timedelta(days=1),
        place="Center meeting room 2 / video link",
        participants=[(user, capacity) for user, capacity in people if user is not None],
    )
    conferences.opinion_save(
        actor=officer,
        conference=conference,
        text="Engage US counsel today; file an appearance before the preliminary-injunction hearing; ask the court "
        "to limit the restraint to profits from the accused product. Commerce bureau to check whether other "
        "Hangzhou sellers are named.",
    )
    report.count("case conferences", True)
    commerce = Organisation.objects.filter(slug="demo-commerce-bureau").first()
    if commerce is not None:
        coordination.task_assign(
            actor=officer,
            request=freeze,
            assignee=commerce,
            title="Find other Hangzhou sellers in the same Schedule A",
            details="Cross-check the defendant store list with the cross-border e-commerce registry.",
            due_on=timezone.localdate() + timedelta(days=3),
            public_note="The commerce bureau is checking whether other local sellers are affected.",
        )
        report.count("coordination tasks", True)
