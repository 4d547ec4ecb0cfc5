"""The demo city's resident page: the demo grid's public page (the grid worker's grid), open, with the grid's
hotline, so the README's resident can order and ask from it. Idempotent, and it leaves alone a page the poster
part (or a person) has already published for the grid."""

from frontline.areas.models import Area
from frontline.care.models import ResidentPage
from frontline.core.models import User

DEMO_PAGE_CODE = "demo-grid"
DEMO_HOTLINE = "0371-12345678"


def demo_resident_page_create() -> ResidentPage | None:
    worker = User.objects.filter(username="grid").select_related("area").first()
    grid = worker.area if worker is not None else Area.objects.filter(level="grid").order_by("path").first()
    if grid is None:
        return None
    page, _ = ResidentPage.objects.get_or_create(area=grid, defaults={"code": DEMO_PAGE_CODE, "hotline": DEMO_HOTLINE})
    return page
