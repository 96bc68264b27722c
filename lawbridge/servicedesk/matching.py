"""The matching engine of the one-stop service desk: rank the talent pool for a request, and assign many requests
at once for the center's daily dispatch.

A ranking runs on the directory's in-memory index (``network.selectors.talent_index``), so scoring thousands of
experts is a handful of numpy operations. Experts first pass hard filters (public profile, credentials in force,
room under their capacity, taking matters, an allowed kind of expert, no conflict of interest); those left are
scored as the sum of named parts, each a value from 0 to 1 times a weight (``PARTS``; the weights add up to 1, so
the score does too). Staff see every part's contribution and why anyone near the top was left out.

Conflict of interest: an institution *acts for* a party when it holds an open matter (a service request, other
than this one, assigned to one of its experts) whose requester is that party. Every expert of an institution
acting for one of the request's named counterparties is excluded, and the exclusion is recorded.

The batch mode solves the dispatch as a linear program with SciPy's HiGHS solver: one 0/1 variable per
(request, candidate expert) arc, maximising the total score under three kinds of row — each request at most once,
each expert at most its remaining capacity (max − open matters), each institution at most ``institution_cap``
requests in the batch. The rows are two nested ("laminar") families — requests on one side, experts inside their
institution on the other — so the matrix is totally unimodular (it is a min-cost flow: source → request →
expert → institution → sink) and the simplex vertex the solver returns is whole: an optimal assignment, not a
rounding. A greedy pass (each request in turn takes its best candidate still free) is computed beside it.
"""

from __future__ import annotations

import re
import time
import unicodedata
from dataclasses import dataclass, field
from datetime import date

import numpy as np
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from .choices import DEFAULT_EXPERT_KINDS, NEED_EXPERT_KINDS, NEED_PRACTICE_AREAS, OPEN_STATUSES

# name, label, weight. The weights add up to 1.
PARTS = (
    ("practice", _("Practice-area fit"), 0.30),
    ("jurisdiction", _("Jurisdiction coverage"), 0.25),
    ("language", _("Language"), 0.15),
    ("industry", _("Industry"), 0.05),
    ("load", _("Room under capacity"), 0.10),
    ("credentials", _("Credentials in force"), 0.05),
    ("rating", _("Past ratings"), 0.05),
    ("response", _("Response time"), 0.05),
)
WEIGHTS = {name: weight for name, _label, weight in PARTS}
# Matching two of the wanted practice areas is a full fit: a need's list is of alternatives, not a checklist.
PRACTICE_FULL_AT = 2
# Credentials valid this long or longer score in full; a licence about to lapse scores less.
CREDENTIAL_FULL_DAYS = 730
# Response time: value 24 / (24 + median hours), so a day scores 0.5. Unmeasured, or unrated: a neutral 0.5.
RESPONSE_HALF_HOURS = 24.0
NEUTRAL = 0.5
# Reasons, in the order an expert failing several is reported under.
REASONS = ("conflict", "credentials", "at_capacity", "unavailable")


@dataclass(frozen=True)
class RequestSpec:
    """What matching needs to know about a request; built from a ServiceRequest (``spec_for``) or generated."""

    practice_areas: tuple[str, ...]
    countries: tuple[str, ...]
    languages: tuple[str, ...]
    industry: str = ""
    expert_kinds: tuple[str, ...] = ("lawyer",)
    counterparties: tuple[str, ...] = ()
    district: str = ""
    request_id: int | None = None  # the request itself is ignored in conflict checks


@dataclass
class Part:
    name: str
    label: str
    weight: float
    value: float  # 0..1
    points: float  # weight * value
    detail: str


@dataclass
class Match:
    expert_id: int
    score: float
    parts: list[Part]
    institution_id: int | None


@dataclass
class Exclusion:
    expert_id: int
    reason: str  # one of REASONS
    detail: str


@dataclass
class Ranking:
    items: list[Match]
    # Conflicts always; capacity, credential and availability exclusions only of experts who would otherwise be
    # in the top ``limit``. ``excluded`` counts every exclusion by reason.
    exclusions: list[Exclusion]
    candidates: int  # experts that passed every hard filter
    seconds: float
    excluded: dict[str, int] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)  # e.g. that no expert of the wanted kinds was found


@dataclass
class BatchResult:
    assignments: dict[int, int]  # spec index → expert id
    total_score: float
    greedy_assignments: dict[int, int]
    greedy_total: float
    unassigned: list[int]  # spec indexes left without an expert by the optimal assignment
    seconds: float
    solver: str


def explain_weights() -> list[tuple[str, str, float]]:
    """The parts of a score and their weights, for the page's legend."""
    return [(name, label, weight) for name, label, weight in PARTS]


def spec_for(request) -> RequestSpec:
    """The matching view of a ``ServiceRequest``."""
    parties = []
    for party in request.counterparties or []:
        if isinstance(party, dict):
            parties += [str(party.get(key) or "") for key in ("name", "name_en")]
        else:
            parties.append(str(party))
    return RequestSpec(
        practice_areas=tuple(NEED_PRACTICE_AREAS.get(request.need, [])),
        countries=tuple(str(c).upper() for c in request.countries or []),
        languages=tuple(str(c).lower() for c in request.languages or []),
        industry=request.industry or "",
        expert_kinds=tuple(NEED_EXPERT_KINDS.get(request.need, DEFAULT_EXPERT_KINDS)),
        counterparties=tuple(p for p in (p.strip() for p in parties) if p),
        district=request.district_code or "",
        request_id=request.pk,
    )


# -- conflicts of interest ---------------------------------------------------------------------------------

_LATIN_FORMS = frozenset(
    {"ltd", "limited", "inc", "incorporated", "llc", "llp", "lp", "plc", "co", "company", "corp", "corporation"}
    | {"gmbh", "ag", "sa", "sarl", "srl", "spa", "bv", "nv", "kk", "pte", "pty", "oy", "ab", "as"}
)
_CJK_FORMS = ("股份有限公司", "有限责任公司", "有限公司", "公司", "株式会社")
_PUNCTUATION = re.compile(r"[^\w]+", re.UNICODE)


def normalise_party(name: str) -> str:
    """A key under which spellings of one company meet: case, width, punctuation and company forms (Ltd,
    Co., GmbH, 有限公司 …) left out. "ACME Trading Co., Ltd." and "acme trading" give the same key."""
    text = unicodedata.normalize("NFKC", name or "").casefold()
    text = re.sub(r"[（(][^）)]*[）)]", " ", text) if re.search(r"[\u4e00-\u9fff]", text) else text
    tokens = [t for t in _PUNCTUATION.split(text.replace("_", " ")) if t]
    while len(tokens) > 1 and tokens[-1] in _LATIN_FORMS:
        tokens.pop()
    key = "".join(tokens)
    changed = True
    while changed:
        changed = False
        for form in _CJK_FORMS:
            if key.endswith(form) and len(key) > len(form):
                key, changed = key[: -len(form)], True
    return key


@dataclass(frozen=True)
class _OpenMatter:
    institution_id: int
    number: str
    request_id: int
    keys: frozenset[str]


def _open_matters() -> list[_OpenMatter]:
    """Open requests assigned to an expert of an institution, with the normalised names of whom they act for."""
    from .models import ServiceRequest

    rows = ServiceRequest.objects.filter(
        status__in=OPEN_STATUSES, assigned_expert__institution__isnull=False
    ).values_list(
        "pk",
        "number",
        "assigned_expert__institution_id",
        "organisation__name",
        "organisation__name_en",
        "requester__full_name",
        "requester__name_latin",
    )
    matters = []
    for pk, number, institution_id, org_name, org_name_en, full_name, name_latin in rows:
        names = (org_name, org_name_en) if org_name or org_name_en else (full_name, name_latin)
        keys = frozenset(k for k in (normalise_party(n) for n in names if n) if k)
        if keys:
            matters.append(_OpenMatter(institution_id, number, pk, keys))
    return matters


def conflicts(spec: RequestSpec, matters: list[_OpenMatter] | None = None) -> dict[int, str]:
    """Institutions acting for one of the spec's counterparties on an open matter: institution id → why."""
    wanted = {}
    for party in spec.counterparties:
        key = normalise_party(party)
        if key:
            wanted.setdefault(key, party)
    if not wanted:
        return {}
    if matters is None:
        matters = _open_matters()
    found: dict[int, str] = {}
    for matter in matters:
        if matter.request_id == spec.request_id or matter.institution_id in found:
            continue
        for key in matter.keys & wanted.keys():
            found[matter.institution_id] = gettext("acts for {party} on {number}").format(
                party=wanted[key], number=matter.number
            )
            break
    return found


# -- what is the same for every request: per-expert values from the index ----------------------------------


@dataclass
class _Pool:
    """The index and the request-independent arrays derived from it, reused until the index or the day changes."""

    index: object
    today: date
    expire_days: np.ndarray  # days of validity left, NaN where no expiry date
    eligible_base: np.ndarray  # public & credentials in force & room & available
    reason: np.ndarray  # per expert: 0 ok, else 1 + position in REASONS[1:] of the first failing filter
    values: dict[str, np.ndarray]  # load, credentials, rating, response values (0..1)
    static_points: np.ndarray  # the weighted sum of those four


_pool_cache: _Pool | None = None


def _expiry_days(index, today: date) -> np.ndarray:
    from lawbridge.network.models import Expert

    days = np.full(index.size, np.nan)
    rows = Expert.objects.filter(credentials_expire_on__isnull=False).values_list("id", "credentials_expire_on")
    pks, left = [], []
    for pk, expires in rows.iterator(chunk_size=20_000):
        pks.append(pk)
        left.append((expires - today).days)
    if pks:
        pks_array = np.asarray(pks, dtype=np.int64)
        where = np.searchsorted(index.ids, pks_array)
        inside = where < index.size
        inside[inside] = index.ids[where[inside]] == pks_array[inside]
        days[where[inside]] = np.asarray(left, dtype=float)[inside]
    return days


def _pool() -> _Pool:
    from lawbridge.network.selectors import talent_index

    global _pool_cache
    index = talent_index()
    today = timezone.localdate()
    cached = _pool_cache
    if cached is not None and cached.index is index and cached.today == today:
        return cached
    room = index.open_matters < index.max_matters
    credentials = index.credentials_ok
    reason = np.zeros(index.size, dtype=np.int8)
    # The first failing filter names the reason: credentials, then capacity, then availability.
    reason[~index.available] = 3
    reason[~room] = 2
    reason[~credentials] = 1
    capacity = np.maximum(index.max_matters, 1).astype(float)
    load = np.clip((index.max_matters - index.open_matters) / capacity, 0.0, 1.0)
    expire_days = _expiry_days(index, today)
    credential_value = np.where(np.isnan(expire_days), 1.0, np.clip(expire_days / CREDENTIAL_FULL_DAYS, 0.0, 1.0))
    credential_value = np.where(credentials, credential_value, 0.0)
    rating_value = np.where(np.isnan(index.rating), NEUTRAL, np.clip(np.nan_to_num(index.rating) / 5.0, 0.0, 1.0))
    hours = np.nan_to_num(index.response_hours, nan=0.0)
    response_value = np.where(
        np.isnan(index.response_hours), NEUTRAL, RESPONSE_HALF_HOURS / (RESPONSE_HALF_HOURS + np.maximum(hours, 0))
    )
    values = {"load": load, "credentials": credential_value, "rating": rating_value, "response": response_value}
    static_points = sum(WEIGHTS[name] * array for name, array in values.items())
    _pool_cache = _Pool(
        index=index,
        today=today,
        expire_days=expire_days,
        eligible_base=index.verified & credentials & room & index.available,
        reason=reason,
        values=values,
        static_points=static_points,
    )
    return _pool_cache


# -- scoring one request ---------------------------------------------------------------------------------


@dataclass
class _Scored:
    positions: np.ndarray  # index positions of the public, unconflicted experts of the allowed kinds
    score: np.ndarray  # their scores
    eligible: np.ndarray  # which of them passed every hard filter
    conflicted: np.ndarray  # index positions excluded for a conflict
    conflicts: dict[int, str]
    notes: list[str]


def _any_of(columns: dict, codes) -> np.ndarray | None:
    found = None
    for code in codes:
        column = columns.get(code)
        if column is not None:
            found = column.copy() if found is None else found | column
    return found


def _fraction(columns: dict, codes, positions: np.ndarray, full_at: int | None = None) -> np.ndarray:
    """Share of ``codes`` each expert at ``positions`` has (1 where nothing is asked)."""
    codes = tuple(dict.fromkeys(codes))
    if not codes:
        return np.ones(len(positions))
    denominator = min(len(codes), full_at) if full_at else len(codes)
    have = np.zeros(len(positions), dtype=np.int16)
    for code in codes:
        column = columns.get(code)
        if column is not None:
            have += column[positions]
    return np.minimum(have / denominator, 1.0)


def _score(spec: RequestSpec, pool: _Pool, matters: list[_OpenMatter] | None = None) -> _Scored:
    index = pool.index
    columns = index.columns
    notes = []
    kinds = _any_of(columns.get("kind", {}), spec.expert_kinds)
    found = conflicts(spec, matters)
    conflicted = np.isin(index.institution, list(found)) if found else np.zeros(index.size, dtype=bool)
    public = index.verified
    if kinds is None or not (kinds & pool.eligible_base & ~conflicted).any():
        if spec.expert_kinds:
            notes.append(
                gettext("No available expert of the kinds wanted ({kinds}); experts of every kind are shown.").format(
                    kinds=", ".join(spec.expert_kinds)
                )
            )
        kinds = np.ones(index.size, dtype=bool)
    in_pool = public & kinds
    positions = np.flatnonzero(in_pool & ~conflicted)
    practice = _fraction(columns.get("practice_area", {}), spec.practice_areas, positions, PRACTICE_FULL_AT)
    jurisdiction = _fraction(columns.get("jurisdiction", {}), [c.upper() for c in spec.countries], positions)
    language = _fraction(columns.get("language", {}), [c.lower() for c in spec.languages], positions)
    industry = _fraction(columns.get("industry", {}), [spec.industry] if spec.industry else [], positions)
    score = (
        WEIGHTS["practice"] * practice
        + WEIGHTS["jurisdiction"] * jurisdiction
        + WEIGHTS["language"] * language
        + WEIGHTS["industry"] * industry
        + pool.static_points[positions]
    )
    return _Scored(
        positions=positions,
        score=score,
        eligible=pool.eligible_base[positions],
        conflicted=np.flatnonzero(in_pool & conflicted),
        conflicts=found,
        notes=notes,
    )


def _order(scored: _Scored, ids: np.ndarray, within: np.ndarray, limit: int) -> np.ndarray:
    """Indexes into ``scored`` arrays of the best ``limit`` of ``within``, best first (ties by expert id)."""
    chosen = np.flatnonzero(within)
    if len(chosen) > limit:
        # Keep every expert tied with the last place, so ties resolve by id whatever argpartition picked.
        cut = np.partition(-scored.score[chosen], limit - 1)[limit - 1]
        chosen = chosen[-scored.score[chosen] <= cut]
    order = np.lexsort((ids[scored.positions[chosen]], -scored.score[chosen]))
    return chosen[order[:limit]]


def _labels(facet: str, codes) -> str:
    from lawbridge.network.selectors import facet_label

    if facet in ("jurisdiction", "language"):
        return ", ".join(codes)
    return ", ".join(str(facet_label(facet, code)) for code in codes)


def _covers(index, facet: str, codes, position: int) -> list[str]:
    columns = index.columns.get(facet, {})
    return [code for code in dict.fromkeys(codes) if code in columns and columns[code][position]]


def _parts(spec: RequestSpec, pool: _Pool, position: int) -> list[Part]:
    index = pool.index
    parts = []

    def add(name: str, value: float, detail: str):
        label = next(label for n, label, _w in PARTS if n == name)
        weight = WEIGHTS[name]
        parts.append(Part(name=name, label=label, weight=weight, value=value, points=weight * value, detail=detail))

    def coverage(name, facet, codes, wanted_text, full_at=None):
        codes = tuple(dict.fromkeys(codes))
        if not codes:
            add(name, 1.0, gettext("none asked for"))
            return
        have = _covers(index, facet, codes, position)
        value = min(len(have) / (min(len(codes), full_at) if full_at else len(codes)), 1.0)
        detail = wanted_text.format(have=len(have), wanted=len(codes))
        if have:
            detail += f" ({_labels(facet, have)})"
        add(name, value, detail)

    coverage(
        "practice",
        "practice_area",
        spec.practice_areas,
        gettext("practises {have} of {wanted} areas"),
        PRACTICE_FULL_AT,
    )
    coverage(
        "jurisdiction",
        "jurisdiction",
        [c.upper() for c in spec.countries],
        gettext("covers {have} of {wanted} countries"),
    )
    coverage(
        "language", "language", [c.lower() for c in spec.languages], gettext("speaks {have} of {wanted} languages")
    )
    if spec.industry:
        column = index.columns.get("industry", {}).get(spec.industry)
        has = column is not None and bool(column[position])
        label = _labels("industry", [spec.industry])
        add(
            "industry",
            1.0 if has else 0.0,
            (gettext("works in {industry}") if has else gettext("not in {industry}")).format(industry=label),
        )
    else:
        add("industry", 1.0, gettext("none asked for"))
    open_, most = int(index.open_matters[position]), int(index.max_matters[position])
    add(
        "load",
        float(pool.values["load"][position]),
        gettext("{open} of {most} matters open").format(open=open_, most=most),
    )
    days = pool.expire_days[position]
    if not index.credentials_ok[position]:
        detail = gettext("not in force")
    elif np.isnan(days):
        detail = gettext("no expiry date")
    else:
        detail = gettext("valid for {months} more months").format(months=int(days // 30))
    add("credentials", float(pool.values["credentials"][position]), detail)
    rating = index.rating[position]
    add(
        "rating",
        float(pool.values["rating"][position]),
        gettext("no ratings yet")
        if np.isnan(rating)
        else gettext("{rating:.1f} of 5 on average").format(rating=rating),
    )
    hours = index.response_hours[position]
    add(
        "response",
        float(pool.values["response"][position]),
        gettext("not measured yet")
        if np.isnan(hours)
        else gettext("answers in {hours:.0f} hours (median)").format(hours=hours),
    )
    return parts


_REASON_TEXT = {
    "credentials": _("credentials not verified, or lapsed"),
    "at_capacity": _("at capacity ({open} of {most} matters open)"),
    "unavailable": _("not taking new matters"),
}


def _exclusion_detail(reason: str, index, position: int) -> str:
    return str(_REASON_TEXT[reason]).format(
        open=int(index.open_matters[position]), most=int(index.max_matters[position])
    )


def rank(spec: RequestSpec, *, limit: int = 20) -> Ranking:
    """The best ``limit`` experts for ``spec``, each with its score broken into parts, and who was left out."""
    started = time.perf_counter()
    pool = _pool()
    index = pool.index
    scored = _score(spec, pool)
    ids = index.ids
    top = _order(scored, ids, scored.eligible, limit)
    items = []
    for i in top:
        position = int(scored.positions[i])
        parts = _parts(spec, pool, position)
        institution = int(index.institution[position])
        items.append(
            Match(
                expert_id=int(ids[position]),
                score=float(sum(part.points for part in parts)),
                parts=parts,
                institution_id=institution or None,
            )
        )
    exclusions = [
        Exclusion(
            expert_id=int(ids[position]),
            reason="conflict",
            detail=scored.conflicts.get(int(index.institution[position]), ""),
        )
        for position in scored.conflicted
    ]
    # Who would be in the top ``limit`` but for a filter on credentials, capacity or availability.
    for i in _order(scored, ids, np.ones(len(scored.positions), dtype=bool), limit):
        if scored.eligible[i]:
            continue
        position = int(scored.positions[i])
        reason = REASONS[int(pool.reason[position])] if pool.reason[position] else "unavailable"
        exclusions.append(
            Exclusion(expert_id=int(ids[position]), reason=reason, detail=_exclusion_detail(reason, index, position))
        )
    failing = pool.reason[scored.positions[~scored.eligible]]
    excluded = {"conflict": len(scored.conflicted)}
    for code, reason in enumerate(REASONS[1:], start=1):
        excluded[reason] = int(np.count_nonzero(failing == code))
    return Ranking(
        items=items,
        exclusions=exclusions,
        candidates=int(np.count_nonzero(scored.eligible)),
        seconds=time.perf_counter() - started,
        excluded=excluded,
        notes=scored.notes,
    )


# -- the daily dispatch ----------------------------------------------------------------------------------


def _greedy(candidates, capacity: dict[int, int], institution_of: dict[int, int], institution_cap: int):
    """Requests in order, each taking its best candidate still free."""
    left = dict(capacity)
    per_institution: dict[int, int] = {}
    assignments, total = {}, 0.0
    for request, options in enumerate(candidates):
        for expert, score in options:  # best first
            institution = institution_of[expert]
            if left[expert] <= 0 or (institution and per_institution.get(institution, 0) >= institution_cap):
                continue
            left[expert] -= 1
            if institution:
                per_institution[institution] = per_institution.get(institution, 0) + 1
            assignments[request] = expert
            total += score
            break
    return assignments, total


def _optimal(candidates, capacity: dict[int, int], institution_of: dict[int, int], institution_cap: int):
    """The assignment of greatest total score, as a linear program (see the module docstring)."""
    from scipy.optimize import linprog, milp
    from scipy.sparse import coo_array, vstack

    arc_request, arc_expert, arc_score = [], [], []
    for request, options in enumerate(candidates):
        for expert, score in options:
            arc_request.append(request)
            arc_expert.append(expert)
            arc_score.append(score)
    arcs = len(arc_score)
    if not arcs:
        return {}, 0.0, "none"
    experts = sorted(capacity)
    expert_row = {expert: row for row, expert in enumerate(experts)}
    institutions = sorted({i for i in institution_of.values() if i})
    institution_row = {institution: row for row, institution in enumerate(institutions)}
    columns = np.arange(arcs)
    ones = np.ones(arcs)
    by_request = coo_array((ones, (np.asarray(arc_request), columns)), shape=(len(candidates), arcs))
    by_expert = coo_array(
        (ones, (np.asarray([expert_row[e] for e in arc_expert]), columns)), shape=(len(experts), arcs)
    )
    with_institution = [k for k, e in enumerate(arc_expert) if institution_of[e]]
    by_institution = coo_array(
        (
            np.ones(len(with_institution)),
            (np.asarray([institution_row[institution_of[arc_expert[k]]] for k in with_institution], dtype=np.int64),
             np.asarray(with_institution, dtype=np.int64)),
        ),
        shape=(len(institutions), arcs),
    )  # fmt: skip
    matrix = vstack([by_request, by_expert, by_institution]).tocsr()
    bounds = np.concatenate(
        [np.ones(len(candidates)), [capacity[e] for e in experts], np.full(len(institutions), institution_cap)]
    )
    cost = -np.asarray(arc_score)
    result = linprog(cost, A_ub=matrix, b_ub=bounds, bounds=(0, 1), method="highs-ds")
    solver = "scipy.optimize.linprog (HiGHS dual simplex; the flow matrix is totally unimodular)"
    x = result.x if result.status == 0 else None
    if x is None or np.abs(x - np.round(x)).max() > 1e-6:
        # Not expected (the vertex is whole), but should the solver stop on a fractional point: solve as an ILP.
        from scipy.optimize import Bounds, LinearConstraint

        result = milp(
            cost,
            constraints=LinearConstraint(matrix, -np.inf, bounds),
            bounds=Bounds(0, 1),
            integrality=np.ones(arcs),
        )
        solver = "scipy.optimize.milp (HiGHS)"
        x = result.x
    chosen = np.flatnonzero(x > 0.5)
    assignments = {arc_request[k]: arc_expert[k] for k in chosen}
    total = float(sum(arc_score[k] for k in chosen))
    return assignments, total, solver


def batch_assign(
    specs: list[RequestSpec], *, institution_cap: int = 20, candidates_per_request: int = 30
) -> BatchResult:
    """Assign each request at most one expert, for the greatest total score, with no expert above its remaining
    capacity and no institution receiving more than ``institution_cap`` of the batch. Each request is offered
    its best ``candidates_per_request`` experts (after the hard filters); the greedy result on the same
    candidates is returned beside the optimal one."""
    started = time.perf_counter()
    pool = _pool()
    index = pool.index
    ids = index.ids
    matters = _open_matters() if any(spec.counterparties for spec in specs) else []
    candidates: list[list[tuple[int, float]]] = []
    capacity: dict[int, int] = {}
    institution_of: dict[int, int] = {}
    for spec in specs:
        scored = _score(spec, pool, matters)
        best = _order(scored, ids, scored.eligible, candidates_per_request)
        positions = scored.positions[best]
        options = list(zip(ids[positions].tolist(), scored.score[best].tolist(), strict=True))
        for position, expert in zip(positions.tolist(), ids[positions].tolist(), strict=True):
            if expert not in capacity:
                capacity[expert] = int(index.max_matters[position] - index.open_matters[position])
                institution_of[expert] = int(index.institution[position])
        candidates.append(options)
    greedy_assignments, greedy_total = _greedy(candidates, capacity, institution_of, institution_cap)
    assignments, total, solver = _optimal(candidates, capacity, institution_of, institution_cap)
    return BatchResult(
        assignments=assignments,
        total_score=total,
        greedy_assignments=greedy_assignments,
        greedy_total=greedy_total,
        unassigned=[i for i in range(len(specs)) if i not in assignments],
        seconds=time.perf_counter() - started,
        solver=solver,
    )
