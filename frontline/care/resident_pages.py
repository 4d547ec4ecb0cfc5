"""Publishing a grid's resident page (居民页面): its random address code, its hotline, closing and reopening it, a
new code when an old poster must lead nowhere; and the desk's list of the grids of an area with their page and
today's submissions from it. Every write asks the policy first and is audited."""

import secrets
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _

from frontline.areas.models import Area, AreaLevel
from frontline.core import policy
from frontline.core.audit import audit_create, audit_update, snapshot
from frontline.core.validators import normalize_phone

from .models import RECEIPT_ALPHABET, Channel, ResidentPage, ResidentRequest, SupplyOrder
from .policy import MANAGE_RESIDENT_PAGES

CODE_LENGTH = 10  # about 50 bits from an alphabet without 0/O, 1/I: not guessable, readable off a poster


def new_page_code() -> str:
    """A code no page has yet (a collision is astronomically rare; the unique constraint stands behind it)."""
    while True:
        code = "".join(secrets.choice(RECEIPT_ALPHABET) for _ in range(CODE_LENGTH))
        if not ResidentPage.objects.filter(code=code).exists():
            return code


def public_path(code: str) -> str:
    return f"/r/{code}/"


def public_url(request, code: str) -> str:
    """The address a resident's phone opens from the poster: FRONTLINE_PUBLIC_URL (the address residents reach
    from outside) or, where it is empty, the host the desk's request came in on."""
    base = (settings.FRONTLINE_PUBLIC_URL or "").rstrip("/")
    return f"{base}{public_path(code)}" if base else request.build_absolute_uri(public_path(code))


def grid_full_name(grid: Area) -> str:
    """"金水区 二七街道 建设社区 第一网格" without the city and district: street, community, grid."""
    names = [a.name for a in Area.objects.get_ancestors(grid) if a.level in (AreaLevel.STREET, AreaLevel.COMMUNITY)]
    return " ".join([*names, grid.name])


def _grid(actor, grid: Area) -> None:
    policy.require(actor, MANAGE_RESIDENT_PAGES, grid)
    if grid.level != AreaLevel.GRID:
        raise ValidationError(_("%(area)s is a %(level)s: a resident page belongs to a grid.")
                              % {"area": grid.name, "level": grid.get_level_display()})


def _hotline(hotline: str) -> str:
    try:
        return normalize_phone(hotline or "")
    except ValidationError:
        raise ValidationError({"hotline": _("The hotline %(phone)s is not a phone number: a mobile has 11 digits, a "
                                            "landline starts with its area code (e.g. 0371-12345678).")
                               % {"phone": hotline or "—"}}) from None


@transaction.atomic
def resident_page_publish(*, actor, grid: Area, hotline: str) -> ResidentPage:
    """Publish the grid's page (open, with this hotline), or update the hotline of the one it has; the code stays,
    so printed posters keep working."""
    _grid(actor, grid)
    phone = _hotline(hotline)
    page = ResidentPage.objects.select_for_update().filter(area=grid).first()
    if page is None:
        page = ResidentPage(area=grid, code=new_page_code(), hotline=phone, active=True)
        page.full_clean()
        page.save()
        audit_create(actor, page, note="resident page published")
        return page
    before = snapshot(page)
    page.hotline, page.active = phone, True
    page.full_clean()
    page.save()
    audit_update(actor, page, before, note="resident page published")
    return page


def _change(actor, page: ResidentPage, note: str, **values) -> ResidentPage:
    _grid(actor, page.area)
    page = ResidentPage.objects.select_for_update().get(pk=page.pk)
    before = snapshot(page)
    for field, value in values.items():
        setattr(page, field, value)
    page.full_clean()
    page.save()
    audit_update(actor, page, before, note=note)
    return page


@transaction.atomic
def resident_page_renew_code(*, actor, page: ResidentPage) -> ResidentPage:
    """A new address: the old code (and every poster printed with it) leads nowhere from now on."""
    return _change(actor, page, "resident page code renewed", code=new_page_code())


@transaction.atomic
def resident_page_close(*, actor, page: ResidentPage) -> ResidentPage:
    """Close the page: its address stays, but takes no submission until it is reopened."""
    if not page.active:
        raise ValidationError(_("The resident page of %(grid)s is already closed.") % {"grid": page.area.name})
    return _change(actor, page, "resident page closed", active=False)


@transaction.atomic
def resident_page_reopen(*, actor, page: ResidentPage) -> ResidentPage:
    if page.active:
        raise ValidationError(_("The resident page of %(grid)s is already open.") % {"grid": page.area.name})
    return _change(actor, page, "resident page reopened", active=True)


# --- reads ---------------------------------------------------------------------------------------------------

def resident_page_of(actor, grid: Area) -> ResidentPage | None:
    return ResidentPage.objects.restrict(actor, MANAGE_RESIDENT_PAGES).filter(area=grid).first()


@dataclass
class GridPageRow:
    grid: Area
    page: ResidentPage | None
    orders_today: int
    requests_today: int


def grid_page_rows(*, actor, grids: list[Area], day=None) -> list[GridPageRow]:
    """For each grid: its page (if published) and today's submissions through resident pages (orders and
    requests with channel "page"), in three queries whatever the number of grids."""
    day = day or timezone.localdate()
    ids = [g.pk for g in grids]
    pages = {p.area_id: p for p in ResidentPage.objects.restrict(actor, MANAGE_RESIDENT_PAGES).filter(area_id__in=ids)}

    def counts(model):
        return dict(model.objects.filter(area_id__in=ids, channel=Channel.PAGE, day=day).values("area_id")
                    .annotate(n=Count("id")).values_list("area_id", "n"))

    orders, requests = counts(SupplyOrder), counts(ResidentRequest)
    return [GridPageRow(g, pages.get(g.pk), orders.get(g.pk, 0), requests.get(g.pk, 0)) for g in grids]


def grids_under(*, actor, area: Area):
    """The grids at or under an area that the actor may manage pages of, in code order."""
    return (Area.objects.restrict(actor, MANAGE_RESIDENT_PAGES)
            .filter(level=AreaLevel.GRID, path__startswith=area.path).order_by("path"))
