"""The API's pages (every `@paginate` list): bounded, so no caller pulls a whole city in one answer.

A `limit` above FRONTLINE_API_MAX_LIMIT or an `offset` beyond what the databases can count answers 422
with the allowed range, before any query runs; a bulk list is an export (approved, watermarked, audited),
not a page size.
"""

from django.conf import settings
from ninja import Field, Schema
from ninja.pagination import LimitOffsetPagination

MAX_OFFSET = 2**31 - 1  # a 32-bit count of rows: far beyond any list, within every database's integers


class Pagination(LimitOffsetPagination):
    class Input(Schema):
        limit: int = Field(settings.FRONTLINE_API_PAGE_SIZE, ge=1, le=settings.FRONTLINE_API_MAX_LIMIT,
                           description=f"Items per page, 1 to {settings.FRONTLINE_API_MAX_LIMIT}.")
        offset: int = Field(0, ge=0, le=MAX_OFFSET, description=f"Items to skip, 0 to {MAX_OFFSET}.")

    def __init__(self, **kwargs):
        super().__init__(max_limit=settings.FRONTLINE_API_MAX_LIMIT, **kwargs)
