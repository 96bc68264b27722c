"""The shared-experts feed that other Delta cities pull: public, read-only, paged by cursor.

See docs/shared-experts-feed.md for the format.
"""

from urllib.parse import urlencode

from ninja import Field, Query, Router, Schema

from lawbridge.core.http import ApiError

from . import sharing

router = Router(tags=["network"])


class CityOut(Schema):
    code: str
    name: dict[str, str]


class DistrictOut(Schema):
    code: str
    name: dict[str, str]


class LanguageOut(Schema):
    code: str = Field(description="ISO 639-1 code, or ISO 639-3 where there is none.")
    level: str = Field(description="native, fluent, working or basic.")


class FeesOut(Schema):
    min: str | None = Field(description='A decimal number as a string, e.g. "800.00".')
    max: str | None
    currency: str
    basis: str = Field(description="hourly, per_matter or pro_bono.")


class CredentialOut(Schema):
    kind: str
    issuer: str
    expires_on: str | None = Field(description="YYYY-MM-DD, or null if it does not expire.")


class SharedExpertOut(Schema):
    id: str = Field(description="The expert's public id (a UUID), stable for the life of the profile.")
    updated_at: str = Field(description="When the profile last changed: ISO 8601, UTC, microseconds.")
    kind: str
    name: str
    name_latin: str
    institution: dict[str, str] | None = Field(description='{"zh-hans": …, "en": …}, or null.')
    district: DistrictOut | None
    home_city: str
    practice_areas: list[str]
    industries: list[str]
    jurisdictions: list[str] = Field(description="ISO 3166-1 alpha-2 codes.")
    languages: list[LanguageOut]
    years_of_practice: int | None
    tier: str
    availability: str
    fees: FeesOut
    bios: dict[str, str]
    credentials_ok: bool
    credentials_expire_on: str | None
    credentials: list[CredentialOut] = Field(description="Verified credentials; numbers are never shared.")
    matters_handled: int
    median_response_hours: float | None
    rating_average: float | None
    rating_count: int
    profile_url: str


class WithdrawnOut(Schema):
    id: str
    updated_at: str
    withdrawn: bool = Field(description="Always true: the expert is no longer shared; drop your copy.")


class FeedOut(Schema):
    version: int
    city: CityOut
    generated_at: str
    items: list[SharedExpertOut | WithdrawnOut]
    next: str | None = Field(description="The next page's address, or null on the last page.")
    cursor: str = Field(description="Opaque position after this page; pass it back as ?cursor= to go on.")


@router.get(
    "/network/shared-experts",
    auth=None,
    response=FeedOut,
    summary="Experts this city shares with other Delta cities",
    description=(
        "Public. Oldest change first, page by page: follow `next` (or pass `cursor`). With `updated_since`, only "
        "changes at or after that time, including `withdrawn` tombstones for experts no longer shared."
    ),
)
def shared_experts(
    request,
    updated_since: str | None = Query(None, max_length=64, description="ISO 8601, e.g. 2026-01-31T08:00:00Z"),
    cursor: str | None = Query(None, max_length=200),
    page_size: int = Query(sharing.DEFAULT_PAGE_SIZE, ge=1, le=sharing.MAX_PAGE_SIZE),
):
    try:
        page = sharing.shared_experts_feed(
            absolute_url=request.build_absolute_uri, updated_since=updated_since, cursor=cursor, page_size=page_size
        )
    except sharing.FeedError as exc:
        raise ApiError(400, exc.code, exc.message, {exc.field: [str(exc.message)]}) from None
    body = page.body
    body["next"] = None
    if page.has_more:
        params = {"cursor": body["cursor"], "page_size": page_size}
        if updated_since:
            params["updated_since"] = updated_since
        body["next"] = request.build_absolute_uri(request.path + "?" + urlencode(params))
    return body
