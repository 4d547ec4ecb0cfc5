"""Duty around the clock (全天候在岗): shifts at a site or a grid (`DutyShift`) and the actual presence of the
person on duty (`CheckIn`). Writes are in `duty_services.py`, pages in `duty_views.py`.

The models live here and are imported by `models.py`, so two people can add to the app without editing
the same lines."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from frontline.core.scoping import ScopedQuerySet


class DutyShift(models.Model):
    """One person on duty at a site or a grid from `starts_at` to `ends_at` (aware datetimes). `area` is the
    site's area or the grid itself, kept for scoping and for the roster of an area."""

    site = models.ForeignKey("areas.Site", verbose_name=_("site"), null=True, blank=True, on_delete=models.PROTECT,
                             related_name="duty_shifts")
    grid = models.ForeignKey("areas.Area", verbose_name=_("grid"), null=True, blank=True, on_delete=models.PROTECT,
                             related_name="grid_duty_shifts")
    area = models.ForeignKey("areas.Area", verbose_name=_("area"), on_delete=models.PROTECT, related_name="duty_shifts")
    person = models.ForeignKey("people.Person", verbose_name=_("person on duty"), on_delete=models.PROTECT,
                               related_name="duty_shifts")
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("scheduled by"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedQuerySet.as_manager()
    scope_area_field = "area"
    access_action = "manage_duty"

    class Meta:
        verbose_name = _("duty shift")
        verbose_name_plural = _("duty shifts")
        constraints = [
            models.CheckConstraint(condition=Q(ends_at__gt=F("starts_at")), name="duty_shift_ends_after_start"),
            models.CheckConstraint(condition=Q(site__isnull=False, grid__isnull=True) | Q(site__isnull=True, grid__isnull=False),
                                   name="duty_shift_site_or_grid"),
        ]
        indexes = [models.Index(fields=["area", "starts_at"]), models.Index(fields=["person", "starts_at"]),
                   models.Index(fields=["starts_at", "ends_at"])]

    def __str__(self):
        return f"{self.person} @ {self.place}"

    @property
    def place(self):
        return self.site or self.grid

    @classmethod
    def scope_own_duty(cls, actor, assignment) -> Q | None:
        """The shifts of the actor's own person (the policy's "own duty" scope)."""
        return Q(person_id=actor.person_id) if getattr(actor, "person_id", None) else None


class CheckIn(models.Model):
    """A stretch of presence on a shift: checked in, then (later) checked out, by server time."""

    shift = models.ForeignKey(DutyShift, verbose_name=_("duty shift"), on_delete=models.CASCADE,
                              related_name="check_ins")
    checked_in_at = models.DateTimeField(_("checked in at"))
    checked_out_at = models.DateTimeField(_("checked out at"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=200, blank=True)

    objects = ScopedQuerySet.as_manager()
    scope_area_field = "shift__area"
    access_action = "manage_duty"

    class Meta:
        verbose_name = _("check-in")
        verbose_name_plural = _("check-ins")
        constraints = [
            models.CheckConstraint(condition=Q(checked_out_at__isnull=True) | Q(checked_out_at__gte=F("checked_in_at")),
                                   name="check_in_out_after_in"),
            models.UniqueConstraint(fields=["shift"], condition=Q(checked_out_at__isnull=True),
                                    name="check_in_one_open_per_shift"),
        ]
        indexes = [models.Index(fields=["shift", "checked_in_at"])]

    def __str__(self):
        return f"{self.shift_id} {self.checked_in_at:%Y-%m-%d %H:%M}"

    @classmethod
    def scope_own_duty(cls, actor, assignment) -> Q | None:
        return Q(shift__person_id=actor.person_id) if getattr(actor, "person_id", None) else None
