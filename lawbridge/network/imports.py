"""Bulk import of institutions and experts from CSV or XLSX: every row checked first, then all or nothing.

The file format is documented in ``docs/import-format.md``. ``check`` validates every row and touches nothing;
``commit`` validates the same way and, only when no row has an error, writes everything in one transaction.
Experts are written in bulk (``bulk_create``) with their facet rows and search text computed here by the same
helpers ``services.expert_refresh`` uses, so ten thousand rows take seconds rather than minutes.

An institution is identified by its licence number, an expert by the kind and number of a credential: a row
that matches an existing record updates it (only the columns the file has), any other row creates one.
Staff vouch for what they import: new and updated records are verified, and so are their credentials.
"""

import csv
import io
import json
import logging
import re
import sys
import time as clock
import uuid
import zipfile
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import date, datetime, time
from decimal import Decimal, InvalidOperation
from pathlib import Path

import pycountry
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import EmailValidator, URLValidator
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from lawbridge.accounts.choices import OrganisationKind
from lawbridge.accounts.models import Organisation
from lawbridge.core.audit import audit_event
from lawbridge.core.city import districts

from . import search, services, taxonomy
from .choices import (
    Availability,
    CredentialKind,
    CredentialStatus,
    ExpertKind,
    FeeBasis,
    InstitutionKind,
    ReviewStatus,
    Tier,
    Vocabulary,
)
from .models import Credential, Expert, ExpertFacet, ExpertLanguage, ImportJob, Institution, Term

logger = logging.getLogger(__name__)

Progress = Callable[[int, int], None]

INSTITUTIONS, EXPERTS = "institutions", "experts"
MAX_ROWS = 100_000
BATCH = 1000

# -- the columns -------------------------------------------------------------------------------------------

INSTITUTION_COLUMNS = (
    "kind", "name", "name_en", "licence_number", "district", "jurisdictions", "languages", "practice_areas",
    "address_zh", "address_en", "phone", "email", "website",
)  # fmt: skip
INSTITUTION_REQUIRED = ("kind", "name", "licence_number")
EXPERT_COLUMNS = (
    "kind", "name", "name_latin", "institution_licence", "email", "phone", "district", "home_city",
    "practice_areas", "industries", "jurisdictions", "languages", "years_of_practice", "tier", "max_matters",
    "availability", "fee_min", "fee_max", "fee_currency", "fee_basis", "bio_zh", "bio_en", "shared",
    "credential_kind", "credential_issuer", "credential_number", "credential_issued", "credential_expires",
)  # fmt: skip
EXPERT_REQUIRED = ("kind", "name", "credential_kind", "credential_issuer", "credential_number")
COLUMNS = {INSTITUTIONS: INSTITUTION_COLUMNS, EXPERTS: EXPERT_COLUMNS}
REQUIRED = {INSTITUTIONS: INSTITUTION_REQUIRED, EXPERTS: EXPERT_REQUIRED}

# Chinese column names people use in the spreadsheets they already keep. Shared names mean the same in both kinds.
ALIASES = {
    "类别": "kind", "类型": "kind", "姓名": "name", "名称": "name", "机构名称": "name", "英文名称": "name_en",
    "拼音或英文姓名": "name_latin", "英文姓名": "name_latin", "拼音": "name_latin",
    "执业许可证号": "licence_number", "许可证号": "licence_number", "所属机构许可证号": "institution_licence",
    "区县": "district", "所在区县": "district", "常驻城市": "home_city", "法域": "jurisdictions",
    "语言": "languages", "业务领域": "practice_areas", "行业": "industries", "中文地址": "address_zh",
    "英文地址": "address_en", "电话": "phone", "邮箱": "email", "电子邮箱": "email", "网站": "website",
    "执业年限": "years_of_practice", "人才库级别": "tier", "同时承办上限": "max_matters", "接案状态": "availability",
    "最低收费": "fee_min", "最高收费": "fee_max", "币种": "fee_currency", "计费方式": "fee_basis",
    "中文简介": "bio_zh", "英文简介": "bio_en", "长三角共享": "shared", "证书类别": "credential_kind",
    "发证机关": "credential_issuer", "证书编号": "credential_number", "发证日期": "credential_issued",
    "有效期至": "credential_expires",
}  # fmt: skip
SHEET_ALIASES = {"institutions": INSTITUTIONS, "机构": INSTITUTIONS, "experts": EXPERTS, "专家": EXPERTS}

TRUE_WORDS = {"yes", "y", "true", "1", "是", "x"}
FALSE_WORDS = {"no", "n", "false", "0", "否", ""}
_LIST_SPLIT = re.compile(r"[;；]")
_DATE = re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})$")


def normalise_header(name: str) -> str:
    name = (name or "").replace("\ufeff", "").strip()
    if name in ALIASES:
        return ALIASES[name]
    return re.sub(r"[\s\-]+", "_", name.lower())


# -- reading files -----------------------------------------------------------------------------------------


@dataclass
class RowError:
    sheet: str
    row: int
    field: str
    message: str


@dataclass
class Sheet:
    """One table of a file: its kind (when known), its header as written, and its non-empty rows by number."""

    name: str
    kind: str
    header: list[str]
    rows: list[tuple[int, list[str]]]


@dataclass
class Table:
    sheets: list[Sheet] = field(default_factory=list)
    encoding: str = ""
    format: str = ""
    errors: list[RowError] = field(default_factory=list)


@dataclass
class ImportReport:
    ok: bool = True
    errors: list[RowError] = field(default_factory=list)
    counts: dict[str, int] = field(
        default_factory=lambda: {
            "institutions_created": 0,
            "institutions_updated": 0,
            "experts_created": 0,
            "experts_updated": 0,
        }
    )
    encoding: str = ""
    rows: int = 0
    committed: bool = False

    def as_dict(self) -> dict:
        return {
            "ok": self.ok,
            "committed": self.committed,
            "rows": self.rows,
            "encoding": self.encoding,
            "counts": dict(self.counts),
            "errors": [asdict(e) for e in self.errors],
        }


def _is_xlsx(path: Path, head: bytes) -> bool:
    return head.startswith(b"PK\x03\x04") or path.suffix.lower() in (".xlsx", ".xlsm")


def _detect_kind(columns: list[str]) -> str:
    names = set(columns)
    if "credential_number" in names or "credential_kind" in names or "institution_licence" in names:
        return EXPERTS
    if "licence_number" in names:
        return INSTITUTIONS
    return ""


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time.min else value.isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value).strip()


def _make_sheet(name: str, kind: str, records) -> Sheet | None:
    """Header is the first non-empty record; later empty records are skipped but keep their row numbers."""
    header, rows = None, []
    for number, record in enumerate(records, start=1):
        cells = [_cell_text(c) for c in record]
        if not any(cells):
            continue
        if header is None:
            header = cells
            while header and not header[-1]:
                header.pop()
            header_row = number
            continue
        rows.append((number - header_row + 1, cells))
    if header is None:
        return None
    kind = kind or _detect_kind([normalise_header(h) for h in header])
    return Sheet(name=name, kind=kind, header=header, rows=rows)


def read_table(path, *, encoding: str = "") -> Table:
    """Read a CSV or XLSX file into sheets. Problems with the file as a whole come back as errors, not raised."""
    path = Path(path)
    table = Table()
    try:
        data = path.read_bytes()
    except OSError as exc:
        table.errors.append(RowError("", 0, "", _("The file cannot be read: %(error)s") % {"error": exc.strerror}))
        return table
    if _is_xlsx(path, data[:4]):
        table.format = "xlsx"
        return _read_xlsx(data, table)
    table.format = "csv"
    text = None
    tried = [encoding] if encoding else ["utf-8-sig", "gb18030"]
    for candidate in tried:
        try:
            text = data.decode(candidate)
        except (UnicodeDecodeError, LookupError):
            continue
        table.encoding = "utf-8" if candidate == "utf-8-sig" else candidate
        break
    if text is None:
        table.errors.append(
            RowError(
                "",
                0,
                "",
                _("The file is not text in %(encodings)s. Save it as CSV UTF-8 and try again.")
                % {"encodings": ", ".join(e.replace("-sig", "") for e in tried)},
            )
        )
        return table
    text = text.lstrip("\ufeff")
    first_line = text.split("\n", 1)[0]
    delimiter = "\t" if first_line.count("\t") > first_line.count(",") else ","
    try:
        sheet = _make_sheet("", "", csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    except csv.Error as exc:
        table.errors.append(RowError("", 0, "", _("The file is not valid CSV: %(error)s") % {"error": exc}))
        return table
    if sheet is not None:
        table.sheets.append(sheet)
    return table


def _read_xlsx(data: bytes, table: Table) -> Table:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        logger.info("Unreadable XLSX: %s", exc)
        table.errors.append(RowError("", 0, "", _("The file is not a readable XLSX workbook.")))
        return table
    try:
        for worksheet in workbook.worksheets:
            kind = SHEET_ALIASES.get(worksheet.title.strip().lower(), "")
            sheet = _make_sheet(worksheet.title, kind, worksheet.iter_rows(values_only=True))
            if sheet is not None:
                table.sheets.append(sheet)
    finally:
        workbook.close()
    return table


# -- checking rows -----------------------------------------------------------------------------------------


def _split(value: str) -> list[str]:
    return [part.strip() for part in _LIST_SPLIT.split(value or "") if part.strip()]


def _message(exc: ValidationError) -> str:
    if hasattr(exc, "error_dict"):
        return " ".join(str(m) for messages in exc.message_dict.values() for m in messages)
    return " ".join(str(m) for m in exc.messages)


class Checker:
    """Validates rows and remembers what the file and the database already hold (licences, credentials)."""

    def __init__(self):
        self.districts = {d["code"] for d in districts()}
        self.cities = set(taxonomy.term_codes(Vocabulary.CITY))
        self.home_city = taxonomy.home_city_code()
        self.email = EmailValidator()
        self.url = URLValidator()
        self.licences_in_db = dict(Institution.objects.exclude(licence_number="").values_list("licence_number", "pk"))
        self.credentials_in_db = {
            (kind, number): expert_id
            for kind, number, expert_id in Credential.objects.filter(is_external=False).values_list(
                "kind", "number", "expert_id"
            )
        }
        self.licences_in_file: dict[str, int] = {}
        self.credentials_in_file: dict[tuple[str, str], int] = {}
        self.currencies: dict[str, bool] = {}

    # Each ``_x`` returns the cleaned value or raises ValidationError with the message for the column.

    def text(self, value: str, limit: int, required: bool = False) -> str:
        if required and not value:
            raise ValidationError(_("This column must not be empty."))
        if len(value) > limit:
            raise ValidationError(_("At most %(limit)d characters.") % {"limit": limit})
        return value

    def choice(self, value: str, choices, default: str | None = None) -> str:
        value = value.strip().lower()
        if not value and default is not None:
            return default
        if not value:
            raise ValidationError(_("This column must not be empty."))
        if value not in choices.values:
            raise ValidationError(
                _("Unknown value %(value)s (use one of %(allowed)s).")
                % {"value": value or '""', "allowed": ", ".join(choices.values)}
            )
        return value

    def integer(self, value: str, low: int, high: int) -> int | None:
        if not value:
            return None
        try:
            number = int(value.replace(",", ""))
        except ValueError:
            raise ValidationError(_("Not a whole number: %(value)s") % {"value": value}) from None
        if not low <= number <= high:
            raise ValidationError(_("Must be from %(low)d to %(high)d.") % {"low": low, "high": high})
        return number

    def money(self, value: str) -> Decimal | None:
        if not value:
            return None
        try:
            amount = Decimal(value.replace(",", ""))
        except InvalidOperation:
            raise ValidationError(_("Not an amount: %(value)s") % {"value": value}) from None
        if not amount.is_finite() or amount < 0 or amount >= Decimal("1e10"):
            raise ValidationError(_("Not an amount: %(value)s") % {"value": value})
        return amount.quantize(Decimal("0.01"))

    def day(self, value: str) -> date | None:
        if not value:
            return None
        match = _DATE.match(value)
        try:
            if not match:
                raise ValueError
            return date(int(match[1]), int(match[2]), int(match[3]))
        except ValueError:
            raise ValidationError(_("Not a date in the form YYYY-MM-DD: %(value)s") % {"value": value}) from None

    def boolean(self, value: str) -> bool:
        word = value.strip().lower()
        if word in TRUE_WORDS:
            return True
        if word in FALSE_WORDS:
            return False
        raise ValidationError(_("Write yes or no, not %(value)s.") % {"value": value})

    def district(self, value: str) -> str:
        if value and value not in self.districts:
            raise ValidationError(_("Unknown district code: %(code)s") % {"code": value})
        return value

    def city(self, value: str) -> str:
        value = value.strip().lower() or self.home_city
        if value not in self.cities:
            raise ValidationError(_("Unknown city code: %(code)s") % {"code": value})
        return value

    def currency(self, value: str) -> str:
        code = value.strip().upper() or "CNY"
        if code not in self.currencies:
            self.currencies[code] = len(code) == 3 and pycountry.currencies.get(alpha_3=code) is not None
        if not self.currencies[code]:
            raise ValidationError(_("Unknown currency code (ISO 4217): %(code)s") % {"code": code})
        return code

    def checked_email(self, value: str) -> str:
        if value:
            self.text(value, 254)
            self.email(value)
        return value

    def website(self, value: str) -> str:
        if not value:
            return ""
        if "://" not in value:
            value = "https://" + value
        self.text(value, 200)
        self.url(value)
        return value

    def languages(self, value: str) -> list[tuple[str, str]]:
        pairs = []
        for part in _split(value):
            code, _sep, level = part.replace("：", ":").partition(":")
            pairs.append((code.strip().lower(), level.strip().lower()))
        return services.clean_language_levels(pairs)

    # -- rows

    def row(self, kind: str, number: int, values: dict[str, str]) -> tuple[dict, list[tuple[str, str]]]:
        """The cleaned values of one row and the (column, message) problems found in it."""
        cleaned, problems = {}, []
        rules = INSTITUTION_RULES if kind == INSTITUTIONS else EXPERT_RULES
        for column, rule in rules.items():
            if column not in values:
                continue
            try:
                cleaned[column] = rule(self, values[column])
            except ValidationError as exc:
                problems.append((column, _message(exc)))
        if kind == INSTITUTIONS:
            self._institution_row(number, cleaned, problems)
        else:
            self._expert_row(number, cleaned, problems)
        return cleaned, problems

    def _institution_row(self, number: int, cleaned: dict, problems: list) -> None:
        licence = cleaned.get("licence_number")
        if licence:
            first = self.licences_in_file.get(licence)
            if first is not None:
                problems.append(
                    ("licence_number", _("Duplicate licence number, first on row %(row)d.") % {"row": first})
                )
            else:
                self.licences_in_file[licence] = number

    def _expert_row(self, number: int, cleaned: dict, problems: list) -> None:
        licence = cleaned.get("institution_licence")
        if licence and licence not in self.licences_in_db and licence not in self.licences_in_file:
            problems.append(
                (
                    "institution_licence",
                    _("No institution with licence number %(licence)s, neither registered nor in the file.")
                    % {"licence": licence},
                )
            )
        low, high = cleaned.get("fee_min"), cleaned.get("fee_max")
        if low is not None and high is not None and low > high:
            problems.append(("fee_max", _("The upper fee is below the lower fee.")))
        issued, expires = cleaned.get("credential_issued"), cleaned.get("credential_expires")
        if issued and expires and expires < issued:
            problems.append(("credential_expires", _("It expires before it was issued.")))
        key = (cleaned.get("credential_kind"), cleaned.get("credential_number"))
        if all(key):
            first = self.credentials_in_file.get(key)
            if first is not None:
                problems.append(
                    ("credential_number", _("Duplicate credential number, first on row %(row)d.") % {"row": first})
                )
            else:
                self.credentials_in_file[key] = number


def _terms(vocabulary: str, field_name: str):
    return lambda checker, value: services.clean_terms(vocabulary, _split(value), field_name)


INSTITUTION_RULES = {
    "kind": lambda c, v: c.choice(v, InstitutionKind),
    "name": lambda c, v: c.text(v, 200, required=True),
    "name_en": lambda c, v: c.text(v, 200),
    "licence_number": lambda c, v: c.text(v, 60, required=True),
    "district": lambda c, v: c.district(v),
    "jurisdictions": lambda c, v: services.clean_countries(_split(v)),
    "languages": lambda c, v: services.clean_languages(_split(v)),
    "practice_areas": _terms(Vocabulary.PRACTICE_AREA, "practice_areas"),
    "address_zh": lambda c, v: c.text(v, 300),
    "address_en": lambda c, v: c.text(v, 300),
    "phone": lambda c, v: c.text(v, 40),
    "email": lambda c, v: c.checked_email(v),
    "website": lambda c, v: c.website(v),
}
EXPERT_RULES = {
    "kind": lambda c, v: c.choice(v, ExpertKind),
    "name": lambda c, v: c.text(v, 200, required=True),
    "name_latin": lambda c, v: c.text(v, 200),
    "institution_licence": lambda c, v: c.text(v, 60),
    "email": lambda c, v: c.checked_email(v),
    "phone": lambda c, v: c.text(v, 40),
    "district": lambda c, v: c.district(v),
    "home_city": lambda c, v: c.city(v),
    "practice_areas": _terms(Vocabulary.PRACTICE_AREA, "practice_areas"),
    "industries": _terms(Vocabulary.INDUSTRY, "industries"),
    "jurisdictions": lambda c, v: services.clean_countries(_split(v)),
    "languages": lambda c, v: c.languages(v),
    "years_of_practice": lambda c, v: c.integer(v, 0, 100),
    "tier": lambda c, v: c.choice(v, Tier, default=Tier.STANDARD),
    "max_matters": lambda c, v: c.integer(v, 0, 1000),
    "availability": lambda c, v: c.choice(v, Availability, default=Availability.AVAILABLE),
    "fee_min": lambda c, v: c.money(v),
    "fee_max": lambda c, v: c.money(v),
    "fee_currency": lambda c, v: c.currency(v),
    "fee_basis": lambda c, v: c.choice(v, FeeBasis, default=FeeBasis.HOURLY),
    "bio_zh": lambda c, v: v,
    "bio_en": lambda c, v: v,
    "shared": lambda c, v: c.boolean(v),
    "credential_kind": lambda c, v: c.choice(v, CredentialKind),
    "credential_issuer": lambda c, v: c.text(v, 200, required=True),
    "credential_number": lambda c, v: c.text(v, 60, required=True),
    "credential_issued": lambda c, v: c.day(v),
    "credential_expires": lambda c, v: c.day(v),
}


@dataclass
class CheckedSheet:
    kind: str
    name: str
    rows: list[tuple[int, dict]]


def _check_header(sheet: Sheet, label: str, errors: list[RowError]) -> list[str] | None:
    columns = [normalise_header(h) for h in sheet.header]
    known = COLUMNS[sheet.kind]
    bad = False
    seen = set()
    for original, column in zip(sheet.header, columns, strict=True):
        if not original:
            errors.append(RowError(label, 1, "", _("A column has no name.")))
            bad = True
        elif column not in known:
            errors.append(
                RowError(
                    label, 1, original, _("Unknown column %(name)s for %(kind)s.") % {"name": original, "kind": label}
                )
            )
            bad = True
        elif column in seen:
            errors.append(RowError(label, 1, column, _("The column %(name)s appears twice.") % {"name": original}))
            bad = True
        seen.add(column)
    missing = [c for c in REQUIRED[sheet.kind] if c not in seen]
    if missing:
        errors.append(
            RowError(label, 1, "", _("Required columns are missing: %(columns)s") % {"columns": ", ".join(missing)})
        )
        bad = True
    return None if bad else columns


def _validate(
    table: Table, *, kind: str, report: ImportReport, progress: Progress | None, total: int
) -> list[CheckedSheet]:
    """Check every row of every sheet (institutions first, so experts may name them). Fills report.errors."""
    errors = report.errors
    errors.extend(table.errors)
    sheets = []
    for sheet in table.sheets:
        if kind and (table.format == "csv" or not sheet.kind or len(table.sheets) == 1):
            sheet.kind = kind
        elif kind and sheet.kind != kind:
            continue
        if not sheet.kind:
            errors.append(
                RowError(
                    sheet.name,
                    1,
                    "",
                    _(
                        "Cannot tell from the columns whether these are institutions or experts: "
                        "name the sheet institutions or experts, or choose the kind."
                    ),
                )
            )
            continue
        sheets.append(sheet)
    if not sheets and not errors:
        errors.append(RowError("", 0, "", _("The file holds no rows.")))
    sheets.sort(key=lambda s: s.kind != INSTITUTIONS)
    report.rows = sum(len(s.rows) for s in sheets)
    if report.rows > MAX_ROWS:
        errors.append(RowError("", 0, "", _("At most %(max)d rows per file.") % {"max": MAX_ROWS}))
        return []
    checker = Checker()
    checked, done = [], 0
    for sheet in sheets:
        label = sheet.kind
        columns = _check_header(sheet, label, errors)
        if columns is None:
            done += len(sheet.rows)
            continue
        rows = []
        for number, cells in sheet.rows:
            values = {column: (cells[i].strip() if i < len(cells) else "") for i, column in enumerate(columns)}
            if len(cells) > len(columns) and any(c.strip() for c in cells[len(columns) :]):
                errors.append(RowError(label, number, "", _("The row has more cells than the header has columns.")))
            cleaned, problems = checker.row(sheet.kind, number, values)
            errors.extend(RowError(label, number, column, message) for column, message in problems)
            rows.append((number, cleaned))
            done += 1
            if progress and done % 200 == 0:
                progress(done, total or report.rows)
        checked.append(CheckedSheet(kind=sheet.kind, name=label, rows=rows))
    if progress:
        progress(done, total or report.rows)
    errors.sort(key=lambda e: (e.sheet != INSTITUTIONS and e.sheet != "", e.sheet, e.row))
    return checked


def _require_import(actor) -> None:
    if actor is not None and not actor.has_perm("network.import"):
        raise PermissionDenied(_("You may not import institutions and experts."))


def check(path, *, actor, encoding: str = "", kind: str = "", progress: Progress | None = None) -> ImportReport:
    """Dry run: validate every row of the file and report; nothing is written."""
    _require_import(actor)
    table = read_table(path, encoding=encoding)
    report = ImportReport(encoding=table.encoding)
    checked = _validate(table, kind=kind, report=report, progress=progress, total=0)
    report.ok = not report.errors
    if report.ok:
        for sheet in checked:
            _count_planned(sheet, report)
    return report


def _count_planned(sheet: CheckedSheet, report: ImportReport) -> None:
    """What a commit would do (the dry run's counts)."""
    if sheet.kind == INSTITUTIONS:
        existing = set(
            Institution.objects.filter(licence_number__in=[r["licence_number"] for _n, r in sheet.rows]).values_list(
                "licence_number", flat=True
            )
        )
        updated = sum(1 for _n, r in sheet.rows if r["licence_number"] in existing)
        report.counts["institutions_updated"] += updated
        report.counts["institutions_created"] += len(sheet.rows) - updated
    else:
        existing = set(Credential.objects.filter(is_external=False).values_list("kind", "number").order_by())
        updated = sum(1 for _n, r in sheet.rows if (r["credential_kind"], r["credential_number"]) in existing)
        report.counts["experts_updated"] += updated
        report.counts["experts_created"] += len(sheet.rows) - updated


def commit(path, *, actor, encoding: str = "", kind: str = "", progress: Progress | None = None) -> ImportReport:
    """Validate every row; when none has an error, write them all in one transaction. Otherwise write nothing."""
    _require_import(actor)
    table = read_table(path, encoding=encoding)
    report = ImportReport(encoding=table.encoding)
    rows = sum(len(s.rows) for s in table.sheets)
    checked = _validate(table, kind=kind, report=report, progress=progress, total=2 * rows)
    if report.errors:
        report.ok = False
        return report
    writer = Writer(actor=actor, report=report, progress=progress, total=2 * report.rows, done=report.rows)
    try:
        with transaction.atomic():
            for sheet in checked:
                if sheet.kind == INSTITUTIONS:
                    writer.institutions(sheet.rows)
                else:
                    writer.experts(sheet.rows)
            writer.finish(Path(path).name)
    except (IntegrityError, ValidationError) as exc:
        # Someone changed the same records between the check and the write: nothing was written.
        logger.warning("Import rolled back: %s", exc)
        report.counts = dict.fromkeys(report.counts, 0)
        report.errors.append(
            RowError("", 0, "", _("The records changed while importing; nothing was imported. Try again."))
        )
        report.ok = False
        return report
    report.ok = report.committed = True
    return report


# -- writing -----------------------------------------------------------------------------------------------

EXPERT_FIELD_OF_COLUMN = {
    "name": "name", "name_latin": "name_latin", "email": "email", "phone": "phone", "district": "district_code",
    "home_city": "home_city", "jurisdictions": "jurisdictions", "years_of_practice": "years_of_practice",
    "tier": "tier", "max_matters": "max_matters", "availability": "availability", "fee_min": "fee_min",
    "fee_max": "fee_max", "fee_currency": "fee_currency", "fee_basis": "fee_basis", "shared": "is_shared",
    "kind": "kind",
}  # fmt: skip


class Writer:
    def __init__(self, *, actor, report: ImportReport, progress: Progress | None, total: int, done: int):
        self.actor, self.report, self.progress, self.total, self.done = actor, report, progress, total, done
        self.now = timezone.now()
        self.today = timezone.localdate()
        self.institutions_by_licence: dict[str, Institution] = {}
        self.touched_institutions: list[Institution] = []
        self.terms = {
            vocabulary: dict(Term.objects.filter(vocabulary=vocabulary).values_list("code", "pk"))
            for vocabulary in (Vocabulary.PRACTICE_AREA, Vocabulary.INDUSTRY)
        }

    def _step(self, n: int) -> None:
        self.done += n
        if self.progress:
            self.progress(min(self.done, self.total), self.total)

    # -- institutions: hundreds at most, written one by one (their organisation needs a unique slug)

    def institutions(self, rows: list[tuple[int, dict]]) -> None:
        existing = {
            inst.licence_number: inst
            for inst in Institution.objects.select_related("organisation").filter(
                licence_number__in=[r["licence_number"] for _n, r in rows]
            )
        }
        slugs = set(Organisation.objects.values_list("slug", flat=True))
        practice = self.terms[Vocabulary.PRACTICE_AREA]
        for _number, row in rows:
            inst = existing.get(row["licence_number"])
            created = inst is None
            if created:
                org = Organisation(
                    kind=OrganisationKind.JUDICIAL
                    if row["kind"]
                    in (
                        InstitutionKind.COURT_LIAISON,
                        InstitutionKind.PROCURATORATE_LIAISON,
                        InstitutionKind.ARBITRATION,
                    )
                    else OrganisationKind.INSTITUTION,
                    slug=_unique_slug(row.get("name_en") or row["name"], slugs),
                )
                inst = Institution(organisation=org)
            else:
                org = inst.organisation
            org.name = row["name"]
            for column, attr in (("name_en", "name_en"), ("district", "district_code")):
                if column in row:
                    setattr(org, attr, row[column])
            org.is_verified = True
            org.save()
            inst.organisation = org
            inst.kind = row["kind"]
            inst.licence_number = row["licence_number"]
            for column in ("jurisdictions", "languages", "address_zh", "address_en", "phone", "email", "website"):
                if column in row:
                    setattr(inst, column, row[column])
            inst.status = ReviewStatus.VERIFIED
            inst.rejection_reason = ""
            inst.reviewed_by, inst.reviewed_at = self.actor, self.now
            inst.search_text = search.index_text(org.name, org.name_en, inst.licence_number)
            inst.save()
            if "practice_areas" in row:
                inst.practice_areas.set([practice[c] for c in row["practice_areas"]])
            self.institutions_by_licence[inst.licence_number] = inst
            self.touched_institutions.append(inst)
            self.report.counts["institutions_created" if created else "institutions_updated"] += 1
            self._step(1)

    def _institution(self, licence: str) -> Institution | None:
        if licence not in self.institutions_by_licence:
            self.institutions_by_licence[licence] = (
                Institution.objects.select_related("organisation").filter(licence_number=licence).first()
            )
        return self.institutions_by_licence[licence]

    # -- experts: in bulk

    def experts(self, rows: list[tuple[int, dict]]) -> None:
        for start in range(0, len(rows), BATCH):
            self._expert_batch(rows[start : start + BATCH])

    def _expert_batch(self, rows: list[tuple[int, dict]]) -> None:
        existing_credentials = {
            (c.kind, c.number): c
            for c in Credential.objects.filter(
                is_external=False, number__in=[r["credential_number"] for _n, r in rows]
            ).select_related("expert__institution__organisation")
        }
        plans = []  # (expert, row, credential, is_new)
        for _number, row in rows:
            key = (row["credential_kind"], row["credential_number"])
            credential = existing_credentials.get(key)
            if credential is None:
                expert = Expert(public_id=uuid.uuid4(), max_matters=10)
                credential = Credential(kind=key[0], number=key[1])
            else:
                expert = credential.expert
            self._apply_expert(expert, row)
            credential.issuer = row["credential_issuer"]
            if "credential_issued" in row:
                credential.issued_on = row["credential_issued"]
            if "credential_expires" in row:
                credential.expires_on = row["credential_expires"]
            credential.status = CredentialStatus.VERIFIED
            credential.verified_by, credential.verified_at = self.actor, self.now
            plans.append((expert, row, credential, credential.pk is None))
        changed = [e for e, _r, _c, is_new in plans if not is_new]
        changed_ids = [e.pk for e in changed]

        # The derived state, as services.expert_refresh computes it: the file's values where it has the
        # column, the database's otherwise.
        kept = _kept_relations(changed_ids)
        updated_credentials = {c.pk: c for _e, _r, c, is_new in plans if not is_new}
        facets = []
        for expert, row, credential, is_new in plans:
            stored = kept.get(expert.pk, {}) if not is_new else {}
            practice = row.get("practice_areas", stored.get("practice_areas", []))
            industries = row.get("industries", stored.get("industries", []))
            languages = [c for c, _l in row["languages"]] if "languages" in row else stored.get("languages", [])
            held = [updated_credentials.get(c.pk, c) for c in stored.get("credentials", [])] if not is_new else []
            ok, until = services.credentials_state(held or [credential], self.today)
            expert.credentials_ok, expert.credentials_expire_on = ok, until
            expert.search_text = services.expert_search_text(expert, languages)
            expert.updated_at = timezone.now()
            if expert.is_shared and expert.status == ReviewStatus.VERIFIED:
                expert.was_shared = True
            facets.append((expert, services.facet_rows(expert, practice, industries, languages)))

        Expert.objects.bulk_create([e for e, _r, _c, is_new in plans if is_new], batch_size=500)
        _update_rows(Expert, changed, EXPERT_UPDATE_FIELDS)
        for expert, _row, credential, _is_new in plans:
            credential.expert = expert
        Credential.objects.bulk_create([c for _e, _r, c, is_new in plans if is_new], batch_size=500)
        _update_rows(
            Credential,
            list(updated_credentials.values()),
            ["issuer", "issued_on", "expires_on", "status", "verified_by", "verified_at"],
        )

        # Relations are replaced for the columns the file has (new experts have none yet).
        for column, vocabulary, model_field in (
            ("practice_areas", Vocabulary.PRACTICE_AREA, Expert.practice_areas),
            ("industries", Vocabulary.INDUSTRY, Expert.industries),
        ):
            through, terms = model_field.through, self.terms[vocabulary]
            through.objects.filter(expert_id__in=[e.pk for e, r, _c, n in plans if column in r and not n]).delete()
            through.objects.bulk_create(
                [through(expert_id=e.pk, term_id=terms[code]) for e, r, _c, _n in plans for code in r.get(column, ())],
                batch_size=2000,
            )
        ExpertLanguage.objects.filter(
            expert_id__in=[e.pk for e, r, _c, n in plans if "languages" in r and not n]
        ).delete()
        ExpertLanguage.objects.bulk_create(
            [ExpertLanguage(expert=e, code=c, level=lv) for e, r, _c, _n in plans for c, lv in r.get("languages", ())],
            batch_size=2000,
        )
        ExpertFacet.objects.filter(expert_id__in=changed_ids).delete()
        ExpertFacet.objects.bulk_create(
            [ExpertFacet(expert_id=e.pk, facet=f, value=v) for e, rows_ in facets for f, v in rows_], batch_size=2000
        )
        self.report.counts["experts_created"] += len(plans) - len(changed)
        self.report.counts["experts_updated"] += len(changed)
        self._step(len(rows))

    def _apply_expert(self, expert: Expert, row: dict) -> None:
        for column, attr in EXPERT_FIELD_OF_COLUMN.items():
            if column in row and row[column] is not None:
                setattr(expert, attr, row[column])
            elif column in row and attr in ("years_of_practice", "fee_min", "fee_max"):
                setattr(expert, attr, None)
        if "max_matters" in row and row["max_matters"] is None:
            expert.max_matters = 10
        if "bio_zh" in row or "bio_en" in row:
            bios = dict(expert.bios or {})
            for column, language in (("bio_zh", "zh-hans"), ("bio_en", "en")):
                if column in row:
                    if row[column]:
                        bios[language] = row[column]
                    else:
                        bios.pop(language, None)
            expert.bios = bios
        if "institution_licence" in row:
            expert.institution = self._institution(row["institution_licence"]) if row["institution_licence"] else None
        if not expert.district_code and expert.institution_id:
            expert.district_code = expert.institution.organisation.district_code
        if not expert.home_city:
            expert.home_city = taxonomy.home_city_code()
        if expert.status != ReviewStatus.VERIFIED:
            expert.status = ReviewStatus.VERIFIED
            expert.rejection_reason = ""
            expert.reviewed_by, expert.reviewed_at = self.actor, self.now

    def finish(self, file_name: str) -> None:
        # Experts of updated institutions that the file did not name carry the institution's name in their
        # search text: recompute it.
        updated = [i.pk for i in self.touched_institutions]
        if updated and self.report.counts["institutions_updated"]:
            stale = list(Expert.objects.filter(institution_id__in=updated).select_related("institution__organisation"))
            for expert in stale:
                expert.search_text = services.expert_search_text(expert, [])
            _update_rows(Expert, stale, ["search_text"])
        subject = self.actor if self.actor is not None else (self.touched_institutions or [None])[0]
        if subject is None:
            subject = Expert.objects.filter(reviewed_at=self.now).order_by("pk").first()
        if subject is not None:
            audit_event(
                obj=subject,
                event="network.import.committed",
                actor=self.actor,
                payload={"file": file_name, "rows": self.report.rows, **self.report.counts},
            )


EXPERT_UPDATE_FIELDS = [
    "credentials_ok", "credentials_expire_on", "search_text", "updated_at", "was_shared", "name", "name_latin",
    "email", "phone", "district_code", "home_city", "jurisdictions", "years_of_practice", "tier", "max_matters",
    "availability", "fee_min", "fee_max", "fee_currency", "fee_basis", "bios", "is_shared", "kind", "institution",
    "status", "rejection_reason", "reviewed_by", "reviewed_at",
]  # fmt: skip


def _update_rows(model, objects: list, field_names: list[str]) -> None:
    """UPDATE … WHERE id = … for each object in one executemany: ``bulk_update``'s CASE expressions grow with
    the square of the batch and take most of a large import's time."""
    if not objects:
        return
    fields = [model._meta.get_field(name) for name in field_names]
    qn = connection.ops.quote_name
    assignments = ", ".join(f"{qn(f.column)} = %s" for f in fields)
    sql = f"UPDATE {qn(model._meta.db_table)} SET {assignments} WHERE {qn(model._meta.pk.column)} = %s"
    params = [[f.get_db_prep_save(getattr(obj, f.attname), connection) for f in fields] + [obj.pk] for obj in objects]
    with connection.cursor() as cursor:
        cursor.executemany(sql, params)


def _kept_relations(expert_ids: list[int]) -> dict[int, dict[str, list]]:
    """What updated experts hold now: term codes, language codes and credentials."""
    kept: dict[int, dict[str, list]] = {pk: {} for pk in expert_ids}
    if not expert_ids:
        return kept
    for column, model_field in (("practice_areas", Expert.practice_areas), ("industries", Expert.industries)):
        pairs = model_field.through.objects.filter(expert_id__in=expert_ids).order_by("term__position", "term__code")
        for expert_id, code in pairs.values_list("expert_id", "term__code"):
            kept[expert_id].setdefault(column, []).append(code)
    for expert_id, code in ExpertLanguage.objects.filter(expert_id__in=expert_ids).values_list("expert_id", "code"):
        kept[expert_id].setdefault("languages", []).append(code)
    for credential in Credential.objects.filter(expert_id__in=expert_ids):
        kept[credential.expert_id].setdefault("credentials", []).append(credential)
    return kept


def _unique_slug(base: str, taken: set[str]) -> str:
    root = slugify(base)[:60] or "org"
    slug, n = root, 1
    while slug in taken:
        n += 1
        slug = f"{root}-{n}"
    taken.add(slug)
    return slug


# -- the command line --------------------------------------------------------------------------------------


def format_errors(errors: list[RowError]) -> str:
    """The report as a plain-text table: sheet, row, field, message."""
    head = (_("sheet"), _("row"), _("field"), _("message"))
    lines = [(e.sheet or "-", str(e.row) if e.row else "-", e.field or "-", e.message) for e in errors]
    widths = [max(len(str(h)), *(len(line[i]) for line in lines)) for i, h in enumerate(head[:3])]
    out = ["  ".join(str(h).ljust(w) for h, w in zip(head[:3], widths, strict=True)) + "  " + str(head[3])]
    out += ["  ".join(c.ljust(w) for c, w in zip(line[:3], widths, strict=True)) + "  " + line[3] for line in lines]
    return "\n".join(out)


def cli_import(command, *, file, dry_run, encoding, kind, actor, no_progress, **_options) -> bool:
    from django.core.management.base import CommandError
    from tqdm import tqdm

    from lawbridge.accounts.models import User

    user = None
    if actor:
        user = User.objects.filter(email__iexact=actor.strip()).first()
        if user is None:
            raise CommandError(f"No user with the email address {actor}.")
    if not Path(file).is_file():
        raise CommandError(f"No such file: {file}")
    bar = tqdm(total=0, unit="row", file=sys.stderr, disable=no_progress, desc="check" if dry_run else "import")

    def progress(done: int, total: int) -> None:
        if bar.total != total:
            bar.total = total
        bar.n = done
        bar.refresh()

    started = clock.monotonic()
    run = check if dry_run else commit
    try:
        report = run(file, actor=user, encoding=encoding, kind=kind, progress=progress)
    except PermissionDenied as exc:
        raise CommandError(str(exc)) from exc
    finally:
        bar.close()
    if report.errors:
        command.stdout.write(format_errors(report.errors))
    summary = {k: v for k, v in report.as_dict().items() if k != "errors"}
    summary.update(errors=len(report.errors), dry_run=bool(dry_run), seconds=round(clock.monotonic() - started, 2))
    command.stdout.write(json.dumps(summary, ensure_ascii=False))
    return report.ok


# -- imports from the staff pages (run by import_tasks) ----------------------------------------------------


def _job_progress(job_id: int) -> Progress:
    last = [0.0]

    def progress(done: int, total: int) -> None:
        now = clock.monotonic()
        if now - last[0] >= 0.5 or done >= total:
            last[0] = now
            ImportJob.objects.filter(pk=job_id).update(rows_done=done, rows_total=total)

    return progress


def job_run(*, job_id: int, write: bool) -> str:
    """Check (or, once checked, commit) an uploaded file. Idempotent: a job in another state is left alone."""
    if write:
        waiting = running = ImportJob.Status.IMPORTING
    else:
        waiting, running = ImportJob.Status.QUEUED, ImportJob.Status.CHECKING
    if not ImportJob.objects.filter(pk=job_id, status__in=[waiting, running]).update(status=running):
        return "skipped"
    job = ImportJob.objects.select_related("created_by").get(pk=job_id)
    options = job.report.get("options", {}) if isinstance(job.report, dict) else {}
    run = commit if write else check
    try:
        with job.file.open("rb") as fh, _local_copy(fh, job.original_name) as path:
            report = run(
                path,
                actor=job.created_by,
                encoding=options.get("encoding", ""),
                kind=options.get("kind", ""),
                progress=_job_progress(job_id),
            )
    except Exception as exc:
        ImportJob.objects.filter(pk=job_id).update(
            status=ImportJob.Status.FAILED,
            finished_at=timezone.now(),
            report={"options": options, "ok": False, "failure": type(exc).__name__, "errors": []},
        )
        raise
    status = (ImportJob.Status.DONE if write else ImportJob.Status.CHECKED) if report.ok else ImportJob.Status.INVALID
    ImportJob.objects.filter(pk=job_id).update(
        status=status,
        rows_total=report.rows,
        rows_done=report.rows,
        report={"options": options, **report.as_dict()},
        finished_at=timezone.now(),
    )
    return status


class _local_copy:
    """A path on local disk for a stored upload (storages need not have one)."""

    def __init__(self, fh, name: str):
        self.fh, self.suffix = fh, Path(name).suffix.lower()

    def __enter__(self) -> str:
        import tempfile

        self.tmp = tempfile.NamedTemporaryFile(suffix=self.suffix, delete=False)
        for chunk in iter(lambda: self.fh.read(1 << 20), b""):
            self.tmp.write(chunk)
        self.tmp.close()
        return self.tmp.name

    def __exit__(self, *exc) -> None:
        Path(self.tmp.name).unlink(missing_ok=True)
