"""API pagination: Ninja's page-number pagination with bounds, so absurd page numbers get a 422,
not a database error."""

from ninja import Field, Schema
from ninja.pagination import PageNumberPagination


class Pagination(PageNumberPagination):
    class Input(Schema):
        page: int = Field(1, ge=1, le=100_000)
        page_size: int | None = Field(None, ge=1, le=1_000)
