"""Export: the filtered directory in the import's columns, private columns for staff only, and a round trip."""

import csv
import io

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.management import call_command
from openpyxl import load_workbook

from lawbridge.accounts.choices import Role
from lawbridge.network import exports, imports
from lawbridge.network.models import Expert, Institution
from tests.factories import make_user
from tests.network.test_import import expert_row, institution_row, write_csv

pytestmark = pytest.mark.django_db


@pytest.fixture
def imported(tmp_path):
    imports.commit(
        write_csv(tmp_path / "f.csv", [institution_row(1), institution_row(2, district="330108")]), actor=None
    )
    rows = [
        expert_row(1, institution_licence="LIC-0001", languages="ja:fluent"),
        expert_row(2, languages="de:native", jurisdictions="DE"),
        expert_row(3, kind="translator", credential_kind="translator_certificate", bio_en="", languages="en"),
    ]
    assert imports.commit(write_csv(tmp_path / "e.csv", rows), actor=None).ok


def read_csv(data: bytes) -> list[dict]:
    return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))


def test_public_export_leaves_out_private_columns(imported):
    rows = read_csv(exports.export_experts(user=AnonymousUser()))
    assert len(rows) == 3
    assert not {"email", "phone", "credential_number", "max_matters"} & set(rows[0])
    assert rows[0]["credential_kind"] and rows[0]["languages"]
    firms = read_csv(exports.export_institutions(user=make_user()))
    assert not {"email", "phone", "licence_number"} & set(firms[0])


def test_staff_export_has_private_columns(imported):
    staff = make_user(Role.CENTER_STAFF)
    rows = read_csv(exports.export_experts(user=staff))
    assert list(rows[0]) == list(imports.EXPERT_COLUMNS)
    assert {r["email"] for r in rows} == {"expert1@example.org", "expert2@example.org", "expert3@example.org"}
    firms = read_csv(exports.export_institutions(user=staff))
    assert list(firms[0]) == list(imports.INSTITUTION_COLUMNS)


def test_export_follows_the_filters(imported):
    rows = read_csv(exports.export_experts(user=None, filters={"language": ["ja"]}))
    assert [r["name"] for r in rows] == ["王导入1"]
    rows = read_csv(exports.export_experts(user=None, filters={"kind": ["translator"]}, q="wang"))
    assert [r["name"] for r in rows] == ["王导入3"]
    firms = read_csv(exports.export_institutions(user=None, filters={"district": ["330108"]}))
    assert [r["licence_number"] for r in firms] == ["LIC-0002"]


def test_round_trip_csv_and_xlsx(imported, tmp_path):
    staff = make_user(Role.CENTER_STAFF)
    before = sorted(Expert.objects.values_list("name", "email", "fee_min", "jurisdictions", "search_text", "bios"))
    for fmt in ("csv", "xlsx"):
        firms = tmp_path / f"firms.{fmt}"
        firms.write_bytes(exports.export_institutions(user=staff, format=fmt))
        experts = tmp_path / f"experts.{fmt}"
        experts.write_bytes(exports.export_experts(user=staff, format=fmt))
        for path in (firms, experts):
            report = imports.commit(path, actor=staff)
            assert report.ok, report.errors
            assert report.counts["institutions_created"] == report.counts["experts_created"] == 0
        assert report.counts["experts_updated"] == 3
    after = sorted(Expert.objects.values_list("name", "email", "fee_min", "jurisdictions", "search_text", "bios"))
    assert after == before
    assert Institution.objects.count() == 2


def test_xlsx_export_is_a_workbook_with_an_experts_sheet(imported):
    workbook = load_workbook(io.BytesIO(exports.export_experts(user=None, format="xlsx")), read_only=True)
    assert workbook.sheetnames == ["experts"]
    assert next(workbook["experts"].iter_rows(values_only=True))[0] == "kind"


def test_command_export(imported, tmp_path):
    out = io.StringIO()
    call_command("network", "export", "--filter", "language=de", stdout=out)
    assert [r["name"] for r in read_csv(out.getvalue().encode())] == ["王导入2"]
    path = tmp_path / "i.xlsx"
    call_command("network", "export", "--what", "institutions", "--format", "xlsx", "--out", str(path))
    assert imports.check(path, actor=None).ok
