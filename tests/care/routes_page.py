"""The access matrix's entries for the public resident page: open to everyone, a visitor without a login as any
account (the page, its two forms and following a receipt answer alike whoever asks). The probes post empty forms,
which are refused as bad input (400) before anything is counted or written."""

from frontline.care.models import ResidentPage, ResidentRequest, SupplyOrder


def _code(o, where, user):
    return {"code": o.public_page.code}


def entries(matrix):
    public = matrix.PUBLIC
    pages = {
        "resident_page": matrix.Route(public, _code, outside=False),
        "resident_order": matrix.Route(public, _code, method="post", outside=False),
        "resident_request_submit": matrix.Route(public, _code, method="post", outside=False),
        "resident_follow": matrix.Route(public, _code, outside=False),
    }
    return pages, {}


def place(o, city):
    """The probe grid's resident page (the demo's, if it already has one)."""
    o.public_page = ResidentPage.objects.get_or_create(area=o.inside.grid, defaults={
        "code": "probe-page", "hotline": "0371-12345678"})[0]
    ResidentPage.objects.filter(pk=o.public_page.pk).update(active=True)


def fingerprint():
    return SupplyOrder.objects.count(), ResidentRequest.objects.count()
