"""Accounts, API tokens and the append-only audit log."""

import hashlib
import secrets

from django.contrib.auth.models import AbstractUser
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.timezone import now as now_field
from django.utils.translation import gettext_lazy as _

from .roles import role_choices
from .scoping import ScopedQuerySet


class User(AbstractUser):
    role = models.CharField(_("role"), max_length=32, choices=role_choices, blank=True)
    area = models.ForeignKey("areas.Area", verbose_name=_("scope area"), null=True, blank=True,
                             on_delete=models.PROTECT, related_name="users")
    person = models.ForeignKey("people.Person", verbose_name=_("person"), null=True, blank=True,
                               on_delete=models.SET_NULL, related_name="accounts")

    class Meta:
        constraints = [
            models.CheckConstraint(condition=models.Q(is_superuser=True) | models.Q(area__isnull=False) | models.Q(role=""),
                                   name="user_role_has_area"),
        ]

    @property
    def role_label(self) -> str:
        return self.get_role_display() if self.role else (_("Administrator") if self.is_superuser else "")


class AssignmentQuerySet(models.QuerySet):
    def current(self, today=None):
        """Assignments in force on `today` (the local date when None)."""
        from django.utils import timezone

        today = today or timezone.localdate()
        return self.filter(models.Q(valid_from__lte=today),
                           models.Q(valid_until__isnull=True) | models.Q(valid_until__gte=today))


class Assignment(models.Model):
    """What an account may do where, and for how long: a role at a place (an area today; an enterprise
    or an explicit grant when their apps arrive). The access policy (`frontline.core.policy`) reads only
    assignments in force: when a cadre's deployment or an inspector's plan ends, so does the access."""

    user = models.ForeignKey(User, verbose_name=_("account"), on_delete=models.CASCADE, related_name="assignments")
    role = models.CharField(_("role"), max_length=32, choices=role_choices)
    area = models.ForeignKey("areas.Area", verbose_name=_("area"), null=True, blank=True, on_delete=models.PROTECT,
                             related_name="assignments")
    valid_from = models.DateField(_("valid from"))
    valid_until = models.DateField(_("valid until"), null=True, blank=True, help_text=_("Empty: until ended."))
    created_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = AssignmentQuerySet.as_manager()
    scope_area_field = "area"  # whoever manages accounts there sees and ends it (frontline.core.accounts)

    class Meta:
        verbose_name = _("assignment")
        verbose_name_plural = _("assignments")
        constraints = [
            models.CheckConstraint(condition=models.Q(valid_until__isnull=True)
                                   | models.Q(valid_until__gte=models.F("valid_from")), name="assignment_ends_after_start"),
        ]
        indexes = [models.Index(fields=["user", "valid_until"])]

    def __str__(self):
        return f"{self.get_role_display()} · {self.area or ''}"


class ApiToken(models.Model):
    """A machine client's token; only its SHA-256 is stored, the token is shown once."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("name"), max_length=100)
    digest = models.CharField(max_length=64, unique=True)
    prefix = models.CharField(max_length=8)
    # Empty: the token acts as its owner (a phone app). Otherwise a machine's purpose
    # (frontline.core.policy.purpose, e.g. "figures:read"): only that purpose's actions, where the owner may.
    purpose = models.CharField(_("purpose"), max_length=40, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self):
        return f"{self.name} ({self.prefix}…)"  # never the digest

    @staticmethod
    def hash(token: str) -> str:
        return hashlib.sha256(token.encode()).hexdigest()

    @classmethod
    def issue(cls, *, user, name: str, purpose: str = "") -> tuple["ApiToken", str]:
        token = "fl_" + secrets.token_urlsafe(32)
        return cls.objects.create(user=user, name=name, purpose=purpose, digest=cls.hash(token), prefix=token[:8]), token


class AuditAction(models.TextChoices):
    CREATE = "create", _("created")
    UPDATE = "update", _("changed")
    DELETE = "delete", _("deleted")
    REVEAL = "reveal", _("revealed")
    EXPORT = "export", _("exported")
    LOGIN = "login", _("logged in")
    LOGIN_FAILED = "login_failed", _("login failed")
    UNLOCK = "unlock", _("unlocked login")
    PASSWORD = "password", _("changed password")
    VIEW = "view", _("viewed")
    SEARCH = "search", _("searched")
    COMMENT = "comment", _("commented")


class AuditQuerySet(ScopedQuerySet):
    def delete(self):
        raise PermissionError("the audit log is append-only")

    def update(self, **kwargs):
        raise PermissionError("the audit log is append-only")


class AuditLog(models.Model):
    """Append-only: the ORM refuses updates and deletes, and a database trigger refuses UPDATE."""

    at = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)
    # An account with entries cannot be deleted (PROTECT; accounts are deactivated), and a deleted person keeps
    # their entries' reference (DO_NOTHING): the append-only trigger would refuse the UPDATE of a SET_NULL.
    actor = models.ForeignKey(User, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    actor_name = models.CharField(max_length=150, blank=True)
    actor_area_path = models.CharField(max_length=255, blank=True, db_index=True)
    action = models.CharField(_("action"), max_length=16, choices=AuditAction.choices)
    content_type = models.ForeignKey(ContentType, null=True, blank=True, on_delete=models.SET_NULL)
    object_id = models.CharField(max_length=64, blank=True)
    object_repr = models.CharField(max_length=255, blank=True)
    person = models.ForeignKey("people.Person", null=True, blank=True, on_delete=models.DO_NOTHING,
                               related_name="+", db_constraint=False)
    changes = models.JSONField(default=dict, blank=True)
    note = models.CharField(max_length=255, blank=True)
    ip = models.GenericIPAddressField(null=True, blank=True)

    objects = AuditQuerySet.as_manager()
    access_action = "read_audit"  # frontline.core.policy

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["content_type", "object_id"]), models.Index(fields=["person", "at"]),
                   models.Index(fields=["actor", "at"])]

    @classmethod
    def scope_for_area(cls, area) -> models.Q:
        """Entries made by actors inside the viewer's area subtree; at the top of the tree (the city) also
        those of actors without an area: superusers, the system (scheduled tasks, imports without a user),
        failed logins to unknown accounts."""
        q = models.Q(actor_area_path__prefix=area.path)
        return q | models.Q(actor_area_path="") if area.depth == 1 else q

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise PermissionError("the audit log is append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("the audit log is append-only")


def validate_work_order_kind(value: str) -> None:
    """A kind some app registered (frontline.core.plugins.work_order_kinds): new kinds need no migration here."""
    from .plugins import work_order_kinds

    if value not in work_order_kinds:
        raise ValidationError(_("%(kind)s is not a kind of work order.") % {"kind": value})


class WorkOrderStatus(models.TextChoices):
    OPEN = "open", _("Open")
    ACCEPTED = "accepted", _("Accepted")
    DONE = "done", _("Done")
    CANNOT_DO = "cannot_do", _("Cannot be done")


ACTIVE_STATUSES = (WorkOrderStatus.OPEN, WorkOrderStatus.ACCEPTED)


class Priority(models.IntegerChoices):
    LOW = 1, _("Low")
    NORMAL = 2, _("Normal")
    HIGH = 3, _("High")
    URGENT = 4, _("Urgent")


class WorkOrder(models.Model):
    """One unit of frontline work: whom it concerns, where, who does it, by when, and its history."""

    kind = models.CharField(_("kind"), max_length=32, validators=[validate_work_order_kind])
    title = models.CharField(_("title"), max_length=200)
    area = models.ForeignKey("areas.Area", verbose_name=_("area"), on_delete=models.PROTECT, related_name="work_orders")
    subject_type = models.ForeignKey(ContentType, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    subject_id = models.BigIntegerField(null=True, blank=True)
    subject = GenericForeignKey("subject_type", "subject_id")
    assignee = models.ForeignKey(User, verbose_name=_("assignee"), null=True, blank=True, on_delete=models.SET_NULL,
                                 related_name="work_orders")
    assignee_role = models.CharField(_("assigned role"), max_length=32, choices=role_choices, blank=True,
                                     help_text=_("When no one person is named: whoever holds this role at the area."))
    priority = models.PositiveSmallIntegerField(_("priority"), choices=Priority.choices, default=Priority.NORMAL)
    status = models.CharField(_("status"), max_length=16, choices=WorkOrderStatus.choices, default=WorkOrderStatus.OPEN)
    due_at = models.DateTimeField(_("due"), null=True, blank=True)
    escalated_to = models.ForeignKey("areas.Area", verbose_name=_("escalated to"), null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="escalated_work_orders")
    escalated_to_user = models.ForeignKey(User, verbose_name=_("escalated to (named)"), null=True, blank=True,
                                          on_delete=models.SET_NULL, related_name="escalated_work_orders")
    escalation_level = models.PositiveSmallIntegerField(default=0)
    next_escalation_at = models.DateTimeField(null=True, blank=True)
    reason = models.TextField(_("reason"), blank=True)
    created_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)

    objects = ScopedQuerySet.as_manager()
    scope_area_field = "area"
    access_action = "view_work"  # frontline.core.policy

    class Meta:
        verbose_name = _("work order")
        verbose_name_plural = _("work orders")
        constraints = [
            models.UniqueConstraint(fields=["kind", "subject_type", "subject_id"],
                                    condition=models.Q(status__in=["open", "accepted"], subject_id__isnull=False),
                                    name="work_order_one_active_per_subject"),
            models.CheckConstraint(condition=~models.Q(status="cannot_do") | ~models.Q(reason=""),
                                   name="work_order_cannot_do_has_reason"),
        ]
        indexes = [models.Index(fields=["assignee", "status"]), models.Index(fields=["area", "status"]),
                   models.Index(fields=["status", "due_at"])]

    def __str__(self):
        return self.title

    @classmethod
    def scope_own_work(cls, actor, assignment) -> models.Q:
        """A volunteer's own orders: given to them, or to their role at the place of their assignment."""
        return models.Q(assignee=actor) | models.Q(assignee__isnull=True, assignee_role=assignment.role,
                                                   area=assignment.area_id)

    @property
    def kind_label(self) -> str:
        from .plugins import work_order_kinds

        spec = work_order_kinds.get(self.kind)
        return spec.label if spec else self.kind

    @property
    def kind_page(self) -> str | None:
        """The kind's own page for this order, where it is done or refused (`WorkOrderKindSpec.page`)."""
        from django.urls import reverse

        from .plugins import work_order_kinds

        spec = work_order_kinds.get(self.kind)
        return reverse(spec.page, args=[self.pk]) if spec and spec.page else None

    @property
    def subject_label(self) -> str | None:
        """The subject's type as app and model ("areas.household"), never a bare model name."""
        return f"{self.subject_type.app_label}.{self.subject_type.model}" if self.subject_type_id else None

    @property
    def active(self) -> bool:
        return self.status in ACTIVE_STATUSES

    @property
    def overdue(self) -> bool:
        return self.active and self.due_at is not None and self.due_at < now_field()


class WorkOrderEvent(models.Model):
    """The history of a work order: created, accepted, commented, escalated, done, cannot do."""

    class Action(models.TextChoices):
        CREATED = "created", _("created")
        ACCEPTED = "accepted", _("accepted")
        COMMENTED = "commented", _("commented")
        ESCALATED = "escalated", _("escalated")
        DONE = "done", _("done")
        CANNOT_DO = "cannot_do", _("cannot be done")

    work_order = models.ForeignKey(WorkOrder, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField(default=now_field)
    actor = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    action = models.CharField(max_length=16, choices=Action.choices)
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["at", "id"]


class ImportRecord(models.Model):
    """One uploaded file of any registered kind (`plugins.importers`): checked (a dry run listing every
    problem), then imported whole or not at all, in the background (`frontline.core.imports`)."""

    class Status(models.TextChoices):
        UPLOADED = "uploaded", _("Uploaded")
        CHECKING = "checking", _("Checking")
        CHECKED = "checked", _("Checked")
        IMPORTING = "importing", _("Importing")
        DONE = "done", _("Imported")
        FAILED = "failed", _("Failed")

    kind = models.CharField(_("kind"), max_length=32)  # a code of `plugins.importers`, validated there
    area = models.ForeignKey("areas.Area", verbose_name=_("area"), on_delete=models.PROTECT, related_name="imports")
    uploaded_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    file = models.FileField(upload_to="imports/%Y/%m/", blank=True)  # emptied when the file is purged
    filename = models.CharField(_("file"), max_length=255)
    sha256 = models.CharField(max_length=64, db_index=True)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.UPLOADED)
    encoding = models.CharField(max_length=16, blank=True)
    mapping = models.JSONField(default=dict, blank=True)
    headers = models.JSONField(default=list, blank=True)
    total_rows = models.PositiveIntegerField(default=0)
    processed_rows = models.PositiveIntegerField(default=0)
    error_count = models.PositiveIntegerField(default=0)
    warning_count = models.PositiveIntegerField(default=0)
    problems = models.JSONField(default=list, blank=True)  # the first 1,000, as [row, column, message, severity]
    notes = models.JSONField(default=list, blank=True)  # what the import will create, the columns it ignores
    result = models.JSONField(default=dict, blank=True)  # counts created / updated / unchanged
    failure = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True)  # the running task's last sign of life
    finished_at = models.DateTimeField(null=True, blank=True)
    purged_at = models.DateTimeField(null=True, blank=True)  # the file was deleted; the record stays

    objects = ScopedQuerySet.as_manager()
    access_action = "import"  # frontline.core.policy
    scope_area_field = "area"

    class Meta:
        verbose_name = _("import")
        verbose_name_plural = _("imports")
        indexes = [models.Index(fields=["status", "finished_at"])]

    @property
    def ready_to_import(self) -> bool:
        """Checked and without problems: the one state an import may start from."""
        return self.status == self.Status.CHECKED and not self.error_count

    @property
    def running(self) -> bool:
        return self.status in (self.Status.CHECKING, self.Status.IMPORTING)

    def clean(self):
        from . import plugins

        if self.kind not in plugins.importers:
            raise ValidationError({"kind": _("%(kind)s is not a kind of import (known: %(known)s).")
                                   % {"kind": self.kind, "known": ", ".join(plugins.importers.codes())}})

    def __str__(self):
        return self.filename


class ExportRequest(models.Model):
    """An export with full identifiers, asked for with a reason and waiting for another user who may approve
    for its area (`roles.can_approve_export`): requested → approved (or refused) → one download by the
    requester within a day (`services.EXPORT_VALID_FOR`), or expired. Every step is audited; the file says
    who asked and who approved. Apps say what each `kind` exports (`plugins.export_kinds`)."""

    class Status(models.TextChoices):
        REQUESTED = "requested", _("Waiting for approval")
        APPROVED = "approved", _("Approved: ready to download")
        REFUSED = "refused", _("Not approved")
        DOWNLOADED = "downloaded", _("Downloaded")
        EXPIRED = "expired", _("Expired")

    kind = models.CharField(_("kind"), max_length=32)
    area = models.ForeignKey("areas.Area", verbose_name=_("area"), on_delete=models.PROTECT,
                             related_name="export_requests")
    params = models.JSONField(default=dict, blank=True)
    reason = models.TextField(_("reason"))
    requester = models.ForeignKey(User, verbose_name=_("requested by"), on_delete=models.PROTECT,
                                  related_name="export_requests")
    requested_at = models.DateTimeField(_("requested at"), default=now_field)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.REQUESTED)
    approver = models.ForeignKey(User, verbose_name=_("decided by"), null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="+")
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_note = models.CharField(_("note"), max_length=255, blank=True)
    expires_at = models.DateTimeField(_("download until"), null=True, blank=True)
    downloaded_at = models.DateTimeField(_("downloaded at"), null=True, blank=True)

    objects = ScopedQuerySet.as_manager()
    scope_area_field = "area"

    class Meta:
        verbose_name = _("export request")
        verbose_name_plural = _("export requests")
        ordering = ["-requested_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(approver__isnull=True) | ~models.Q(approver=models.F("requester")),
                                   name="export_request_not_decided_by_requester"),
            models.CheckConstraint(condition=models.Q(status="requested")
                                   | models.Q(approver__isnull=False, decided_at__isnull=False),
                                   name="export_request_decision_has_approver"),
            models.CheckConstraint(condition=~models.Q(status__in=["approved", "downloaded", "expired"])
                                   | models.Q(expires_at__isnull=False), name="export_request_approval_expires"),
            models.CheckConstraint(condition=~models.Q(reason=""), name="export_request_has_reason"),
        ]
        indexes = [models.Index(fields=["status", "expires_at"]), models.Index(fields=["requester", "requested_at"])]

    def __str__(self):
        return f"{self.kind_label} · {self.area}"

    @property
    def kind_label(self):
        from .plugins import export_kinds

        spec = export_kinds.get(self.kind)
        return spec.label if spec else self.kind

    def expired_at(self, now) -> bool:
        """Approved, but its day is over (the status says so once `export_requests_expire` has run)."""
        return self.status == self.Status.EXPIRED or (self.status == self.Status.APPROVED and self.expires_at <= now)

    def clean(self):
        from .plugins import export_kinds

        if self.kind not in export_kinds:
            raise ValidationError({"kind": _("%(kind)s is not a kind of export.") % {"kind": self.kind}})


class RateCount(models.Model):
    """A rate limit's count of one key in one window, where the cache is the database (the embedded default):
    incremented by one atomic upsert, so that every web process counts alike (`frontline.core.ratelimit`)."""

    name = models.CharField(max_length=250)  # the limit's key
    slot = models.BigIntegerField()  # the window: epoch seconds // period
    count = models.PositiveIntegerField(default=0)
    expires = models.BigIntegerField(db_index=True)  # epoch seconds: purged after

    class Meta:
        constraints = [models.UniqueConstraint(fields=["name", "slot"], name="rate_count_once")]
