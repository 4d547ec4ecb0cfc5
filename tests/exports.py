"""The way an export with full identifiers leaves Frontline in a test, as it does for a person: asked for
with a reason, approved by another user who may approve for the area, downloaded once by the requester."""

from frontline.core.models import ExportRequest


def full_export(client_for, area, *, requester: str, approver: str, fmt: str = "xlsx", kind: str = "roster"):
    """Ask (through the area's `?full=1` link), approve, download: the download's response."""
    asking = client_for(requester)
    start = asking.get(f"/areas/{area.pk}/roster.xlsx?full=1&format={fmt}")
    assert start.status_code == 302 and start["Location"] == f"/areas/{area.pk}/exports/{kind}/new/?format={fmt}", start
    created = asking.post(start["Location"], {"reason": "给密接排查组核对身份", "format": fmt})
    asked = ExportRequest.objects.filter(requester__username=requester).latest("id")
    assert created.status_code == 302 and created["Location"] == f"/exports/{asked.pk}/"
    assert client_for(approver).post(f"/exports/{asked.pk}/approve/").status_code == 302
    asked.refresh_from_db()
    assert asked.status == ExportRequest.Status.APPROVED, asked.status
    return asking.post(f"/exports/{asked.pk}/download/")
