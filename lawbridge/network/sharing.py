"""Sharing the talent pool between Yangtze River Delta cities (Article 13 of the decision).

Two sides:

* the feed (a selector): ``shared_experts_feed`` lists this city's own experts marked "shared" and verified,
  ordered by (updated_at, id) with an opaque keyset cursor, and, when asked for changes since a time, the
  experts that stopped being shared as ``{"id", "updated_at", "withdrawn": true}`` tombstones;
* the pull client (a service): ``pull`` reads another Lawbridge's feed page by page and keeps read-only
  copies of its experts (``Expert.source`` is the peer), applying updates and honouring removals.

The feed format is documented in docs/shared-experts-feed.md.
"""

import base64
import binascii
import json
import logging
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any
from urllib.parse import urlencode, urlsplit, urlunsplit

import httpx
from django.core.exceptions import ValidationError
from django.core.management.base import CommandError
from django.db import transaction
from django.db.models import ProtectedError, Q, RestrictedError
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _

from lawbridge.core.city import city, districts

from . import services, taxonomy
from .choices import (
    Availability,
    CredentialKind,
    CredentialStatus,
    ExpertKind,
    FeeBasis,
    LanguageLevel,
    ReviewStatus,
    Tier,
    Vocabulary,
)
from .models import Credential, Expert, ExpertLanguage, Peer, Term

logger = logging.getLogger(__name__)

FEED_VERSION = 1
DEFAULT_PAGE_SIZE = 100
MAX_PAGE_SIZE = 500

# The pull client.
PULL_PAGE_SIZE = 200
TIMEOUT_SECONDS = 10
TRIES = 3
BACKOFF_SECONDS = 1.0
MAX_PAGES = 10_000
# Incremental pulls ask for changes since the last seen time minus this much: a change whose transaction
# committed a little after a later one is still picked up. Re-sent items are recognised and skipped.
OVERLAP = timedelta(minutes=5)
# Credentials are copied without their numbers (licence numbers are private); the copies carry this instead.
EXTERNAL_CREDENTIAL_NUMBER = "shared"

_sleep = time.sleep  # tests replace it


# -- the feed ----------------------------------------------------------------------------------------------


class FeedError(ValueError):
    """Bad feed parameters: ``code`` for the API's error format, ``message`` for people."""

    def __init__(self, code: str, message, field: str):
        super().__init__(str(message))
        self.code, self.message, self.field = code, message, field


def iso(value: datetime | None) -> str | None:
    """A timestamp as the feed writes it: UTC, microseconds, ``Z``."""
    if value is None:
        return None
    return value.astimezone(UTC).isoformat(timespec="microseconds").replace("+00:00", "Z")


def parse_timestamp(value: str) -> datetime | None:
    """An ISO 8601 date-time; a time without an offset is taken as UTC. None if it is not one."""
    value = (value or "").strip()
    if not value or len(value) > 64:
        return None
    candidates = [value]
    if " " in value[10:]:  # an unescaped "+" in a query string arrives as a space
        head, _sep, tail = value.rpartition(" ")
        candidates.append(f"{head}+{tail}")
    for candidate in candidates:
        try:
            parsed = parse_datetime(candidate)
        except ValueError:
            parsed = None
        if parsed is not None:
            return parsed if timezone.is_aware(parsed) else parsed.replace(tzinfo=UTC)
    return None


def encode_cursor(updated_at: datetime, pk: int) -> str:
    raw = f"{iso(updated_at)}|{pk}".encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str) -> tuple[datetime, int]:
    bad = FeedError("invalid_cursor", _("The cursor is not one this feed gave out."), "cursor")
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        stamp, pk = raw.split("|")
        updated_at, pk = parse_timestamp(stamp), int(pk)
    except (binascii.Error, UnicodeDecodeError, ValueError):
        raise bad from None
    if updated_at is None or pk < 0:
        raise bad
    return updated_at, pk


def _district(code: str) -> dict | None:
    if not code:
        return None
    for district in districts():
        if district["code"] == code:
            return {"code": code, "name": district["name"]}
    return {"code": code, "name": {}}


def _names(zh: str, en: str) -> dict[str, str]:
    return {k: v for k, v in {"zh-hans": zh, "en": en}.items() if v}


def _money(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


def _number(value: Decimal | None) -> float | None:
    return None if value is None else float(value)


def feed_item(expert: Expert, profile_url: str) -> dict[str, Any]:
    """One shared expert as the feed shows it: the public profile, without phone, email, capacity or
    credential numbers."""
    institution = None
    if expert.institution_id:
        org = expert.institution.organisation
        institution = _names(org.name, org.name_en)
    credentials = [
        {"kind": c.kind, "issuer": c.issuer, "expires_on": c.expires_on.isoformat() if c.expires_on else None}
        for c in expert.credentials.all()
        if c.status == CredentialStatus.VERIFIED
    ]
    return {
        "id": str(expert.public_id),
        "updated_at": iso(expert.updated_at),
        "kind": expert.kind,
        "name": expert.name,
        "name_latin": expert.name_latin,
        "institution": institution,
        "district": _district(expert.district_code),
        "home_city": expert.home_city,
        "practice_areas": sorted(t.code for t in expert.practice_areas.all()),
        "industries": sorted(t.code for t in expert.industries.all()),
        "jurisdictions": list(expert.jurisdictions),
        "languages": [{"code": lang.code, "level": lang.level} for lang in expert.languages.all()],
        "years_of_practice": expert.years_of_practice,
        "tier": expert.tier,
        "availability": expert.availability,
        "fees": {
            "min": _money(expert.fee_min),
            "max": _money(expert.fee_max),
            "currency": expert.fee_currency,
            "basis": expert.fee_basis,
        },
        "bios": dict(expert.bios),
        "credentials_ok": expert.credentials_ok,
        "credentials_expire_on": expert.credentials_expire_on.isoformat() if expert.credentials_expire_on else None,
        "credentials": credentials,
        "matters_handled": expert.matters_handled,
        "median_response_hours": _number(expert.median_response_hours),
        "rating_average": _number(expert.rating_average),
        "rating_count": expert.rating_count,
        "profile_url": profile_url,
    }


def _shared_now() -> Q:
    return Q(is_shared=True, status=ReviewStatus.VERIFIED)


@dataclass
class FeedPage:
    body: dict[str, Any]
    has_more: bool


def shared_experts_feed(
    *,
    absolute_url: Callable[[str], str],
    updated_since: str | None = None,
    cursor: str | None = None,
    page_size: int = DEFAULT_PAGE_SIZE,
) -> FeedPage:
    """One page of this city's shared experts, oldest change first.

    Without ``updated_since``: every expert shared now. With it: those changed at or after that time, and
    tombstones for experts that were shared once and are no longer (unshared, rejected, back to draft).
    ``absolute_url`` turns a path into the absolute address of the profile page.
    """
    if not 1 <= page_size <= MAX_PAGE_SIZE:
        raise FeedError(
            "invalid_page_size", _("A page holds 1 to {max} experts.").format(max=MAX_PAGE_SIZE), "page_size"
        )
    since = None
    if updated_since:
        since = parse_timestamp(updated_since)
        if since is None:
            raise FeedError(
                "invalid_updated_since",
                _("updated_since must be an ISO 8601 date and time, e.g. 2026-01-31T08:00:00Z."),
                "updated_since",
            )
    experts = Expert.objects.filter(source__isnull=True)
    if since is None:
        experts = experts.filter(_shared_now())
    else:
        experts = experts.filter(_shared_now() | Q(was_shared=True)).filter(updated_at__gte=since)
    if cursor:
        after, pk = decode_cursor(cursor)
        experts = experts.filter(Q(updated_at__gt=after) | Q(updated_at=after, pk__gt=pk))
    rows = list(
        experts.select_related("institution__organisation")
        .prefetch_related("practice_areas", "industries", "languages", "credentials")
        .order_by("updated_at", "pk")[: page_size + 1]
    )
    has_more = len(rows) > page_size
    rows = rows[:page_size]
    items = []
    for expert in rows:
        if expert.is_shared and expert.status == ReviewStatus.VERIFIED:
            items.append(feed_item(expert, absolute_url(reverse("network:expert", args=[expert.public_id]))))
        else:
            items.append({"id": str(expert.public_id), "updated_at": iso(expert.updated_at), "withdrawn": True})
    next_cursor = encode_cursor(rows[-1].updated_at, rows[-1].pk) if rows else cursor or ""
    here = city()
    body = {
        "version": FEED_VERSION,
        "city": {"code": here["slug"], "name": here["name"]},
        "generated_at": iso(timezone.now()),
        "items": items,
        "cursor": next_cursor,
    }
    return FeedPage(body=body, has_more=has_more)


# -- peers -------------------------------------------------------------------------------------------------


def peer_save(
    *, actor, name: str, feed_url: str, city_name: dict[str, str] | None = None, token: str | None = None
) -> Peer:
    """Register another city's feed, or change one (by name). An empty city name or token keeps the old one;
    the city name is otherwise taken from the feed on the first pull."""
    services._require(actor, "network.manage_peers")
    name = (name or "").strip()
    peer = Peer.objects.filter(name=name).first() or Peer(name=name)
    peer.feed_url = (feed_url or "").strip()
    names = {k: v.strip() for k, v in (city_name or {}).items() if v and v.strip()}
    if names:
        peer.city_name = names
    if token:
        peer.token = token.strip()
    peer.is_active = True
    peer.full_clean(exclude=[] if peer.city_name else ["city_name"])  # unnamed: the feed names its city
    if urlsplit(peer.feed_url).scheme not in ("http", "https"):
        raise ValidationError({"feed_url": _("The feed address must start with http:// or https://.")})
    peer.save()
    return peer


# -- pulling -----------------------------------------------------------------------------------------------


class PullError(Exception):
    """The peer could not be read, or answered with something that is not a feed."""


def _same_origin(a: str, b: str) -> bool:
    x, y = urlsplit(a), urlsplit(b)
    return (x.scheme, x.netloc) == (y.scheme, y.netloc)


def _with_query(url: str, params: dict[str, str]) -> str:
    parts = urlsplit(url)
    query = "&".join(filter(None, [parts.query, urlencode(params)]))
    return urlunsplit((parts.scheme, parts.netloc, parts.path, query, ""))


def _fetch(client: httpx.Client, url: str) -> dict:
    """GET one page, with a few tries on connection trouble and server errors."""
    for attempt in range(1, TRIES + 1):
        try:
            response = client.get(url)
        except httpx.TransportError as exc:
            problem = _("could not reach {url}: {error}").format(url=url, error=exc.__class__.__name__)
            if attempt == TRIES:
                raise PullError(problem) from exc
        else:
            if response.status_code < 500:
                break
            problem = _("{url} answered {status}").format(url=url, status=response.status_code)
            if attempt == TRIES:
                raise PullError(problem)
        _sleep(BACKOFF_SECONDS * 2 ** (attempt - 1))
    if response.status_code in (401, 403):
        raise PullError(
            _("{url} refused access ({status}): check the token.").format(url=url, status=response.status_code)
        )
    if response.status_code != 200:
        raise PullError(_("{url} answered {status}").format(url=url, status=response.status_code))
    try:
        body = response.json()
    except (json.JSONDecodeError, UnicodeDecodeError):
        raise PullError(_("{url} did not answer with JSON.").format(url=url)) from None
    if not isinstance(body, dict) or not isinstance(body.get("items"), list):
        raise PullError(_("{url} did not answer with a shared-experts feed.").format(url=url))
    return body


def _text(value, limit: int) -> str:
    return value.strip()[:limit] if isinstance(value, str) else ""


def _choice(value, choices, default: str) -> str:
    return value if isinstance(value, str) and value in choices.values else default


def _decimal(value, *, digits: int, places: int) -> Decimal | None:
    if value is None or isinstance(value, bool):
        return None
    try:
        number = Decimal(str(value)).quantize(Decimal(1).scaleb(-places))
    except (InvalidOperation, ValueError):
        return None
    if not number.is_finite() or number < 0 or number >= Decimal(10) ** (digits - places):
        return None
    return number


def _count(value, limit: int = 2_147_483_647) -> int | None:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        return None
    return min(value, limit)


def _day(value) -> date | None:
    try:
        return parse_date(value) if isinstance(value, str) else None
    except ValueError:
        return None


def _labels(value) -> dict[str, str]:
    if not isinstance(value, dict):
        return {}
    return {k[:16]: v.strip()[:4000] for k, v in value.items() if isinstance(k, str) and isinstance(v, str) and v}


@dataclass
class Pulled:
    """A feed item checked and turned into model values."""

    external_id: uuid.UUID
    updated_at: datetime
    withdrawn: bool
    fields: dict[str, Any]
    practice_areas: list[str]
    industries: list[str]
    languages: list[tuple[str, str]]
    credentials: list[dict]


def check_item(item, *, city_code: str) -> Pulled:
    """Check one item of a peer's feed. Raises PullError for an item that is not one (no id or time)."""
    if not isinstance(item, dict):
        raise PullError(_("an item of the feed is not an object"))
    try:
        external_id = uuid.UUID(str(item.get("id")))
    except ValueError:
        raise PullError(_("an item of the feed has no valid id")) from None
    updated_at = parse_timestamp(item.get("updated_at") if isinstance(item.get("updated_at"), str) else "")
    if updated_at is None:
        raise PullError(_("item {id} has no valid updated_at").format(id=external_id))
    if item.get("withdrawn") is True:
        return Pulled(external_id, updated_at, True, {}, [], [], [], [])
    fees = item.get("fees") if isinstance(item.get("fees"), dict) else {}
    home_city = item.get("home_city")
    cities = taxonomy.term_codes(Vocabulary.CITY)
    if home_city not in cities:
        home_city = city_code if city_code in cities else ""
    fields = {
        "kind": item.get("kind"),
        "name": _text(item.get("name"), 200),
        "name_latin": _text(item.get("name_latin"), 200),
        "home_city": home_city,
        "jurisdictions": sorted(
            {c.upper() for c in item.get("jurisdictions") or [] if isinstance(c, str) and taxonomy.is_country(c)}
        ),
        "years_of_practice": _count(item.get("years_of_practice"), 32767),
        "tier": _choice(item.get("tier"), Tier, Tier.STANDARD),
        "availability": _choice(item.get("availability"), Availability, Availability.AVAILABLE),
        "fee_min": _decimal(fees.get("min"), digits=12, places=2),
        "fee_max": _decimal(fees.get("max"), digits=12, places=2),
        "fee_currency": _text(fees.get("currency"), 3).upper() or "CNY",
        "fee_basis": _choice(fees.get("basis"), FeeBasis, FeeBasis.HOURLY),
        "bios": _labels(item.get("bios")),
        "matters_handled": _count(item.get("matters_handled")) or 0,
        "median_response_hours": _decimal(item.get("median_response_hours"), digits=7, places=1),
        "rating_average": _decimal(item.get("rating_average"), digits=3, places=2),
        "rating_count": _count(item.get("rating_count")) or 0,
        "external_institution": _labels(item.get("institution")),
        "external_url": _text(item.get("profile_url"), 500)
        if _text(item.get("profile_url"), 500).startswith(("http://", "https://"))
        else "",
        "external_updated_at": updated_at,
    }
    languages = []
    for lang in item.get("languages") or []:
        if isinstance(lang, dict) and isinstance(lang.get("code"), str) and taxonomy.is_language(lang["code"]):
            languages.append((lang["code"].lower(), _choice(lang.get("level"), LanguageLevel, LanguageLevel.WORKING)))
    credentials = []
    for cred in item.get("credentials") or []:
        if isinstance(cred, dict) and cred.get("kind") in CredentialKind.values:
            credentials.append(
                {
                    "kind": cred["kind"],
                    "issuer": _text(cred.get("issuer"), 200) or "—",
                    "expires_on": _day(cred.get("expires_on")),
                }
            )

    def codes(key):
        return [c for c in item.get(key) or [] if isinstance(c, str)][:200]

    return Pulled(
        external_id,
        updated_at,
        False,
        fields,
        codes("practice_areas"),
        codes("industries"),
        list(dict(languages).items()),
        credentials,
    )


def _withdraw(expert: Expert) -> None:
    """A peer stopped sharing an expert: the copy goes. It is a copy, not a record of anything done here; if
    something here refers to it (a match offer, a case), it is kept as a draft, out of the directory."""
    try:
        with transaction.atomic():
            expert.delete()
    except (ProtectedError, RestrictedError):
        Expert.objects.filter(pk=expert.pk).update(status=ReviewStatus.DRAFT)
        expert.refresh_from_db()
        services.expert_refresh(expert)


class _Puller:
    def __init__(self, peer: Peer, full: bool):
        self.peer, self.full = peer, full
        self.summary = {"created": 0, "updated": 0, "unchanged": 0, "withdrawn": 0, "skipped": 0, "pages": 0}
        self.unknown_codes: set[str] = set()
        self.seen: set[uuid.UUID] = set()
        self.latest: datetime | None = None
        self.since: datetime | None = None
        self.terms = {
            vocabulary: {t.code: t for t in Term.objects.filter(vocabulary=vocabulary, is_active=True)}
            for vocabulary in (Vocabulary.PRACTICE_AREA, Vocabulary.INDUSTRY)
        }

    def first_url(self) -> str:
        self.since = parse_timestamp(self.peer.cursor) if self.peer.cursor and not self.full else None
        if self.since is None:
            self.full = True
        return _with_query(self.peer.feed_url, self.params())

    def params(self, cursor: str = "") -> dict[str, str]:
        params = {"page_size": str(PULL_PAGE_SIZE)}
        if self.since is not None:
            params["updated_since"] = iso(self.since - OVERLAP)
        if cursor:
            params["cursor"] = cursor
        return params

    def next_url(self, body: dict, url: str) -> str | None:
        """Where the next page is: the feed's ``next`` if it is on the peer's own site, else the feed address
        with the cursor (a token is never sent anywhere else)."""
        following = body.get("next")
        if not following:
            return None
        if isinstance(following, str) and _same_origin(following, self.peer.feed_url):
            return following
        cursor = body.get("cursor")
        if not isinstance(cursor, str) or not cursor:
            raise PullError(_("the feed has more pages but gave no cursor"))
        return _with_query(self.peer.feed_url, self.params(cursor))

    def run(self, client: httpx.Client) -> None:
        url, visited = self.first_url(), set()
        while url:
            if url in visited or self.summary["pages"] >= MAX_PAGES:
                raise PullError(_("the feed keeps sending the same page"))
            visited.add(url)
            body = _fetch(client, url)
            self.apply_page(body)
            url = self.next_url(body, url)
        if self.full:
            self.withdraw_missing()
        self.save_cursor()

    def save_cursor(self) -> None:
        """Remember the latest change seen (never going back), so the next pull asks only for later ones."""
        if self.latest is None or (self.since is not None and self.latest <= self.since):
            return
        self.peer.cursor = iso(self.latest)
        Peer.objects.filter(pk=self.peer.pk).update(cursor=self.peer.cursor)

    def apply_page(self, body: dict) -> None:
        feed_city = body.get("city") if isinstance(body.get("city"), dict) else {}
        city_code = feed_city.get("code") if isinstance(feed_city.get("code"), str) else ""
        pulled = [check_item(item, city_code=city_code) for item in body["items"]]
        with transaction.atomic():
            if not self.peer.city_name and _labels(feed_city.get("name")):
                self.peer.city_name = _labels(feed_city.get("name"))
                Peer.objects.filter(pk=self.peer.pk).update(city_name=self.peer.city_name)
            existing = {
                e.external_id: e
                for e in Expert.objects.filter(source=self.peer, external_id__in=[p.external_id for p in pulled])
            }
            for item in pulled:
                self.apply_item(item, existing)
            self.summary["pages"] += 1
            if not self.full:  # an incremental pull keeps its progress page by page
                self.save_cursor()

    def apply_item(self, item: Pulled, existing: dict[uuid.UUID, Expert]) -> None:
        if self.latest is None or item.updated_at > self.latest:
            self.latest = item.updated_at
        expert = existing.get(item.external_id)
        if item.withdrawn:
            self.seen.discard(item.external_id)
            if expert is not None:
                _withdraw(expert)
                existing.pop(item.external_id)
                self.summary["withdrawn"] += 1
            return
        if item.fields["kind"] not in ExpertKind.values or not item.fields["name"]:
            self.summary["skipped"] += 1
            return
        self.seen.add(item.external_id)
        if (
            expert is not None
            and expert.status == ReviewStatus.VERIFIED
            and expert.external_updated_at is not None
            and expert.external_updated_at >= item.updated_at
        ):
            self.summary["unchanged"] += 1
            return
        created = expert is None
        if created:
            expert = Expert(source=self.peer, external_id=item.external_id)
        for key, value in item.fields.items():
            setattr(expert, key, value)
        expert.status = ReviewStatus.VERIFIED
        expert.is_shared = False  # a copy is never shared on
        expert.district_code = ""  # the peer's districts are not this city's
        expert.save()
        existing[item.external_id] = expert
        areas = self._terms(Vocabulary.PRACTICE_AREA, item.practice_areas)
        expert.practice_areas.set(areas)
        expert.industries.set(self._terms(Vocabulary.INDUSTRY, item.industries))
        expert.languages.all().delete()
        ExpertLanguage.objects.bulk_create(ExpertLanguage(expert=expert, code=c, level=lv) for c, lv in item.languages)
        expert.credentials.all().delete()
        now = timezone.now()
        Credential.objects.bulk_create(
            Credential(
                expert=expert,
                number=EXTERNAL_CREDENTIAL_NUMBER,
                status=CredentialStatus.VERIFIED,
                verified_at=now,
                is_external=True,
                **values,
            )
            for values in item.credentials
        )
        services.expert_refresh(expert)
        self.summary["created" if created else "updated"] += 1

    def _terms(self, vocabulary: str, codes: list[str]) -> list[Term]:
        found = []
        for code in dict.fromkeys(codes):
            term = self.terms[vocabulary].get(code)
            if term is None:
                self.unknown_codes.add(f"{vocabulary}:{code[:60]}")
            else:
                found.append(term)
        return found

    def withdraw_missing(self) -> None:
        """After a full pull: copies of experts the peer no longer lists go."""
        gone = [
            pk
            for pk, external_id in Expert.objects.filter(source=self.peer).values_list("pk", "external_id")
            if external_id not in self.seen
        ]
        for start in range(0, len(gone), 500):
            with transaction.atomic():
                for expert in Expert.objects.filter(pk__in=gone[start : start + 500]):
                    _withdraw(expert)
                    self.summary["withdrawn"] += 1

    def result(self) -> dict:
        return {**self.summary, "unknown_codes": sorted(self.unknown_codes)[:100]}


def pull(peer: Peer, *, full: bool = False, transport: httpx.BaseTransport | None = None) -> dict:
    """Bring this city's copies of a peer's shared experts up to date.

    Returns ``{"created", "updated", "unchanged", "withdrawn", "skipped", "pages", "unknown_codes", "error"}``;
    ``error`` is None on success, else what went wrong (also kept on the peer). Pages applied before a failure
    stay applied. Never raises for a peer's misbehaviour.
    """
    puller = _Puller(peer, full)
    headers = {"Accept": "application/json", "User-Agent": "Lawbridge shared-experts pull"}
    if peer.token:
        headers["Authorization"] = f"Bearer {peer.token}"
    error = None
    try:
        with httpx.Client(
            timeout=TIMEOUT_SECONDS, headers=headers, transport=transport, follow_redirects=True
        ) as client:
            puller.run(client)
    except PullError as exc:
        error = str(exc)
    except Exception as exc:  # a bug must not stop the other peers; it is logged in full
        logger.exception("Pulling shared experts from %s failed", peer.name)
        error = _("unexpected error: {error}").format(error=exc.__class__.__name__)
    result = {**puller.result(), "error": error}
    peer.last_pulled_at = timezone.now()
    peer.last_result = result
    peer.last_error = error or ""
    Peer.objects.filter(pk=peer.pk).update(
        last_pulled_at=peer.last_pulled_at, last_result=result, last_error=peer.last_error
    )
    if error:
        logger.warning("Pulling shared experts from %s: %s", peer.name, error)
    return result


def pull_all(names: list[str] | None = None, *, full: bool = False) -> dict[str, dict]:
    """Pull from every active peer (or those named); one failing peer does not stop the others."""
    peers = Peer.objects.filter(name__in=names) if names else Peer.objects.filter(is_active=True)
    return {peer.name: pull(peer, full=full) for peer in peers}


# -- the command line (``lawbridge network peer-add`` and ``pull``) ----------------------------------------


def cli_peer_add(command, *, name, feed_url, city_zh="", city_en="", token="", **_options) -> None:
    try:
        peer = peer_save(
            actor=None, name=name, feed_url=feed_url, city_name={"zh-hans": city_zh, "en": city_en}, token=token
        )
    except ValidationError as exc:
        messages = [f"{field}: {' '.join(errors)}" for field, errors in exc.message_dict.items()]
        raise CommandError("; ".join(messages)) from None
    command.stdout.write(json.dumps({"peer": peer.name, "feed_url": peer.feed_url, "city": peer.city_name}))


def cli_pull(command, *, names=(), full=False, **_options) -> None:
    names = list(names or [])
    unknown = sorted(set(names) - set(Peer.objects.filter(name__in=names).values_list("name", flat=True)))
    if unknown:
        raise CommandError(_("Unknown peers: {names}").format(names=", ".join(unknown)))
    results = pull_all(names, full=full)
    if not results:
        command.stdout.write(_("No active peers: add one with `lawbridge network peer-add`."))
    failed = []
    for name, result in results.items():
        command.stdout.write(json.dumps({"peer": name, **result}, ensure_ascii=False))
        if result["error"]:
            failed.append(f"{name}: {result['error']}")
    if failed:
        raise CommandError(_("Pulling failed for {peers}").format(peers="; ".join(failed)))
