"""The demo grid's resident page: published once (with a local hotline), kept as it is on later runs so its
printed poster and the address the demo prints stay the same."""

from frontline.areas.models import Area
from frontline.care.models import ResidentPage
from frontline.care.resident_pages import new_page_code, public_path

DEMO_HOTLINE = "0371-12345678"


def demo_grid() -> Area | None:
    from frontline.core.models import User

    area_id = User.objects.filter(username="grid").values_list("area_id", flat=True).first()
    return Area.objects.filter(pk=area_id).first() if area_id else None


def demo_resident_page_create() -> ResidentPage | None:
    """The demo grid's page, open; created if missing (the public page's demo may have made it first)."""
    grid = demo_grid()
    if grid is None:
        return None
    page, created = ResidentPage.objects.get_or_create(area=grid, defaults={"code": new_page_code(),
                                                                           "hotline": DEMO_HOTLINE, "active": True})
    if not created and not page.active:
        ResidentPage.objects.filter(pk=page.pk).update(active=True)
    return page


def demo_resident_page_path() -> str:
    """The demo grid's resident page address (path), for the demo's welcome lines; "" without one."""
    grid = demo_grid()
    page = ResidentPage.objects.filter(area=grid).first() if grid else None
    return public_path(page.code) if page else ""
