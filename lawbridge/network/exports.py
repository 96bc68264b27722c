"""Export of the directory (experts or institutions) as CSV or XLSX, in the columns the import reads.

What a user may see decides which rows are exported (``selectors.visible_experts``); private columns (phone,
email, licence and credential numbers, capacity) are left out unless the user may export them
(``network.export_private``). ``user=None`` is the command line, run by whoever runs the server: everything.
Experts pulled from other cities are not exported: they belong to their own city's directory.
"""

import csv
import io
import sys

from django.db.models import Prefetch, QuerySet

from . import search, selectors
from .choices import EXPERT_FACETS, INSTITUTION_FACETS, CredentialStatus
from .imports import EXPERT_COLUMNS, EXPERTS, INSTITUTION_COLUMNS, INSTITUTIONS
from .models import Credential, Expert, Institution

PRIVATE_EXPERT_COLUMNS = frozenset({"email", "phone", "credential_number", "max_matters"})
PRIVATE_INSTITUTION_COLUMNS = frozenset({"email", "phone", "licence_number"})


def may_export_private(user) -> bool:
    return user is None or user.has_perm("network.export_private")


def _text_and_facets(queryset: QuerySet, q: str, filters, allowed) -> tuple[QuerySet, dict[str, list[str]]]:
    try:
        tokens = search.query_tokens(q)
    except search.QueryError as exc:
        raise selectors.DirectoryError(exc.code, exc.message) from None
    return queryset.filter(selectors._text_filter(tokens)), selectors._check_filters(filters or {}, allowed)


def expert_rows(*, user, q: str = "", filters: dict[str, list[str]] | None = None) -> QuerySet[Expert]:
    """The experts of the filtered directory, as ``selectors.expert_directory`` finds them, without paging."""
    experts = Expert.objects.all() if user is None else selectors.visible_experts(user)
    experts, filters = _text_and_facets(experts.filter(source__isnull=True), q, filters, EXPERT_FACETS)
    for name, values in filters.items():
        experts = experts.filter(selectors._facet_subquery(name, values))
    return (
        experts.select_related("institution")
        .prefetch_related(
            "languages",
            "practice_areas",
            "industries",
            Prefetch("credentials", queryset=Credential.objects.filter(is_external=False).order_by("id")),
        )
        .order_by("name", "id")
    )


def _joined(values) -> str:
    return ";".join(values)


def _primary_credential(expert: Expert) -> Credential | None:
    credentials = list(expert.credentials.all())
    verified = [c for c in credentials if c.status == CredentialStatus.VERIFIED]
    return (verified or credentials or [None])[0]


def _day(value) -> str:
    return value.isoformat() if value else ""


def _number(value) -> str:
    return "" if value is None else str(value)


def expert_record(expert: Expert) -> dict[str, str]:
    credential = _primary_credential(expert)
    return {
        "kind": expert.kind,
        "name": expert.name,
        "name_latin": expert.name_latin,
        "institution_licence": expert.institution.licence_number if expert.institution_id else "",
        "email": expert.email,
        "phone": expert.phone,
        "district": expert.district_code,
        "home_city": expert.home_city,
        "practice_areas": _joined(t.code for t in expert.practice_areas.all()),
        "industries": _joined(t.code for t in expert.industries.all()),
        "jurisdictions": _joined(expert.jurisdictions),
        "languages": _joined(f"{lang.code}:{lang.level}" for lang in expert.languages.all()),
        "years_of_practice": _number(expert.years_of_practice),
        "tier": expert.tier,
        "max_matters": _number(expert.max_matters),
        "availability": expert.availability,
        "fee_min": _number(expert.fee_min),
        "fee_max": _number(expert.fee_max),
        "fee_currency": expert.fee_currency,
        "fee_basis": expert.fee_basis,
        "bio_zh": (expert.bios or {}).get("zh-hans", ""),
        "bio_en": (expert.bios or {}).get("en", ""),
        "shared": "yes" if expert.is_shared else "no",
        "credential_kind": credential.kind if credential else "",
        "credential_issuer": credential.issuer if credential else "",
        "credential_number": credential.number if credential else "",
        "credential_issued": _day(credential.issued_on) if credential else "",
        "credential_expires": _day(credential.expires_on) if credential else "",
    }


def institution_rows(*, user, q: str = "", filters: dict[str, list[str]] | None = None) -> list[Institution]:
    """The institutions of the filtered directory (hundreds: facets are matched in Python, as the selector does)."""
    institutions = (
        Institution.objects.select_related("organisation") if user is None else selectors.visible_institutions(user)
    )
    institutions, filters = _text_and_facets(institutions, q, filters, INSTITUTION_FACETS)
    rows = list(institutions.prefetch_related("practice_areas").order_by("organisation__name", "id"))

    def values_of(inst: Institution, name: str) -> set[str]:
        return {
            "kind": {inst.kind},
            "practice_area": {t.code for t in inst.practice_areas.all()},
            "jurisdiction": set(inst.jurisdictions),
            "language": set(inst.languages),
            "district": {inst.organisation.district_code},
        }[name]

    return [inst for inst in rows if all(values_of(inst, n) & set(v) for n, v in filters.items())]


def institution_record(inst: Institution) -> dict[str, str]:
    org = inst.organisation
    return {
        "kind": inst.kind,
        "name": org.name,
        "name_en": org.name_en,
        "licence_number": inst.licence_number,
        "district": org.district_code,
        "jurisdictions": _joined(inst.jurisdictions),
        "languages": _joined(inst.languages),
        "practice_areas": _joined(t.code for t in inst.practice_areas.all()),
        "address_zh": inst.address_zh,
        "address_en": inst.address_en,
        "phone": inst.phone,
        "email": inst.email,
        "website": inst.website,
    }


def _render(sheet: str, columns: list[str], records, format: str) -> bytes:
    if format == "xlsx":
        from openpyxl import Workbook

        workbook = Workbook(write_only=True)
        worksheet = workbook.create_sheet(sheet)
        worksheet.append(columns)
        for record in records:
            worksheet.append([record[c] for c in columns])
        out = io.BytesIO()
        workbook.save(out)
        return out.getvalue()
    if format != "csv":
        raise ValueError(f"Unknown export format: {format}")
    out = io.StringIO(newline="")
    writer = csv.writer(out)
    writer.writerow(columns)
    for record in records:
        writer.writerow([record[c] for c in columns])
    # With a byte order mark, so that Excel opens it as UTF-8.
    return out.getvalue().encode("utf-8-sig")


def export_experts(*, user, q: str = "", filters: dict[str, list[str]] | None = None, format: str = "csv") -> bytes:
    columns = [c for c in EXPERT_COLUMNS if may_export_private(user) or c not in PRIVATE_EXPERT_COLUMNS]
    experts = expert_rows(user=user, q=q, filters=filters)
    return _render(EXPERTS, columns, (expert_record(e) for e in experts.iterator(chunk_size=1000)), format)


def export_institutions(
    *, user, q: str = "", filters: dict[str, list[str]] | None = None, format: str = "csv"
) -> bytes:
    columns = [c for c in INSTITUTION_COLUMNS if may_export_private(user) or c not in PRIVATE_INSTITUTION_COLUMNS]
    institutions = institution_rows(user=user, q=q, filters=filters)
    return _render(INSTITUTIONS, columns, (institution_record(i) for i in institutions), format)


def parse_filters(pairs: list[str]) -> dict[str, list[str]]:
    """``["language=ja", "language=de", "kind=lawyer"]`` → ``{"language": ["ja", "de"], "kind": ["lawyer"]}``."""
    filters: dict[str, list[str]] = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or not name.strip():
            raise ValueError(f"A filter is facet=value, not {pair!r}")
        filters.setdefault(name.strip(), []).append(value.strip())
    return filters


def cli_export(command, *, what, format, out, q, filter, **_options) -> None:
    from django.core.management.base import CommandError

    try:
        filters = parse_filters(filter)
        export = export_experts if what == EXPERTS else export_institutions
        data = export(user=None, q=q, filters=filters, format=format)
    except (ValueError, selectors.DirectoryError) as exc:
        raise CommandError(str(getattr(exc, "message", exc))) from exc
    if out in ("", "-"):
        if format != "csv":
            raise CommandError("An XLSX export needs --out PATH.")
        command.stdout.write(data.decode("utf-8-sig"), ending="")
        return
    with open(out, "wb") as fh:
        fh.write(data)
    print(f"Wrote {len(data)} bytes to {out}", file=sys.stderr)
