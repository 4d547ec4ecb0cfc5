"""The access matrix's entries for the resident pages' desk: the list of an area's grids, a grid's page with its
publishing form, a new address, closing, reopening and the posters (manage_resident_pages: the desks of the
area). Each probe grid has an open page."""

from frontline.care.models import ResidentPage
from frontline.care.policy import MANAGE_RESIDENT_PAGES
from frontline.care.resident_pages import resident_page_publish


def _grid(o, where, user):
    return {"area_pk": o[where].grid.pk}


def entries(matrix):
    grid = matrix._obj("grid")
    pages = {
        "resident_page_list": matrix.Route(MANAGE_RESIDENT_PAGES, outside=False),
        "resident_page_manage": matrix.Route(MANAGE_RESIDENT_PAGES, _grid, grid, method="post",
                                             data=lambda o, where: {"hotline": "13900139000"}),
        "resident_page_renew": matrix.Route(MANAGE_RESIDENT_PAGES, _grid, grid, method="post"),
        "resident_page_close": matrix.Route(MANAGE_RESIDENT_PAGES, _grid, grid, method="post"),
        "resident_page_reopen": matrix.Route(MANAGE_RESIDENT_PAGES, _grid, grid, method="post"),
        "resident_page_poster_png": matrix.Route(MANAGE_RESIDENT_PAGES, _grid, grid),
        "resident_page_poster_pdf": matrix.Route(MANAGE_RESIDENT_PAGES, _grid, grid),
    }
    return pages, {}


def place(o, city):
    for here, author in ((o.inside, "commander"), (o.outside, "district2")):
        resident_page_publish(actor=city.users[author], grid=here.grid, hotline="0371-12345678")


def fingerprint():
    return tuple(ResidentPage.objects.values_list("pk", "code", "hotline", "active").order_by("pk"))
