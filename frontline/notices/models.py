"""Notices (通知 / 倡议书 / 一封信) and publicity through the grid (宣讲) as one mechanism: a notice is issued
at an area to target areas, for chosen roles there (one receipt per recipient, acknowledged on the phone)
and/or for the grids there (each grid marks it passed on to its residents)."""

import secrets

from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from frontline.core.roles import Role, role_choices
from frontline.core.scoping import ScopedQuerySet


class NoticeKind(models.TextChoices):
    NOTICE = "notice", _("Notice")
    PROPOSAL = "proposal", pgettext_lazy("notice kind", "Proposal")
    LETTER = "letter", _("Open letter")
    # The kinds of publicity through the grid (宣讲), kept for the messages that came from it.
    MESSAGE = "message", _("Message")
    GUIDE = "guide", _("Guide")


# The roles a notice may be addressed to (those with a place in the area tree).
AUDIENCE_ROLES = [Role.COMMANDER, Role.STREET_OFFICER, Role.COMMUNITY_SECRETARY, Role.GRID_WORKER, Role.CADRE,
                  Role.VOLUNTEER]


def new_public_slug() -> str:
    return secrets.token_urlsafe(24)


class Notice(models.Model):
    kind = models.CharField(_("kind"), max_length=16, choices=NoticeKind.choices, default=NoticeKind.NOTICE)
    title = models.CharField(_("title"), max_length=150)
    body = models.TextField(_("text"), blank=True)
    area = models.ForeignKey("areas.Area", verbose_name=_("issued at"), null=True, on_delete=models.PROTECT,
                             related_name="notices_issued")
    targets = models.ManyToManyField("areas.Area", verbose_name=_("to the areas"), related_name="notices_targeted")
    roles = models.JSONField(_("to the roles"), default=list, blank=True)
    grids = models.ManyToManyField("areas.Area", verbose_name=_("grids"), related_name="grid_notices", blank=True)
    issued_by = models.ForeignKey("core.User", null=True, on_delete=models.SET_NULL, related_name="+")
    issued_at = models.DateTimeField(_("issued"), default=timezone.now)
    public_slug = models.CharField(max_length=40, null=True, blank=True, unique=True, editable=False)
    public_since = models.DateTimeField(_("published"), null=True, blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("notice")
        verbose_name_plural = _("notices")
        indexes = [models.Index(fields=["-issued_at"])]
        constraints = [models.CheckConstraint(condition=Q(public_slug__isnull=True) | Q(kind="letter"),
                                              name="notice_only_letters_are_public")]

    def __str__(self):
        return self.title

    @classmethod
    def scope_for_area(cls, area) -> Q:
        """Seen by everyone at or above where it was issued, where it was aimed, or one of its grids (its
        recipients see it through their receipts: `selectors.notices_for`)."""
        under = {"area__path__prefix": area.path}
        return (Q(area__path__prefix=area.path)
                | Exists(cls.targets.through.objects.filter(notice=OuterRef("pk"), **under))
                | Exists(cls.grids.through.objects.filter(notice=OuterRef("pk"), **under)))


class NoticeAttachment(models.Model):
    notice = models.ForeignKey(Notice, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(upload_to="messages/%Y/%m/")
    name = models.CharField(max_length=255)
    size = models.PositiveIntegerField()


class NoticeReceipt(models.Model):
    """One recipient of a notice, resolved when it was issued from their assignments then; `area` is where
    that assignment was (the unit receipt rates are counted by)."""

    notice = models.ForeignKey(Notice, on_delete=models.CASCADE, related_name="receipts")
    user = models.ForeignKey("core.User", on_delete=models.CASCADE, related_name="notice_receipts")
    role = models.CharField(_("role"), max_length=32, choices=role_choices)
    area = models.ForeignKey("areas.Area", on_delete=models.PROTECT, related_name="+")
    acknowledged_at = models.DateTimeField(_("acknowledged"), null=True, blank=True)
    reminded_at = models.DateTimeField(_("reminded"), null=True, blank=True)
    reminded_count = models.PositiveSmallIntegerField(_("reminders"), default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["notice", "user"], name="notice_receipt_once_per_user")]
        indexes = [models.Index(fields=["user", "acknowledged_at"])]

    def __str__(self):
        return f"{self.notice} · {self.user}"


class NoticeDelivery(models.Model):
    """A grid's branch has passed the notice on to its residents' group (宣讲)."""

    notice = models.ForeignKey(Notice, on_delete=models.CASCADE, related_name="deliveries")
    grid = models.ForeignKey("areas.Area", on_delete=models.PROTECT, related_name="notice_deliveries")
    delivered_by = models.ForeignKey("core.User", null=True, on_delete=models.SET_NULL, related_name="+")
    delivered_at = models.DateTimeField(_("delivered"))
    channel = models.CharField(_("how"), max_length=100, blank=True, help_text=_("e.g. the compound's WeChat group"))

    class Meta:
        constraints = [models.UniqueConstraint(fields=["notice", "grid"], name="notice_delivered_once_per_grid")]
