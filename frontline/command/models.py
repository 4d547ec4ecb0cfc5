"""What the command centre keeps of its own: area outlines for the map, and the daily briefs placed in inboxes."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from frontline.core.scoping import ScopedQuerySet


class OutlineSource(models.TextChoices):
    GENERATED = "generated", _("generated (demo city)")
    IMPORTED = "imported", _("imported from a GeoJSON file")


class AreaOutline(models.Model):
    """An area's outline as a GeoJSON geometry (Polygon or MultiPolygon, longitude/latitude), drawn by the map without
    any tile server. Siblings' outlines do not overlap (checked on import)."""

    area = models.OneToOneField("areas.Area", on_delete=models.CASCADE, related_name="outline", verbose_name=_("area"))
    geometry = models.JSONField(_("outline"))
    source = models.CharField(_("source"), max_length=16, choices=OutlineSource.choices,
                              default=OutlineSource.GENERATED)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = ScopedQuerySet.as_manager()
    scope_area_field = "area"
    access_action = "view_dashboard"

    class Meta:
        verbose_name = _("area outline")
        verbose_name_plural = _("area outlines")


class DailyBrief(models.Model):
    """A day's brief placed for an area (once: the scheduled task may run again), with the work order that put it in
    the commanders' inboxes."""

    area = models.ForeignKey("areas.Area", on_delete=models.CASCADE, related_name="+", verbose_name=_("area"))
    day = models.DateField(_("day"))
    created_at = models.DateTimeField(_("placed"), auto_now_add=True)
    work_order = models.ForeignKey("core.WorkOrder", on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+")

    objects = ScopedQuerySet.as_manager()
    scope_area_field = "area"
    access_action = "view_dashboard"

    class Meta:
        verbose_name = _("daily brief")
        verbose_name_plural = _("daily briefs")
        constraints = [models.UniqueConstraint(fields=["area", "day"], name="daily_brief_once")]
