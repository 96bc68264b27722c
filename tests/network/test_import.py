"""Bulk import: good files in every encoding and format, a report (not a partial import) for every kind of bad
input, updates on re-import, the bulk path's index equal to ``expert_refresh``'s, and the command line."""

import csv
import io
import json
from datetime import date

import pytest
from auditlog.models import LogEntry
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.core.management.base import CommandError
from openpyxl import Workbook

from lawbridge.accounts.choices import Role
from lawbridge.network import imports, services
from lawbridge.network.choices import CredentialStatus, ReviewStatus
from lawbridge.network.models import Credential, Expert, ExpertFacet, Institution
from tests.factories import make_expert, make_institution, make_user

pytestmark = pytest.mark.django_db

INSTITUTION_HEADER = list(imports.INSTITUTION_COLUMNS)
EXPERT_HEADER = list(imports.EXPERT_COLUMNS)


def institution_row(n: int = 1, **values) -> dict:
    row = {
        "kind": "law_firm",
        "name": f"导入律师事务所{n}",
        "name_en": f"Import Law Firm {n}",
        "licence_number": f"LIC-{n:04d}",
        "district": "330106",
        "jurisdictions": "CN;JP",
        "languages": "zh;ja",
        "practice_areas": "maritime;antitrust",
        "address_zh": "杭州市西湖区",
        "address_en": "Xihu, Hangzhou",
        "phone": "0571-88888888",
        "email": f"firm{n}@example.org",
        "website": f"https://firm{n}.example.org",
    }
    row.update(values)
    return row


def expert_row(n: int = 1, **values) -> dict:
    row = {
        "kind": "lawyer",
        "name": f"王导入{n}",
        "name_latin": f"Wang Import {n}",
        "institution_licence": "",
        "email": f"expert{n}@example.org",
        "phone": "13800000000",
        "district": "330108",
        "home_city": "hangzhou",
        "practice_areas": "international-trade;maritime",
        "industries": "new-energy",
        "jurisdictions": "CN;us",
        "languages": "ja:fluent;en:native;de",
        "years_of_practice": "12",
        "tier": "city_pool",
        "max_matters": "8",
        "availability": "available",
        "fee_min": "800",
        "fee_max": "2500.50",
        "fee_currency": "CNY",
        "fee_basis": "hourly",
        "bio_zh": "专长于国际贸易。",
        "bio_en": "International trade.",
        "shared": "是",
        "credential_kind": "practising_licence",
        "credential_issuer": "浙江省司法厅",
        "credential_number": f"CRED-{n:06d}",
        "credential_issued": "2015-03-01",
        "credential_expires": "2035-02-28",
    }
    row.update(values)
    return row


def write_csv(path, rows: list[dict], header: list[str] | None = None, encoding: str = "utf-8", blank_after=()):
    header = header or list(rows[0])
    out = io.StringIO(newline="")
    writer = csv.writer(out)
    writer.writerow(header)
    for i, row in enumerate(rows):
        writer.writerow([row.get(column, "") for column in header])
        if i in blank_after:
            writer.writerow([])
    path.write_bytes(out.getvalue().encode(encoding))
    return path


def write_xlsx(path, sheets: dict[str, list[dict]]):
    workbook = Workbook()
    workbook.remove(workbook.active)
    for name, rows in sheets.items():
        sheet = workbook.create_sheet(name)
        header = list(rows[0])
        sheet.append(header)
        for row in rows:
            sheet.append([row[c] for c in header])
    workbook.save(path)
    return path


def counts() -> tuple[int, int, int]:
    return Institution.objects.count(), Expert.objects.count(), Credential.objects.count()


def index_of(expert: Expert) -> tuple:
    expert.refresh_from_db()
    return (
        expert.search_text,
        expert.credentials_ok,
        expert.credentials_expire_on,
        sorted(expert.facets.values_list("facet", "value")),
    )


# -- good files --------------------------------------------------------------------------------------------


def test_csv_of_institutions_then_experts_is_imported_verified(tmp_path):
    staff = make_user(Role.CENTER_STAFF)
    institutions = write_csv(tmp_path / "firms.csv", [institution_row(1), institution_row(2)])
    report = imports.commit(institutions, actor=staff)
    assert report.ok and report.committed, report.errors
    assert report.counts["institutions_created"] == 2
    firm = Institution.objects.get(licence_number="LIC-0001")
    assert firm.status == ReviewStatus.VERIFIED
    assert firm.organisation.name_en == "Import Law Firm 1" and firm.organisation.district_code == "330106"
    assert firm.jurisdictions == ["CN", "JP"] and firm.languages == ["zh", "ja"]
    assert sorted(firm.practice_areas.values_list("code", flat=True)) == ["antitrust", "maritime"]

    experts = write_csv(
        tmp_path / "experts.csv", [expert_row(1, institution_licence="LIC-0001"), expert_row(2, fee_min="")]
    )
    report = imports.commit(experts, actor=staff)
    assert report.ok, report.errors
    assert report.counts == {
        "institutions_created": 0,
        "institutions_updated": 0,
        "experts_created": 2,
        "experts_updated": 0,
    }
    assert report.rows == 2 and report.encoding == "utf-8"
    expert = Expert.objects.get(name="王导入1")
    assert expert.institution == firm
    assert expert.status == ReviewStatus.VERIFIED and expert.credentials_ok
    assert expert.reviewed_by == staff
    assert expert.jurisdictions == ["CN", "US"]
    assert dict(expert.languages.values_list("code", "level")) == {"ja": "fluent", "en": "native", "de": "working"}
    assert expert.is_shared and expert.was_shared
    assert expert.bios == {"zh-hans": "专长于国际贸易。", "en": "International trade."}
    assert str(expert.fee_max) == "2500.50" and expert.max_matters == 8 and expert.tier == "city_pool"
    credential = expert.credentials.get()
    assert credential.status == CredentialStatus.VERIFIED and credential.verified_by == staff
    assert credential.expires_on == date(2035, 2, 28)
    assert Expert.objects.get(name="王导入2").fee_min is None
    # The search finds them by pinyin and by the institution's name.
    assert "wangdaoru" in expert.search_text and "import law firm 1" in expert.search_text


def test_gbk_csv_with_chinese_headers(tmp_path):
    aliases = {v: k for k, v in imports.ALIASES.items()}  # one Chinese name per column
    rows = [{aliases.get(k, k): v for k, v in expert_row(1).items()}]
    path = write_csv(tmp_path / "gbk.csv", rows, encoding="gbk")
    with pytest.raises(UnicodeDecodeError):
        path.read_bytes().decode("utf-8")
    report = imports.commit(path, actor=None)
    assert report.ok, report.errors
    assert report.encoding == "gb18030"
    assert Expert.objects.get().name == "王导入1"


def test_utf8_with_byte_order_mark(tmp_path):
    path = write_csv(tmp_path / "bom.csv", [expert_row(1)], encoding="utf-8-sig")
    assert path.read_bytes().startswith(b"\xef\xbb\xbf")
    report = imports.commit(path, actor=None)
    assert report.ok, report.errors
    assert report.encoding == "utf-8"
    assert Expert.objects.get().kind == "lawyer"


def test_explicit_encoding_is_used(tmp_path):
    path = write_csv(tmp_path / "gbk.csv", [expert_row(1)], encoding="gbk")
    assert imports.check(path, actor=None, encoding="gbk").ok
    report = imports.check(path, actor=None, encoding="utf-8")
    assert not report.ok and "utf-8" in report.errors[0].message


def test_xlsx_with_both_sheets_in_either_order(tmp_path):
    path = write_xlsx(
        tmp_path / "both.xlsx",
        {
            "experts": [expert_row(1, institution_licence="LIC-0007"), expert_row(2)],
            "institutions": [institution_row(7)],
        },
    )
    report = imports.commit(path, actor=None)
    assert report.ok, report.errors
    assert report.counts["institutions_created"] == 1 and report.counts["experts_created"] == 2
    assert Expert.objects.get(name="王导入1").institution.licence_number == "LIC-0007"


def test_xlsx_cells_that_are_numbers_and_dates(tmp_path):
    row = expert_row(1, years_of_practice=7, credential_number=1330100012345, credential_issued=date(2020, 1, 2))
    path = write_xlsx(tmp_path / "typed.xlsx", {"Sheet1": [row]})
    report = imports.commit(path, actor=None)
    assert report.ok, report.errors
    expert = Expert.objects.get()
    assert expert.years_of_practice == 7
    assert expert.credentials.get().number == "1330100012345"
    assert expert.credentials.get().issued_on == date(2020, 1, 2)


def test_kind_option_overrides_detection(tmp_path):
    path = write_csv(tmp_path / "odd.csv", [{"kind": "law_firm", "name": "某所", "licence_number": "X1"}])
    assert imports.check(path, actor=None).ok
    report = imports.check(path, actor=None, kind="experts")
    assert not report.ok
    assert "credential_number" in report.errors[-1].message


def test_dry_run_changes_nothing(tmp_path):
    path = write_csv(tmp_path / "experts.csv", [expert_row(1), expert_row(2)])
    before = counts()
    report = imports.check(path, actor=None)
    assert report.ok and not report.committed
    assert report.counts["experts_created"] == 2
    assert counts() == before
    assert not ExpertFacet.objects.exists()


def test_empty_lines_are_skipped_and_row_numbers_stay_those_people_see(tmp_path):
    rows = [expert_row(1), expert_row(2), expert_row(3, credential_issued="next year")]
    path = write_csv(tmp_path / "gaps.csv", rows, blank_after=(0,))
    report = imports.check(path, actor=None)
    assert report.rows == 3
    assert [(e.row, e.field) for e in report.errors] == [(5, "credential_issued")]


# -- bad input: a report, and nothing written --------------------------------------------------------------


def _bad_expert_file(tmp_path, **values):
    return write_csv(tmp_path / "bad.csv", [expert_row(1), expert_row(2, **values)])


BAD_EXPERT_VALUES = [
    ({"jurisdictions": "CN;XX"}, "jurisdictions", "XX"),
    ({"languages": "ja:fluent;xx"}, "languages", "xx"),
    ({"languages": "ja:superb"}, "languages", "superb"),
    ({"practice_areas": "no-such-area"}, "practice_areas", "no-such-area"),
    ({"industries": "steel-dreams"}, "industries", "steel-dreams"),
    ({"credential_issued": "2025-13-40"}, "credential_issued", "2025-13-40"),
    ({"credential_expires": "next year"}, "credential_expires", "next year"),
    ({"credential_issued": "2020-01-01", "credential_expires": "2019-01-01"}, "credential_expires", "expires"),
    ({"fee_min": "3000", "fee_max": "100"}, "fee_max", "below"),
    ({"fee_min": "lots"}, "fee_min", "lots"),
    ({"years_of_practice": "ten"}, "years_of_practice", "ten"),
    ({"district": "999999"}, "district", "999999"),
    ({"home_city": "atlantis"}, "home_city", "atlantis"),
    ({"kind": "wizard"}, "kind", "wizard"),
    ({"name": ""}, "name", "empty"),
    ({"email": "not-an-email"}, "email", ""),
    ({"shared": "perhaps"}, "shared", "perhaps"),
    ({"fee_currency": "XYZ"}, "fee_currency", "XYZ"),
    ({"credential_kind": "diploma"}, "credential_kind", "diploma"),
    ({"credential_number": "CRED-000001"}, "credential_number", "row 2"),
    ({"institution_licence": "NOPE-1"}, "institution_licence", "NOPE-1"),
]


@pytest.mark.parametrize(("values", "field", "says"), BAD_EXPERT_VALUES, ids=[v[1] for v in BAD_EXPERT_VALUES])
def test_bad_expert_values_are_reported_with_row_and_field(tmp_path, values, field, says):
    path = _bad_expert_file(tmp_path, **values)
    before = counts()
    for run in (imports.check, imports.commit):
        report = run(path, actor=None)
        assert not report.ok and not report.committed
        assert [(e.sheet, e.row, e.field) for e in report.errors] == [("experts", 3, field)], report.errors
        assert says in report.errors[0].message
    assert counts() == before


def test_duplicate_licence_number_names_the_first_row(tmp_path):
    path = write_csv(
        tmp_path / "dupes.csv", [institution_row(1), institution_row(2), institution_row(3, licence_number="LIC-0001")]
    )
    report = imports.commit(path, actor=None)
    assert not report.ok
    assert [(e.sheet, e.row, e.field) for e in report.errors] == [("institutions", 4, "licence_number")]
    assert "first on row 2" in report.errors[0].message
    assert Institution.objects.count() == 0


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"jurisdictions": "ZZ"}, "jurisdictions"),
        ({"languages": "klingon"}, "languages"),
        ({"website": "not a site"}, "website"),
        ({"kind": "bank"}, "kind"),
        ({"licence_number": ""}, "licence_number"),
    ],
)
def test_bad_institution_values(tmp_path, values, field):
    path = write_csv(tmp_path / "bad.csv", [institution_row(1), institution_row(2, **values)])
    report = imports.commit(path, actor=None)
    assert [(e.row, e.field) for e in report.errors] == [(3, field)]
    assert Institution.objects.count() == 0


def test_one_bad_row_among_institutions_and_experts_stops_everything(tmp_path):
    path = write_xlsx(
        tmp_path / "mixed.xlsx",
        {
            "institutions": [institution_row(1)],
            "experts": [expert_row(i) for i in range(1, 30)] + [expert_row(99, jurisdictions="QQ")],
        },
    )
    before = counts()
    report = imports.commit(path, actor=None)
    assert [(e.sheet, e.row, e.field) for e in report.errors] == [("experts", 31, "jurisdictions")]
    assert counts() == before


def test_unknown_and_missing_columns(tmp_path):
    row = expert_row(1)
    del row["credential_issuer"], row["credential_number"]
    row["favourite_colour"] = "blue"
    report = imports.commit(write_csv(tmp_path / "cols.csv", [row]), actor=None)
    assert not report.ok
    assert ("experts", 1, "favourite_colour") in [(e.sheet, e.row, e.field) for e in report.errors]
    missing = [e for e in report.errors if "missing" in e.message]
    assert missing and "credential_issuer" in missing[0].message and "credential_number" in missing[0].message
    assert Expert.objects.count() == 0


def test_columns_nobody_can_place(tmp_path):
    report = imports.check(write_csv(tmp_path / "what.csv", [{"colour": "blue", "size": "L"}]), actor=None)
    assert not report.ok
    assert "institutions or experts" in report.errors[0].message


def test_header_names_are_case_insensitive(tmp_path):
    row = {k.upper().replace("_", " "): v for k, v in expert_row(1).items()}
    assert imports.commit(write_csv(tmp_path / "upper.csv", [row]), actor=None).ok


def test_bytes_that_are_neither_utf8_nor_gbk(tmp_path):
    path = tmp_path / "binary.csv"
    path.write_bytes(b"kind,name\n\xff\xfe\xff\x80\x80,\xff\n")
    report = imports.commit(path, actor=None)
    assert not report.ok
    assert "UTF-8" in report.errors[0].message
    assert Expert.objects.count() == 0


def test_a_broken_xlsx_is_a_report(tmp_path):
    path = tmp_path / "broken.xlsx"
    path.write_bytes(b"PK\x03\x04 this is not really a workbook")
    report = imports.check(path, actor=None)
    assert not report.ok and "XLSX" in report.errors[0].message


def test_a_duplicate_of_a_credential_held_in_the_database_updates_not_duplicates(tmp_path):
    existing = make_expert()
    number = existing.credentials.get().number
    path = write_csv(tmp_path / "e.csv", [expert_row(1, credential_number=number, name="新名字")])
    report = imports.commit(path, actor=None)
    assert report.ok and report.counts["experts_updated"] == 1
    existing.refresh_from_db()
    assert existing.name == "新名字"


# -- updates -----------------------------------------------------------------------------------------------


def test_reimport_updates_in_place(tmp_path):
    firm_path = write_csv(tmp_path / "firms.csv", [institution_row(1)])
    imports.commit(firm_path, actor=None)
    path = write_csv(tmp_path / "e.csv", [expert_row(1, institution_licence="LIC-0001"), expert_row(2)])
    assert imports.commit(path, actor=None).ok
    first = Expert.objects.get(name="王导入1")

    changed = write_csv(
        tmp_path / "e2.csv",
        [
            expert_row(
                1,
                institution_licence="LIC-0001",
                name="王更新",
                languages="fr:basic",
                practice_areas="antitrust",
                credential_expires="2040-01-01",
            ),
            expert_row(3),
        ],
    )
    report = imports.commit(changed, actor=None)
    assert report.ok, report.errors
    assert report.counts["experts_updated"] == 1 and report.counts["experts_created"] == 1
    first.refresh_from_db()
    assert first.name == "王更新" and first.institution.licence_number == "LIC-0001"
    assert list(first.languages.values_list("code", "level")) == [("fr", "basic")]
    assert list(first.practice_areas.values_list("code", flat=True)) == ["antitrust"]
    assert first.credentials.get().expires_on == date(2040, 1, 1)
    assert first.credentials_expire_on == date(2040, 1, 1)
    assert Expert.objects.count() == 3

    firm_update = write_csv(tmp_path / "f2.csv", [institution_row(1, name="改名律师事务所", name_en="Renamed LLP")])
    report = imports.commit(firm_update, actor=None)
    assert report.counts["institutions_updated"] == 1
    first.refresh_from_db()
    assert "renamed llp" in first.search_text  # experts of a renamed institution are found by the new name


def test_columns_left_out_are_left_alone_on_update(tmp_path):
    imports.commit(write_csv(tmp_path / "a.csv", [expert_row(1)]), actor=None)
    few = {k: expert_row(1)[k] for k in imports.EXPERT_REQUIRED}
    few["name"] = "王少列"
    assert imports.commit(write_csv(tmp_path / "b.csv", [few]), actor=None).ok
    expert = Expert.objects.get()
    assert expert.name == "王少列"
    assert expert.email == "expert1@example.org" and expert.languages.count() == 3


def test_the_bulk_index_equals_expert_refresh(tmp_path):
    firm = make_institution(licence_number="LIC-0100")
    other = make_expert(institution=firm)
    rows = [
        expert_row(1, institution_licence="LIC-0100"),
        expert_row(2, languages="", practice_areas="", industries="", jurisdictions="", district=""),
        expert_row(3, credential_expires="2001-01-01", credential_issued="2000-01-01"),
        expert_row(4, credential_number=other.credentials.get().number, credential_kind="practising_licence"),
    ]
    assert imports.commit(write_csv(tmp_path / "e.csv", rows), actor=None).ok
    experts = list(Expert.objects.all())
    assert len(experts) == 4
    for expert in experts:
        bulk = index_of(expert)
        services.expert_refresh(expert)
        assert index_of(expert) == bulk, expert.name
    assert not Expert.objects.get(name="王导入3").credentials_ok  # lapsed


# -- who may import, and the record of it ------------------------------------------------------------------


def test_only_staff_may_import(tmp_path):
    path = write_csv(tmp_path / "e.csv", [expert_row(1)])
    for user in (make_user(), make_user(Role.INSTITUTION_ADMIN)):
        with pytest.raises(PermissionDenied):
            imports.check(path, actor=user)
        with pytest.raises(PermissionDenied):
            imports.commit(path, actor=user)
    assert imports.commit(path, actor=make_user(Role.SUBCENTER_STAFF)).ok


def test_one_audit_event_per_import(tmp_path):
    staff = make_user(Role.CENTER_STAFF)
    path = write_csv(tmp_path / "e.csv", [expert_row(i) for i in range(1, 6)])
    before = LogEntry.objects.count()
    imports.commit(path, actor=staff)
    events = [e for e in LogEntry.objects.all() if (e.additional_data or {}).get("event") == "network.import.committed"]
    assert len(events) == 1
    assert events[0].actor == staff and events[0].additional_data["experts_created"] == 5
    assert LogEntry.objects.count() - before == 1


def test_progress_is_reported(tmp_path):
    path = write_csv(tmp_path / "e.csv", [expert_row(i) for i in range(1, 451)])
    seen = []
    imports.commit(path, actor=None, progress=lambda done, total: seen.append((done, total)))
    assert seen[-1] == (900, 900)
    assert seen == sorted(seen)


# -- the command line --------------------------------------------------------------------------------------


def _run(*args) -> str:
    out = io.StringIO()
    call_command("network", "import", *[str(a) for a in args], "--no-progress", stdout=out)
    return out.getvalue()


def test_command_imports_and_prints_a_summary(tmp_path):
    path = write_csv(tmp_path / "e.csv", [expert_row(1), expert_row(2)])
    staff = make_user(Role.CENTER_STAFF)
    dry = json.loads(_run(path, "--dry-run").strip().splitlines()[-1])
    assert dry["ok"] and dry["dry_run"] and not dry["committed"] and Expert.objects.count() == 0
    summary = json.loads(_run(path, "--as", staff.email).strip().splitlines()[-1])
    assert summary["committed"] and summary["counts"]["experts_created"] == 2 and summary["errors"] == 0
    assert Expert.objects.get(name="王导入1").reviewed_by == staff


def test_command_reports_rows_and_fails(tmp_path):
    path = write_csv(tmp_path / "e.csv", [expert_row(1), expert_row(2, jurisdictions="XX", credential_issued="soon")])
    out = io.StringIO()
    with pytest.raises(CommandError, match="Nothing was imported"):
        call_command("network", "import", str(path), "--no-progress", stdout=out)
    text = out.getvalue()
    assert "sheet" in text.splitlines()[0] and "message" in text.splitlines()[0]
    assert any("experts" in line and " 3 " in line and "jurisdictions" in line for line in text.splitlines())
    summary = json.loads(text.strip().splitlines()[-1])
    assert summary["ok"] is False and summary["errors"] == 2
    assert Expert.objects.count() == 0


def test_command_refuses_unknown_users_and_files(tmp_path):
    path = write_csv(tmp_path / "e.csv", [expert_row(1)])
    with pytest.raises(CommandError, match="No user"):
        _run(path, "--as", "nobody@example.org")
    with pytest.raises(CommandError, match="may not"):
        _run(path, "--as", make_user().email)
    with pytest.raises(CommandError, match="No such file"):
        _run(tmp_path / "missing.csv")
