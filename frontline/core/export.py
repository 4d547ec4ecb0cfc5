"""Exports (.xlsx and CSV): scoped by the caller's selector, masked unless asked and allowed, marked with
who exported them and when, recorded in the audit log, and safe to open: a text cell that a spreadsheet
would run as a formula (starting with =, +, -, @, a tab or a carriage return, as a name imported as
`=HYPERLINK(...)` does) is written as text (OWASP's advice on CSV injection, for .xlsx and CSV alike)."""

import csv
import io
import tempfile

from django.http import FileResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from .audit import audit_record
from .models import AuditAction

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
SPOOL_BYTES = 20 * 1024 * 1024  # an export larger than this is spooled to a temporary file, not memory


def csv_safe(value):
    """A CSV cell that a spreadsheet shows as text: formula-like text gets a leading apostrophe."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def _xlsx_safe(sheet, value):
    """An .xlsx cell: formula-like text as a string cell, quote-prefixed so that editing it in Excel
    keeps it text (openpyxl would otherwise store any text starting with = as a formula)."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        cell = WriteOnlyCell(sheet, value=value)
        cell.data_type = "s"
        cell.quotePrefix = True
        return cell
    return value


def _watermark(*, actor, title: str, now, full_identifiers: bool, export_request=None) -> list[str]:
    """The lines above the header: what it is, who exported it when, and that it holds personal data; with
    full identifiers, who asked for them and who approved."""
    lines = [title, _("Exported by %(user)s at %(time)s from Frontline. Personal data: for epidemic prevention work "
                      "only; do not forward.") % {"user": actor.username, "time": now.strftime("%Y-%m-%d %H:%M:%S")}]
    if not full_identifiers:
        lines.append(_("ID numbers and phones are masked."))
    else:
        lines.append(_("Full identifiers: asked for by %(requester)s, approved by %(approver)s at %(time)s "
                       "(export request no. %(number)s).") % {
            "requester": export_request.requester.username, "approver": export_request.approver.username,
            "time": timezone.localtime(export_request.decided_at).strftime("%Y-%m-%d %H:%M:%S"),
            "number": export_request.pk})
    return lines


def _check_approval(*, actor, full_identifiers: bool, export_request) -> None:
    """Full identifiers leave only through an approved request of this actor (DESIGN.md, personal data)."""
    if full_identifiers and (export_request is None or export_request.requester_id != actor.pk
                             or export_request.approver_id is None):
        raise PermissionError("an export with full identifiers needs an approved export request of its own")


def _audited(*, actor, note: str, count: int, obj, full_identifiers: bool, export_request=None) -> None:
    full = f" (full identifiers, export request {export_request.pk})" if full_identifiers else ""
    audit_record(actor=actor, action=AuditAction.EXPORT, obj=obj, note=f"{note}: {count} rows{full}")


def xlsx_export(*, actor, filename: str, title: str, headers: list[str], rows, note: str, obj=None,
                full_identifiers: bool = False, export_request=None) -> FileResponse:
    """Stream an .xlsx of `rows` (an iterable of tuples). The first lines say who exported it, when,
    and that it holds personal data; the export is audited with its row count. Full identifiers only
    with the approved `export_request` of the actor."""
    _check_approval(actor=actor, full_identifiers=full_identifiers, export_request=export_request)
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title[:31])
    now = timezone.localtime()
    for line in _watermark(actor=actor, title=title, now=now, full_identifiers=full_identifiers,
                           export_request=export_request):
        sheet.append([_xlsx_safe(sheet, line)])
    bold = Font(bold=True)
    header_cells = [WriteOnlyCell(sheet, value=text) for text in headers]
    for cell in header_cells:
        cell.font = bold
        if isinstance(cell.value, str) and cell.value.startswith(FORMULA_STARTS):
            cell.data_type, cell.quotePrefix = "s", True
    sheet.append(header_cells)
    count = 0
    for row in rows:
        sheet.append([_xlsx_safe(sheet, value) for value in row])
        count += 1
    spool = tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES)
    workbook.save(spool)
    spool.seek(0)
    _audited(actor=actor, note=note, count=count, obj=obj, full_identifiers=full_identifiers,
             export_request=export_request)
    return FileResponse(spool, as_attachment=True, filename=f"{filename}-{now.strftime('%Y%m%d-%H%M')}.xlsx",
                        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")


def csv_export(*, actor, filename: str, title: str, headers: list[str], rows, note: str, obj=None,
               full_identifiers: bool = False, export_request=None) -> FileResponse:
    """The same as `xlsx_export`, as CSV: UTF-8 with a byte-order mark (so that Excel opens it as UTF-8),
    the same lines above the header, the same audit."""
    _check_approval(actor=actor, full_identifiers=full_identifiers, export_request=export_request)
    now = timezone.localtime()
    spool = tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES)
    text = io.TextIOWrapper(spool, encoding="utf-8-sig", newline="")
    writer = csv.writer(text)
    for line in _watermark(actor=actor, title=title, now=now, full_identifiers=full_identifiers,
                           export_request=export_request):
        writer.writerow([csv_safe(line)])
    writer.writerow([csv_safe(h) for h in headers])
    count = 0
    for row in rows:
        writer.writerow([csv_safe(value) for value in row])
        count += 1
    text.flush()
    text.detach()
    spool.seek(0)
    _audited(actor=actor, note=note, count=count, obj=obj, full_identifiers=full_identifiers,
             export_request=export_request)
    return FileResponse(spool, as_attachment=True, filename=f"{filename}-{now.strftime('%Y%m%d-%H%M')}.csv",
                        content_type="text/csv; charset=utf-8")
