"""The geographic backbone: the Area tree, buildings, households and frontline sites."""

from django.core.validators import RegexValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from treebeard.mp_tree import MP_Node

from frontline.core.scoping import ScopedQuerySet, ScopedTreeManager


class AreaLevel(models.TextChoices):
    CITY = "city", _("City")
    DISTRICT = "district", _("District")
    STREET = "street", _("Street")
    COMMUNITY = "community", _("Community")
    GRID = "grid", _("Grid")


LEVEL_ORDER = [AreaLevel.CITY, AreaLevel.DISTRICT, AreaLevel.STREET, AreaLevel.COMMUNITY, AreaLevel.GRID]
LEVEL_DEPTH = {level: i + 1 for i, level in enumerate(LEVEL_ORDER)}

code_validator = RegexValidator(r"^\d{12}(\d{3})?$", _("A division code has 12 digits (15 for a grid)."))


class Area(MP_Node):
    """City → district → street → community → grid, as a materialized path.

    The path makes "everything under this area" one indexed prefix match on the small area
    table; the large tables join to it by their area id.
    """

    steplen = 4
    name = models.CharField(_("name"), max_length=100)
    level = models.CharField(_("level"), max_length=16, choices=AreaLevel.choices)
    code = models.CharField(_("division code"), max_length=15, unique=True, validators=[code_validator],
                            help_text=_("统计用区划代码: 12 digits down to community level; a grid adds 3."))

    objects = ScopedTreeManager()
    scope_area_field = ""

    class Meta:
        verbose_name = _("area")
        verbose_name_plural = _("areas")
        indexes = [models.Index(fields=["path"], name="area_path_prefix", opclasses=["varchar_pattern_ops"])]
        constraints = [
            models.CheckConstraint(condition=models.Q(level__in=[c.value for c in LEVEL_ORDER]), name="area_level_known"),
        ]

    def get_absolute_url(self):
        return reverse("area_detail", args=[self.pk])

    def __str__(self):
        return self.name

    @property
    def is_village(self) -> bool:
        """A villagers' committee (村委会): in the division codes a community's last three digits are 001–199 for
        a residents' committee and 200–399 for a villagers' committee."""
        return self.level == AreaLevel.COMMUNITY and "200" <= self.code[9:12] <= "399"

    @property
    def child_level(self):
        i = LEVEL_ORDER.index(self.level)
        return LEVEL_ORDER[i + 1] if i + 1 < len(LEVEL_ORDER) else None


class Building(models.Model):
    area = models.ForeignKey(Area, verbose_name=_("grid"), on_delete=models.PROTECT, related_name="buildings")
    name = models.CharField(_("name"), max_length=50)
    address = models.CharField(_("address"), max_length=200, blank=True)
    floors = models.PositiveSmallIntegerField(_("floors"), null=True, blank=True)

    objects = ScopedQuerySet.as_manager()
    scope_area_field = "area"

    class Meta:
        verbose_name = _("building")
        verbose_name_plural = _("buildings")
        constraints = [models.UniqueConstraint(fields=["area", "name"], name="building_unique_in_grid")]

    def get_absolute_url(self):
        return reverse("building_detail", args=[self.pk])

    def __str__(self):
        return self.name


class Household(models.Model):
    """One dwelling: exactly one building (NOT NULL foreign key), unique by unit and room there."""

    # No index of its own: the unique (building, unit, room) index serves lookups by building, and a
    # second one let PostgreSQL's planner, with stale statistics mid-import, scan a whole building's
    # households for each room it looked up.
    building = models.ForeignKey(Building, verbose_name=_("building"), on_delete=models.PROTECT,
                                 related_name="households", db_index=False)
    unit = models.CharField(_("unit"), max_length=10, blank=True)
    room = models.CharField(_("room"), max_length=10)

    objects = ScopedQuerySet.as_manager()
    access_action = "view_people"  # who lives where: frontline.core.policy
    scope_area_field = "building__area"

    class Meta:
        verbose_name = _("household")
        verbose_name_plural = _("households")
        constraints = [models.UniqueConstraint(fields=["building", "unit", "room"], name="household_unique_room")]

    def get_absolute_url(self):
        return reverse("household_detail", args=[self.pk])

    def __str__(self):
        unit = _("unit %(unit)s ") % {"unit": self.unit} if self.unit else ""
        return f"{self.building} {unit}{self.room}"


class SiteKind(models.TextChoices):
    HQ = "hq", _("Command HQ")
    CHECKPOINT = "checkpoint", _("Checkpoint")
    ISOLATION = "isolation", _("Isolation site")
    TESTING = "testing", _("Testing site")
    FIELD_HOSPITAL = "field_hospital", _("Field hospital")
    MEDICAL_TEAM = "medical_team", _("Medical treatment team")
    SERVICE_STATION = "service_station", _("Service station")
    SERVICE_CENTER = "service_center", _("Party-masses service center")
    HOSPITAL = "hospital", _("Hospital")
    SCHOOL = "school", _("School")
    TRAFFIC_POINT = "traffic_point", _("Traffic checkpoint")


class Site(models.Model):
    """Any place where frontline work happens."""

    kind = models.CharField(_("kind"), max_length=20, choices=SiteKind.choices)
    name = models.CharField(_("name"), max_length=100)
    area = models.ForeignKey(Area, verbose_name=_("area"), on_delete=models.PROTECT, related_name="sites")
    address = models.CharField(_("address"), max_length=200, blank=True)
    opened_on = models.DateField(_("opened on"), null=True, blank=True)
    closed_on = models.DateField(_("closed on"), null=True, blank=True)

    objects = ScopedQuerySet.as_manager()
    scope_area_field = "area"

    class Meta:
        verbose_name = _("site")
        verbose_name_plural = _("sites")
        constraints = [
            models.CheckConstraint(condition=models.Q(closed_on__isnull=True) | models.Q(opened_on__isnull=True)
                                   | models.Q(closed_on__gte=models.F("opened_on")), name="site_closes_after_opening"),
        ]

    def __str__(self):
        return self.name


class AreaFigure(models.Model):
    """The current value of a registered stock figure for the rows anchored at one area (mostly a grid).

    Kept so that a city's page sums a few thousand of these rather than counting a million rows; never
    read without first recomputing the areas marked dirty (`frontline.areas.figures`)."""

    area = models.ForeignKey(Area, on_delete=models.CASCADE, related_name="+")
    code = models.CharField(max_length=64)
    value = models.BigIntegerField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["area", "code"], name="area_figure_one_per_code")]


class AreaFigureDirty(models.Model):
    """An area whose figures changed since they were last kept; `version` grows with each change, so a
    refresh clears only the marks it has seen."""

    area = models.OneToOneField(Area, on_delete=models.CASCADE, related_name="+")
    version = models.BigIntegerField(default=1)


class KeptFigure(models.Model):
    """A stock figure whose values `AreaFigure` holds for every area (zeros are not stored, so a figure
    registered later is counted once in full before its kept values are read)."""

    code = models.CharField(max_length=64, unique=True)
    kept_at = models.DateTimeField(auto_now=True)
