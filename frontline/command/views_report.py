"""The work report downloaded from the dashboard: an area the viewer may write the report of, a period from the
shared picker, a Word, PDF or Markdown file; audited as an export."""

from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse, HttpResponseBadRequest
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _

from frontline.core import policy
from frontline.core.audit import audit_record
from frontline.core.models import AuditAction
from frontline.core.pdf import CJKFontMissing

from .periods import period_pick
from .policy import WRITE_REPORT
from .report import report_build, report_filename
from .report_render import CONTENT_TYPES, FORMATS, report_render
from .selectors import command_area_get_for


@policy.requires(WRITE_REPORT)
def command_report(request, pk: int, fmt: str):
    if fmt not in FORMATS:
        raise Http404
    area = command_area_get_for(request.user, pk, WRITE_REPORT)
    try:
        period = period_pick(request.GET).period
    except ValidationError as e:
        return HttpResponseBadRequest(" ".join(e.messages), content_type="text/plain; charset=utf-8")
    report = report_build(actor=request.user, area=area, period=period)
    try:
        body = report_render(report, fmt)
    except CJKFontMissing as missing:
        return HttpResponse(_("The PDF cannot be printed: %(detail)s") % {"detail": missing},
                            content_type="text/plain; charset=utf-8", status=503)
    audit_record(actor=request.user, action=AuditAction.EXPORT, obj=area,
                 note=f"work report {fmt} {period.start.isoformat()}..{period.end.isoformat()}")
    response = HttpResponse(body, content_type=CONTENT_TYPES[fmt])
    response["Content-Disposition"] = content_disposition_header(as_attachment=True,
                                                                 filename=report_filename(report, fmt))
    return response
