"""Monthly stationing (家园驻守): the days a cadre spent stationed in a community, logged by the cadre and
confirmed (or refused) by the community; and, per home unit and month, the shortfall the organization
department follows up with a work order. Writes are in `stationing_services.py`.

The models live here and are imported by `models.py`, as `funds.py` is."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from frontline.core.scoping import ScopedQuerySet


class StationingStatus(models.TextChoices):
    WAITING = "waiting", _("Waiting for confirmation")
    CONFIRMED = "confirmed", _("Confirmed")
    REFUSED = "refused", _("Not confirmed")


class StationingDay(models.Model):
    """One day (a date in the city's time zone, Asia/Shanghai) a cadre spent stationed in a community."""

    cadre = models.ForeignKey("people.Cadre", verbose_name=_("cadre"), on_delete=models.PROTECT,
                              related_name="stationing_days")
    community = models.ForeignKey("areas.Area", verbose_name=_("community"), on_delete=models.PROTECT,
                                  related_name="stationing_days")
    day = models.DateField(_("day"))
    note = models.CharField(_("note"), max_length=200, blank=True)
    logged_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("logged by"), null=True, blank=True,
                                  on_delete=models.PROTECT, related_name="+")
    logged_at = models.DateTimeField(_("logged at"), auto_now_add=True)
    status = models.CharField(_("status"), max_length=16, choices=StationingStatus.choices,
                              default=StationingStatus.WAITING)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("confirmed by"), null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    refusal_reason = models.CharField(_("reason"), max_length=200, blank=True)

    objects = ScopedQuerySet.as_manager()
    scope_area_field = "community"
    access_action = "confirm_stationing"  # the community's side; a cadre reads their own days by their record

    class Meta:
        verbose_name = _("stationing day")
        verbose_name_plural = _("stationing days")
        constraints = [
            models.UniqueConstraint(fields=["cadre", "day"], name="stationing_day_once_per_cadre"),
            models.CheckConstraint(condition=Q(status="waiting") | Q(decided_by__isnull=False, decided_at__isnull=False),
                                   name="stationing_day_decision_has_decider"),
            models.CheckConstraint(condition=Q(decided_by__isnull=True) | Q(logged_by__isnull=True)
                                   | ~Q(decided_by=F("logged_by")), name="stationing_day_not_confirmed_by_logger"),
        ]
        indexes = [models.Index(fields=["day", "status"]), models.Index(fields=["community", "status", "day"])]

    def __str__(self):
        return f"{self.cadre.person.name} · {self.day}"


class StationingShortfall(models.Model):
    """A home unit's cadres under the monthly minimum in one month, as sent to it in a work order: the subject
    of that order, and the guard that makes creating them idempotent (one per unit and month)."""

    month = models.DateField(_("month"))  # its first day
    home_unit = models.CharField(_("home unit"), max_length=150)
    unit_area = models.ForeignKey("areas.Area", verbose_name=_("unit's area"), on_delete=models.PROTECT,
                                  related_name="+")
    cadres = models.JSONField(_("cadres under the minimum"), default=list)  # [[cadre id, name, confirmed days]]
    minimum = models.PositiveSmallIntegerField(_("minimum days"))
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedQuerySet.as_manager()
    scope_area_field = "unit_area"
    access_action = "view_stationing"

    class Meta:
        verbose_name = _("stationing shortfall")
        verbose_name_plural = _("stationing shortfalls")
        constraints = [models.UniqueConstraint(fields=["month", "unit_area", "home_unit"],
                                               name="stationing_shortfall_once_per_unit_month")]

    def __str__(self):
        return f"{self.home_unit} · {self.month:%Y-%m}"

    def get_absolute_url(self):
        return f"{reverse('stationing_compliance')}?month={self.month:%Y-%m}"
