"""The talent pool at scale: 50,000 experts generated in bulk, directory searches with facets, a 10,000-row import.

Targets: a two-facet directory search (with its facet counts) at p95 <= 100 ms; an import of 10,000 experts in
<= 60 s. The generated rows carry the same search text and facet rows the services would write (the same helpers
compute them), so the figures are those of a real directory of that size.
"""

import csv
import random
import statistics
import tempfile
import time
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

EXPERTS = 50_000
SEARCHES = 320
IMPORT_ROWS = 10_000
SEED = 2026
KIND_WEIGHTS = {
    "lawyer": 60,
    "arbitrator": 8,
    "mediator": 8,
    "notary": 4,
    "appraiser": 4,
    "foreign_law_expert": 9,
    "translator": 7,
}
DISTRICT_WEIGHTS = {"330102": 14, "330105": 10, "330106": 16, "330108": 14, "330109": 9, "330110": 12, "330111": 4,
                    "330112": 3, "330113": 5, "330114": 8, "330122": 2, "330127": 1, "330182": 2}  # fmt: skip
OTHER_CITIES = ["shanghai", "nanjing", "suzhou", "ningbo", "hefei", "wuxi", "jiaxing", "shaoxing"]


def _ms(seconds: list[float]) -> str:
    ordered = sorted(seconds)
    q = statistics.quantiles(ordered, n=100) if len(ordered) > 1 else ordered * 99

    def at(p):
        return q[p - 1] * 1000

    return (
        f"n={len(ordered):<4} p50 {at(50):7.1f} ms   p95 {at(95):7.1f} ms   p99 {at(99):7.1f} ms   "
        f"max {ordered[-1] * 1000:7.1f} ms"
    )


# -- (a) generation ----------------------------------------------------------------------------------------


def _institutions(rng: random.Random) -> list:
    """Sixty law firms, arbitration bodies, mediation centres… through the services (the slow, real path)."""
    from lawbridge.network import services
    from lawbridge.network.demo import _licence

    kinds = ["law_firm"] * 40 + ["arbitration"] * 4 + ["mediation"] * 5 + ["notary"] * 4 + ["appraisal"] * 3
    kinds += ["ascertainment"] * 4
    districts = list(DISTRICT_WEIGHTS)
    made = []
    for n, kind in enumerate(kinds, start=1):
        institution = services.institution_apply(
            actor=None,
            kind=kind,
            name=f"浙江基准{n}号{'律师事务所' if kind == 'law_firm' else '法律服务机构'}",
            name_en=f"Zhejiang Benchmark No. {n} {'Law Firm' if kind == 'law_firm' else 'Legal Services'}",
            district_code=rng.choice(districts),
            licence_number=_licence(kind, 1000 + n),
            slug=f"bench-{kind}-{n}",
        )
        made.append(services.institution_review(actor=None, institution=institution, approve=True))
    return made


def _profile(rng: random.Random, names, today: date) -> dict:
    """One expert's values, spread as in the demo: mostly Hangzhou lawyers with a foreign focus."""
    from lawbridge.network import demo

    kind = rng.choices(list(KIND_WEIGHTS), weights=list(KIND_WEIGHTS.values()))[0]
    focus = demo._pick_focus(rng)
    languages = demo._chinese_languages(rng, focus)
    home = "hangzhou" if rng.random() < 0.95 else rng.choice(OTHER_CITIES)
    return {
        "kind": kind,
        "name": names[0] + rng.choice(demo.GIVEN),
        "home_city": home,
        "district_code": rng.choices(list(DISTRICT_WEIGHTS), weights=list(DISTRICT_WEIGHTS.values()))[0]
        if home == "hangzhou"
        else "",
        "jurisdictions": sorted({"CN", *focus}),
        "languages": languages,
        "practice_areas": demo._practice(rng, kind, focus),
        "industries": demo._pick_industries(rng),
        "years": rng.randint(1, 35),
        "tier": rng.choices(["standard", "city_pool", "provincial_pool", "national_pool"], [70, 17, 9, 4])[0],
        "expires": today + timedelta(days=rng.randint(-20, 1500)),
    }


def generate(n: int = EXPERTS) -> float:
    """Bulk-create ``n`` verified experts with languages, practice areas, industries, a credential and facet rows."""
    from django.db import transaction
    from pypinyin import lazy_pinyin

    from lawbridge.network import demo, services
    from lawbridge.network.models import Credential, Expert, ExpertFacet, ExpertLanguage, Term

    rng = random.Random(SEED)
    today = date.today()
    institutions = _institutions(rng)
    terms = {(t.vocabulary, t.code): t.pk for t in Term.objects.all()}
    surnames = [(s, lazy_pinyin(s)[0].capitalize()) for s in demo.SURNAMES]
    given_latin = {g: "".join(lazy_pinyin(g)).capitalize() for g in demo.GIVEN}
    started = time.perf_counter()
    batch = 5000
    with transaction.atomic():
        for offset in range(0, n, batch):
            profiles, experts = [], []
            for i in range(offset, min(n, offset + batch)):
                surname, surname_latin = rng.choice(surnames)
                profile = _profile(rng, (surname, i), today)
                given = profile["name"][len(surname) :]
                institution = rng.choice(institutions) if rng.random() < 0.85 else None
                expert = Expert(
                    kind=profile["kind"],
                    name=profile["name"],
                    name_latin=f"{surname_latin} {given_latin[given]}",
                    institution=institution,
                    email=f"bench{i}@experts.example",
                    district_code=profile["district_code"],
                    home_city=profile["home_city"],
                    jurisdictions=profile["jurisdictions"],
                    years_of_practice=profile["years"],
                    tier=profile["tier"],
                    max_matters=10,
                    open_matters=rng.randint(0, 10),
                    fee_min=Decimal(800),
                    fee_max=Decimal(rng.randrange(1500, 5001, 100)),
                    bios={
                        "zh-hans": f"{profile['name']}，执业{profile['years']}年。",
                        "en": f"{profile['years']} years.",
                    },
                    is_shared=rng.random() < 0.3,
                    status="verified",
                    credentials_ok=profile["expires"] >= today,
                    credentials_expire_on=profile["expires"],
                )
                expert.search_text = services.expert_search_text(expert, [])
                profiles.append(profile)
                experts.append(expert)
            Expert.objects.bulk_create(experts, batch_size=1000)
            languages, practice, industry, credentials, facets = [], [], [], [], []
            practice_through = Expert.practice_areas.through
            industry_through = Expert.industries.through
            for i, (expert, profile) in enumerate(zip(experts, profiles, strict=True), start=offset):
                languages += [ExpertLanguage(expert=expert, code=c, level=lv) for c, lv in profile["languages"]]
                practice += [
                    practice_through(expert_id=expert.pk, term_id=terms[("practice_area", c)])
                    for c in profile["practice_areas"]
                ]
                industry += [
                    industry_through(expert_id=expert.pk, term_id=terms[("industry", c)]) for c in profile["industries"]
                ]
                credentials.append(
                    Credential(
                        expert=expert,
                        kind="practising_licence",
                        issuer="浙江省司法厅",
                        number=f"B{i:016d}",
                        issued_on=date(today.year - profile["years"], 1, 1),
                        expires_on=profile["expires"],
                        status="verified",
                    )
                )
                rows = services.facet_rows(
                    expert, profile["practice_areas"], profile["industries"], [c for c, _lv in profile["languages"]]
                )
                facets += [ExpertFacet(expert=expert, facet=f, value=v) for f, v in rows]
            ExpertLanguage.objects.bulk_create(languages, batch_size=2000)
            practice_through.objects.bulk_create(practice, batch_size=2000)
            industry_through.objects.bulk_create(industry, batch_size=2000)
            Credential.objects.bulk_create(credentials, batch_size=2000)
            ExpertFacet.objects.bulk_create(facets, batch_size=5000)
    elapsed = time.perf_counter() - started
    from django.db import connection

    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")  # as a real database would have statistics
    return elapsed


# -- (b) directory searches --------------------------------------------------------------------------------


def _queries(rng: random.Random) -> list[tuple[str, dict]]:
    """Realistic two-facet searches, some with a name typed as well."""
    from lawbridge.network import demo

    areas = demo.PRACTICE_BY_KIND["lawyer"] + ["international-arbitration", "commercial-mediation"]
    industries = demo.INDUSTRIES_STRATEGIC + demo.INDUSTRIES_OTHER
    countries = [c for group in demo.REGIONS.values() for c in group]
    districts = list(DISTRICT_WEIGHTS)
    languages = ["ja", "ko", "de", "fr", "ru", "es", "ar", "en", "vi", "th"]
    kinds = list(KIND_WEIGHTS)
    makers = [
        lambda: {"language": [rng.choice(languages)], "practice_area": [rng.choice(areas)]},
        lambda: {"kind": ["lawyer"], "district": [rng.choice(districts)]},
        lambda: {"jurisdiction": [rng.choice(countries)], "practice_area": [rng.choice(areas)]},
        lambda: {"language": [rng.choice(languages)], "district": [rng.choice(districts)]},
        lambda: {"industry": [rng.choice(industries)], "practice_area": [rng.choice(areas)]},
        lambda: {"kind": [rng.choice(kinds)], "jurisdiction": [rng.choice(countries)]},
        lambda: {"city": [rng.choice(OTHER_CITIES)], "kind": ["lawyer"]},
    ]
    texts = ["wang", "zhang wei", "李", "chen", "lx", "liu", "benchmark 12", "zhou"]
    queries = []
    for _ in range(SEARCHES):
        q = rng.choice(texts) if rng.random() < 0.2 else ""
        queries.append((q, rng.choice(makers)()))
    return queries


def _timed(fn) -> float:
    started = time.perf_counter()
    fn()
    return time.perf_counter() - started


def searches() -> list[float]:
    from django.contrib.auth.models import AnonymousUser

    from lawbridge.network import directory, selectors

    rng = random.Random(SEED + 1)
    visitor = AnonymousUser()
    queries = _queries(rng)
    directory.forget()
    index = directory.get()
    print(
        f"   in-memory facet index: built in {index.seconds:.2f} s for {index.size:,} experts "
        f"({sum(len(v) for v in index.columns.values())} facet columns)"
    )
    for q, filters in queries[:10]:  # warm up caches (taxonomy labels, Babel names, the SQLite page cache)
        selectors.expert_directory(user=visitor, q=q, filters=filters)
    two_facet = [_timed(lambda q=q, f=f: selectors.expert_directory(user=visitor, q=q, filters=f)) for q, f in queries]
    print(f"   directory, two facets (+20% with text)  {_ms(two_facet)}")
    plain = [_timed(lambda: selectors.expert_directory(user=visitor)) for _ in range(30)]
    print(f"   directory, no filter (anonymous)        {_ms(plain)}")
    text = [
        _timed(lambda t=t: selectors.expert_directory(user=visitor, q=t))
        for t in ["wang", "zhangwei", "zw", "li na", "chen", "benchmark", "刘", "zhou jie"] * 6
    ]
    print(f"   directory, free text only               {_ms(text)}")
    from lawbridge.network import services
    from lawbridge.network.models import Expert

    for expert in Expert.objects.order_by("?")[:5]:
        services.expert_refresh(expert)  # staff edited five profiles
    started = time.perf_counter()
    patched = directory.get()
    print(
        f"   after 5 profiles changed: index patched in {time.perf_counter() - started:.3f} s "
        f"({patched.patched} experts re-read, not rebuilt)"
    )
    return two_facet


def explain() -> None:
    """Where a slow two-facet search spends its time: the plans of its queries, and their durations."""
    from django.contrib.auth.models import AnonymousUser
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from lawbridge.network import selectors

    filters = {"language": ["ja"], "practice_area": ["international-contracts"]}
    with CaptureQueriesContext(connection) as captured:
        started = time.perf_counter()
        selectors.expert_directory(user=AnonymousUser(), filters=filters)
        total = time.perf_counter() - started
    print(f"   -- breakdown of language=ja + practice_area=international-contracts ({total * 1000:.1f} ms):")
    with connection.cursor() as cursor:
        for query in captured.captured_queries:
            sql = query["sql"]
            started = time.perf_counter()
            cursor.execute(sql)
            cursor.fetchall()
            took = (time.perf_counter() - started) * 1000
            print(f"   {took:7.1f} ms  {sql[:150]}")
            if connection.vendor == "sqlite" and took > 5:
                cursor.execute("EXPLAIN QUERY PLAN " + sql)
                for row in cursor.fetchall():
                    print(f"             plan: {row[-1]}")


# -- (c) import --------------------------------------------------------------------------------------------

IMPORT_HEADER = [
    "kind", "name", "name_latin", "institution_licence", "email", "phone", "district", "home_city",
    "practice_areas", "industries", "jurisdictions", "languages", "years_of_practice", "tier", "max_matters",
    "availability", "fee_min", "fee_max", "fee_currency", "fee_basis", "bio_zh", "bio_en", "shared",
    "credential_kind", "credential_issuer", "credential_number", "credential_issued", "credential_expires",
]  # fmt: skip
CREDENTIAL_OF_KIND = {
    "lawyer": ("practising_licence", "浙江省司法厅"),
    "arbitrator": ("arbitrator_appointment", "杭州国际仲裁院"),
    "mediator": ("mediator_certificate", "杭州国际商事调解中心"),
    "notary": ("notary_licence", "浙江省司法厅"),
    "appraiser": ("appraiser_licence", "浙江省司法厅"),
    "foreign_law_expert": ("academic", "钱塘大学法学院"),
    "translator": ("translator_certificate", "中国外文局翻译专业资格考评中心"),
}


def write_import_csv(path: Path, rows: int = IMPORT_ROWS) -> None:
    """A valid file in the documented format (docs/import-format.md), as a justice bureau would export it."""
    from pypinyin import lazy_pinyin

    from lawbridge.network import demo
    from lawbridge.network.models import Institution

    rng = random.Random(SEED + 2)
    today = date.today()
    licences = list(Institution.objects.exclude(licence_number="").values_list("licence_number", flat=True))
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(IMPORT_HEADER)
        for i in range(rows):
            surname = rng.choice(demo.SURNAMES)
            profile = _profile(rng, (surname, i), today)
            name = profile["name"]
            latin = " ".join(part.capitalize() for part in (lazy_pinyin(surname)[0], "".join(lazy_pinyin(name[1:]))))
            kind = profile["kind"]
            credential_kind, issuer = CREDENTIAL_OF_KIND[kind]
            fee_min = rng.randrange(800, 3600, 100)
            issued = date(today.year - profile["years"], rng.randint(1, 12), rng.randint(1, 28))
            writer.writerow(
                [
                    kind,
                    name,
                    latin,
                    rng.choice(licences) if rng.random() < 0.8 else "",
                    f"import{i}@experts.example",
                    f"0571-8{rng.randint(0, 9_999_999):07d}",
                    profile["district_code"],
                    profile["home_city"],
                    ";".join(profile["practice_areas"]),
                    ";".join(profile["industries"]),
                    ";".join(profile["jurisdictions"]),
                    ";".join(f"{c}:{lv}" for c, lv in profile["languages"]),
                    profile["years"],
                    profile["tier"],
                    rng.choice([5, 8, 10, 12, 15]),
                    rng.choices(["available", "limited", "unavailable"], [75, 18, 7])[0],
                    fee_min,
                    min(5000, fee_min + rng.randrange(500, 2100, 100)),
                    "CNY",
                    "hourly",
                    f"{name}，执业{profile['years']}年，主要从事涉外商事业务。",
                    f"{latin}: {profile['years']} years of foreign-related practice.",
                    "yes" if rng.random() < 0.3 else "no",
                    credential_kind,
                    issuer,
                    f"I{i:016d}",
                    issued.isoformat(),
                    (today + timedelta(days=rng.randint(30, 1500))).isoformat(),
                ]
            )


def import_benchmark() -> None:
    try:
        from lawbridge.network import imports
    except ImportError:
        print("   import benchmark skipped: lawbridge.network.imports not available")
        return
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "experts.csv"
        started = time.perf_counter()
        write_import_csv(path)
        print(f"   wrote a {IMPORT_ROWS:,}-row CSV in {time.perf_counter() - started:.1f} s")
        for label, fn in [("check", imports.check), ("commit", imports.commit)]:
            started = time.perf_counter()
            report = fn(path, actor=None)
            took = time.perf_counter() - started
            errors = report.errors[:3]
            print(
                f"   import {label:<6} {IMPORT_ROWS:,} rows   {took:6.1f} s   {IMPORT_ROWS / took:8.0f} rows/s   "
                f"ok={report.ok} counts={dict(report.counts)}" + (f" first errors={errors}" if errors else "")
            )


def run() -> None:
    from lawbridge.network.models import Expert

    took = generate()
    print(f"   generated {Expert.objects.count():,} experts (bulk) in {took:.1f} s")
    two_facet = searches()
    p95 = statistics.quantiles(sorted(two_facet), n=100)[94] * 1000
    print(f"   two-facet p95 {p95:.1f} ms (target <= 100 ms): {'met' if p95 <= 100 else 'MISSED'}")
    if p95 > 100:
        explain()
    import_benchmark()
