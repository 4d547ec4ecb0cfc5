"""Excel exports: scoped by the caller's selector, masked unless asked and allowed, marked with who
exported them and when, and recorded in the audit log."""

import tempfile

from django.http import FileResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from .audit import audit_record
from .models import AuditAction


def xlsx_export(*, actor, filename: str, title: str, headers: list[str], rows, note: str, obj=None,
                full_identifiers: bool = False) -> FileResponse:
    """Stream an .xlsx of `rows` (an iterable of tuples). The first lines say who exported it, when,
    and that it holds personal data; the export is audited with its row count."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title[:31])
    now = timezone.localtime()
    sheet.append([title])
    sheet.append([_("Exported by %(user)s at %(time)s from Frontline. Personal data: for epidemic prevention work "
                    "only; do not forward.") % {"user": actor.username, "time": now.strftime("%Y-%m-%d %H:%M:%S")}])
    if not full_identifiers:
        sheet.append([_("ID numbers and phones are masked.")])
    bold = Font(bold=True)
    header_cells = [WriteOnlyCell(sheet, value=text) for text in headers]
    for cell in header_cells:
        cell.font = bold
    sheet.append(header_cells)
    count = 0
    for row in rows:
        sheet.append(list(row))
        count += 1
    spool = tempfile.SpooledTemporaryFile(max_size=20 * 1024 * 1024)
    workbook.save(spool)
    spool.seek(0)
    audit_record(actor=actor, action=AuditAction.EXPORT, obj=obj,
                 note=f"{note}: {count} rows{' (full identifiers)' if full_identifiers else ''}")
    stamp = now.strftime("%Y%m%d-%H%M")
    return FileResponse(spool, as_attachment=True, filename=f"{filename}-{stamp}.xlsx",
                        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
