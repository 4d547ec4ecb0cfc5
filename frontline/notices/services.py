"""Writes for notices: issue (to roles and/or grids down the area tree), acknowledge, remind the laggards,
publish an open letter."""

import datetime

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from frontline.areas.models import Area
from frontline.core import policy
from frontline.core.audit import audit_bulk, audit_create, audit_update, snapshot
from frontline.core.models import Assignment, AuditAction, User

from .models import AUDIENCE_ROLES, Notice, NoticeAttachment, NoticeKind, NoticeReceipt, new_public_slug

ISSUE_NOTICES = "issue_notices"
READ_NOTICES = "read_notices"


def _issuing_area(actor, action: str, targets: list[Area]):
    """Where the notice is issued from: the issuer's place that holds the targets (the deepest area above
    all targets for the system or a superuser)."""
    for assignment in policy.assignments(actor):
        if assignment.area_id and policy.scope_of(assignment.role, action) and all(
                t.path.startswith(assignment.area.path) for t in targets):
            return assignment.area
    prefix = targets[0].path
    for t in targets[1:]:
        while not t.path.startswith(prefix):
            prefix = prefix[:-Area.steplen]
    return Area.objects.filter(path=prefix).first()


def _shortened(name: str, limit: int = 255) -> str:
    """A file name cut to `limit` characters, keeping its extension (a shortened "….pdf" still opens as one)."""
    if len(name) <= limit:
        return name
    stem, dot, ext = name.rpartition(".")
    if not dot or not stem or len(ext) > 10:
        return name[:limit]
    return stem[:limit - len(ext) - 1] + "." + ext


def may_manage(actor, notice: Notice) -> bool:
    """The issuer, and those who may issue notices where it was issued, see its receipts and remind."""
    if actor is None or not getattr(actor, "is_authenticated", False):
        return False
    if notice.issued_by_id == actor.pk and policy.allows(actor, ISSUE_NOTICES):
        return True
    return notice.area_id is not None and policy.allows(actor, ISSUE_NOTICES, notice.area)


REPEAT_WINDOW = datetime.timedelta(minutes=10)


def _refuse_repeat(actor, notice: Notice, targets: list[Area]) -> None:
    """The same notice (kind, title, text, areas) issued by the same account a moment ago is a form sent twice
    (a double tap, a reload): refused, not issued again. The issuer's row is locked so that two requests at
    once take turns."""
    if actor is None or not getattr(actor, "pk", None):
        return
    User.objects.select_for_update().filter(pk=actor.pk).first()
    wanted = {t.pk for t in targets}
    earlier = next((n for n in Notice.objects.filter(
        issued_by=actor, kind=notice.kind, title=notice.title, body=notice.body,
        issued_at__gte=timezone.now() - REPEAT_WINDOW).prefetch_related("targets").order_by("-issued_at")
        if {t.pk for t in n.targets.all()} == wanted), None)
    if earlier is not None:
        raise ValidationError(_("You issued this notice already at %(time)s: it is not issued twice.") % {
            "time": timezone.localtime(earlier.issued_at).strftime("%H:%M")}, code="repeat")


@transaction.atomic
def notice_issue(*, actor, kind: str, title: str, body: str, targets: list[Area], roles=(), to_grids: bool = False,
                 files=(), action: str = ISSUE_NOTICES) -> Notice:
    """Issue a notice to the chosen roles in the target areas and below (one receipt per account holding
    such a role there today) and/or to every grid there (each grid marks it passed on). Publicity through
    the grid is the same with `to_grids` and the grid's `manage_grid`."""
    policy.require(actor, action)
    targets = list(dict.fromkeys(targets))
    if not targets:
        raise ValidationError({"targets": _("Choose at least one area.")})
    for target in targets:
        if actor is not None and not policy.allows(actor, action, target):
            raise ValidationError({"targets": _("%(area)s is outside your area: a notice can only go to places "
                                                "within it.") % {"area": target.name}})
    roles = list(dict.fromkeys(roles))
    unknown = [r for r in roles if r not in AUDIENCE_ROLES]
    if unknown:
        raise ValidationError({"roles": _("Notices cannot be addressed to the role %(role)s.") % {"role": unknown[0]}})
    if not roles and not to_grids:
        raise ValidationError({"roles": _("Choose the roles it is for, or send it to the grids.")})
    under = Q(*[Q(path__prefix=t.path) for t in targets], _connector=Q.OR)
    grids = list(Area.objects.filter(under, level="grid")) if to_grids else []
    if to_grids and not grids:
        raise ValidationError({"areas": _("Choose at least one area with grids in your scope.")})
    recipients = {}
    if roles:
        held = (Assignment.objects.current().filter(role__in=roles, user__is_active=True)
                .filter(Q(*[Q(area__path__prefix=t.path) for t in targets], _connector=Q.OR))
                .order_by("user_id", "valid_from", "id").values_list("user_id", "role", "area_id"))
        for user_id, role, area_id in held:
            if actor is None or user_id != actor.pk:
                recipients.setdefault(user_id, (role, area_id))
        if not recipients and not grids:
            raise ValidationError({"roles": _("Nobody holds these roles in the chosen areas today.")})
    # Every file is checked before anything is written: stored files are not rolled back with the transaction.
    for upload in files:
        if upload.size > settings.FRONTLINE_ATTACHMENT_MAX_BYTES:
            raise ValidationError({"files": _("%(name)s is larger than %(limit)d MB.") % {
                "name": upload.name, "limit": settings.FRONTLINE_ATTACHMENT_MAX_BYTES // 2**20}})
    notice = Notice(kind=kind, title=title.strip(), body=body.strip(), issued_by=actor, roles=roles,
                    area=_issuing_area(actor, action, targets))
    notice.full_clean()
    _refuse_repeat(actor, notice, targets)
    notice.save()
    notice.targets.set(targets)
    notice.grids.set(grids)
    NoticeReceipt.objects.bulk_create([NoticeReceipt(notice=notice, user_id=user_id, role=role, area_id=area_id)
                                       for user_id, (role, area_id) in recipients.items()], batch_size=1000)
    for upload in files:
        NoticeAttachment.objects.create(notice=notice, file=upload, name=_shortened(upload.name), size=upload.size)
    audit_create(actor, notice, note=_("%(recipients)s recipients, %(grids)s grids") % {
        "recipients": len(recipients), "grids": len(grids)})  # read on the audit page, in the issuer's words
    return notice


@transaction.atomic
def notice_acknowledge(*, actor, notice: Notice) -> NoticeReceipt:
    """The recipient confirms they read it (only their own receipt; a second time changes nothing)."""
    policy.require(actor, READ_NOTICES)
    receipt = (NoticeReceipt.objects.select_for_update().filter(notice=notice, user=actor).first()
               if actor is not None else None)
    if receipt is None:
        raise PermissionDenied
    if receipt.acknowledged_at is None:
        before = snapshot(receipt)
        receipt.acknowledged_at = timezone.now()
        receipt.save(update_fields=["acknowledged_at"])
        audit_update(actor, receipt, before)
    return receipt


@transaction.atomic
def notice_remind(*, actor, notice: Notice) -> int:
    """Remind every recipient who has not acknowledged yet (their home page marks the notice 催办); returns
    how many were reminded."""
    policy.require(actor, ISSUE_NOTICES)
    if not may_manage(actor, notice):
        raise PermissionDenied
    now = timezone.now()
    laggards = list(NoticeReceipt.objects.filter(notice=notice, acknowledged_at__isnull=True)
                    .select_related("notice", "user").order_by("pk"))
    NoticeReceipt.objects.filter(pk__in=[r.pk for r in laggards]).update(
        reminded_at=now, reminded_count=F("reminded_count") + 1)
    audit_bulk(actor, AuditAction.UPDATE, [
        (r, {"reminded_count": [r.reminded_count, r.reminded_count + 1]}, None) for r in laggards], note="reminded")
    return len(laggards)


@transaction.atomic
def notice_publish(*, actor, notice: Notice) -> Notice:
    """Put an open letter on a public page (title, text, issuing body and date; never its recipients)."""
    policy.require(actor, ISSUE_NOTICES)
    if not may_manage(actor, notice):
        raise PermissionDenied
    if notice.kind != NoticeKind.LETTER:
        raise ValidationError(_("Only an open letter can be published for everyone."))
    if not notice.public_slug:
        before = snapshot(notice)
        notice.public_slug, notice.public_since = new_public_slug(), timezone.now()
        notice.save(update_fields=["public_slug", "public_since"])
        audit_update(actor, notice, before)
    return notice
