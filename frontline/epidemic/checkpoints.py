"""Checkpoint duty (卡口值守): posting an account at a checkpoint or traffic site, through an assignment of the
role `checkpoint_staff` at the site's area for the days of the duty, which ends with the posting. The policy's
scope kind `checkpoint_site` reads the posting, so the staff record and see scans at that site only."""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from frontline.areas.models import Site, SiteKind
from frontline.core import policy
from frontline.core.accounts import account_manageable, assignment_stop, grantable_roles
from frontline.core.audit import audit_create, audit_record
from frontline.core.models import Assignment, AuditAction

from .models import CheckpointPost
from .policy import CHECKPOINT_STAFF, MANAGE_CHECKPOINTS

CHECKPOINT_KINDS = (SiteKind.CHECKPOINT, SiteKind.TRAFFIC_POINT)


@transaction.atomic
def checkpoint_post_add(*, actor, site: Site, user, valid_from: datetime.date | None = None,
                        valid_until: datetime.date | None = None) -> CheckpointPost:
    """Post an account (one the actor manages) at a checkpoint in the actor's area, from `valid_from` (today)
    to `valid_until` (until ended). Once at a time per account and site."""
    if site.kind not in CHECKPOINT_KINDS:
        raise ValidationError({"site": _("%(site)s is not a checkpoint.") % {"site": site.name}})
    if actor is not None:
        if not policy.allows(actor, MANAGE_CHECKPOINTS, site):
            raise PermissionDenied
        try:
            account_manageable(actor, user)
        except PermissionDenied:
            raise ValidationError({"user": _("The account %(name)s is not one you manage.")
                                   % {"name": user.username}}) from None
        if CHECKPOINT_STAFF not in grantable_roles(actor):
            raise ValidationError({"user": _("You may not give the role %(role)s.") % {"role": _("Checkpoint staff")}})
    valid_from = valid_from or timezone.localdate()
    if valid_until is not None and valid_until < valid_from:
        raise ValidationError({"valid_until": _("The duty ends before it starts.")})
    if CheckpointPost.objects.filter(site=site, user=user, ended_at__isnull=True).exists():
        raise ValidationError({"user": _("%(name)s is already on duty at %(site)s.")
                               % {"name": user.username, "site": site.name}})
    assignment = Assignment.objects.create(user=user, role=CHECKPOINT_STAFF, area=site.area, valid_from=valid_from,
                                           valid_until=valid_until, created_by=actor)
    post = CheckpointPost.objects.create(site=site, user=user, assignment=assignment, created_by=actor)
    audit_create(actor, assignment)
    audit_create(actor, post)
    policy.forget(user)
    return post


@transaction.atomic
def checkpoint_post_end(*, actor, post: CheckpointPost) -> CheckpointPost:
    """End a duty now and its assignment today: the account's access to the checkpoint goes with it."""
    post = CheckpointPost.objects.select_for_update().select_related("assignment", "user", "site").get(pk=post.pk)
    if actor is not None and not policy.allows(actor, MANAGE_CHECKPOINTS, post.site):
        raise PermissionDenied
    if post.ended_at is not None:
        raise ValidationError(_("This duty has already ended."))
    post.ended_at = timezone.now()
    post.save(update_fields=["ended_at"])
    assignment_stop(actor=actor, assignment=post.assignment)
    audit_record(actor=actor, action=AuditAction.UPDATE, obj=post, note="checkpoint duty ended")
    return post


def checkpoint_posts_current(site: Site):
    return CheckpointPost.objects.filter(site=site, ended_at__isnull=True).select_related("user")
