"""Mobilization: cadres sent down (deployments and their groups), party-fee allocations."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from frontline.core.scoping import ScopedQuerySet


class DeploymentGroup(models.Model):
    """分组包片: cadres sent to one community in a group with a leader, covering a set of its grids."""

    name = models.CharField(_("name"), max_length=100)
    community = models.ForeignKey("areas.Area", verbose_name=_("community"), on_delete=models.PROTECT,
                                  related_name="deployment_groups")
    leader = models.ForeignKey("people.Cadre", verbose_name=_("leader"), null=True, blank=True,
                               on_delete=models.SET_NULL, related_name="+")
    grids = models.ManyToManyField("areas.Area", verbose_name=_("grids"), related_name="covering_groups")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedQuerySet.as_manager()
    scope_area_field = "community"

    class Meta:
        verbose_name = _("deployment group")
        verbose_name_plural = _("deployment groups")
        constraints = [models.UniqueConstraint(fields=["community", "name"], name="deployment_group_unique_name")]

    def __str__(self):
        return self.name


class DeploymentKind(models.TextChoices):
    SENT_DOWN = "sent_down", _("Cadre sent down")
    FIRST_SECRETARY = "first_secretary", _("First secretary in a village")
    WORK_TEAM = "work_team", _("Village work team member")


class FrontlineRole(models.TextChoices):
    """What a first secretary or work-team member does on the frontline of the village."""
    PUBLICITY = "publicity", _("Publicity and mobilization")
    SUPERVISION = "supervision", _("Supervision")
    SERVICE = "service", _("Service to residents")


class Deployment(models.Model):
    """A cadre sent down to a community (or a street) for a period (下沉), or stationed in a village as its first
    secretary or a member of its work team (驻村第一书记、工作队员). It gives the cadre's account a `cadre`
    assignment there for the same period, and takes it away after."""

    cadre = models.ForeignKey("people.Cadre", verbose_name=_("cadre"), on_delete=models.PROTECT,
                              related_name="deployments")
    area = models.ForeignKey("areas.Area", verbose_name=_("sent to"), on_delete=models.PROTECT,
                             related_name="deployments")
    group = models.ForeignKey(DeploymentGroup, verbose_name=_("group"), null=True, blank=True,
                              on_delete=models.SET_NULL, related_name="deployments")
    kind = models.CharField(_("kind"), max_length=16, choices=DeploymentKind.choices, default=DeploymentKind.SENT_DOWN)
    frontline_role = models.CharField(_("frontline role"), max_length=16, choices=FrontlineRole.choices, blank=True)
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("until"), null=True, blank=True)
    assignment = models.OneToOneField("core.Assignment", null=True, blank=True, on_delete=models.SET_NULL,
                                      related_name="deployment")
    created_by = models.ForeignKey("core.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedQuerySet.as_manager()
    scope_area_field = "area"
    access_action = "view_people"  # who was sent where: personal

    class Meta:
        verbose_name = _("deployment")
        verbose_name_plural = _("deployments")
        constraints = [models.CheckConstraint(condition=Q(ends_on__isnull=True) | Q(ends_on__gte=models.F("starts_on")),
                                              name="deployment_ends_after_start")]
        indexes = [models.Index(fields=["cadre", "starts_on"]), models.Index(fields=["area", "ends_on"])]

    def __str__(self):
        return f"{self.cadre} → {self.area}"


# Party-fee allocations: their own module (funds.py), loaded with the app's models.
from .funds import FundAllocation, FundPurpose, FundRecipient, FundStatus  # noqa: E402, F401


class ResponsibilityChain(models.Model):
    """五级书记抓防疫: the secretary accountable for an area (city, district, street, community or grid) over a
    period. Overdue work climbing the area tree goes to the named secretary of each level it reaches."""

    area = models.ForeignKey("areas.Area", verbose_name=_("area"), on_delete=models.PROTECT,
                             related_name="accountable_secretaries")
    secretary = models.ForeignKey("core.User", verbose_name=_("secretary"), on_delete=models.PROTECT,
                                  related_name="accountable_for")
    title = models.CharField(_("title"), max_length=100, blank=True, help_text=_("e.g. 街道党工委书记"))
    valid_from = models.DateField(_("valid from"))
    valid_until = models.DateField(_("valid until"), null=True, blank=True)

    objects = ScopedQuerySet.as_manager()
    scope_area_field = "area"

    class Meta:
        verbose_name = _("accountable secretary")
        verbose_name_plural = _("accountable secretaries")
        constraints = [
            models.UniqueConstraint(fields=["area"], condition=Q(valid_until__isnull=True),
                                    name="responsibility_chain_one_open_per_area"),
            models.CheckConstraint(condition=Q(valid_until__isnull=True) | Q(valid_until__gte=models.F("valid_from")),
                                   name="responsibility_chain_ends_after_start"),
        ]

    def __str__(self):
        return f"{self.area} · {self.secretary}"


class TeamKind(models.TextChoices):
    VANGUARD = "vanguard", _("Party vanguard team")
    COMMANDO = "commando", _("Party commando team")
    VOLUNTEER = "volunteer", _("Volunteer service team")


class Team(models.Model):
    """先锋队/突击队/志愿服务队: a frontline team with a leader, attached to an area or a site."""

    kind = models.CharField(_("kind"), max_length=16, choices=TeamKind.choices)
    name = models.CharField(_("name"), max_length=100)
    area = models.ForeignKey("areas.Area", verbose_name=_("area"), on_delete=models.PROTECT, related_name="teams")
    site = models.ForeignKey("areas.Site", verbose_name=_("site"), null=True, blank=True, on_delete=models.PROTECT,
                             related_name="teams")
    leader = models.ForeignKey("people.Person", verbose_name=_("leader"), null=True, blank=True,
                               on_delete=models.SET_NULL, related_name="+")
    formed_on = models.DateField(_("formed on"))
    dissolved_on = models.DateField(_("dissolved on"), null=True, blank=True)

    objects = ScopedQuerySet.as_manager()
    scope_area_field = "area"

    class Meta:
        verbose_name = _("team")
        verbose_name_plural = _("teams")
        constraints = [
            models.UniqueConstraint(fields=["area", "name"], condition=Q(dissolved_on__isnull=True),
                                    name="team_unique_active_name"),
            models.CheckConstraint(condition=Q(dissolved_on__isnull=True) | Q(dissolved_on__gte=models.F("formed_on")),
                                   name="team_dissolved_after_formed"),
        ]

    def __str__(self):
        return self.name


class TeamMember(models.Model):
    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="members")
    person = models.ForeignKey("people.Person", verbose_name=_("person"), on_delete=models.PROTECT,
                               related_name="team_memberships")
    joined_on = models.DateField(_("joined on"))
    left_on = models.DateField(_("left on"), null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["team", "person"], condition=Q(left_on__isnull=True),
                                               name="team_member_once")]


# Party-fee allocations' siblings, each in its own module and loaded with the app's models: duty around the clock
# (duty.py), responsibility zones, pioneer posts and temporary party organizations (partyorgs.py), monthly
# stationing (stationing.py).
from .duty import CheckIn, DutyShift  # noqa: E402, F401
from .partyorgs import PioneerPost, PostHolder, ResponsibilityZone, TemporaryOrg, ZoneMember  # noqa: E402, F401
from .stationing import StationingDay, StationingShortfall, StationingStatus  # noqa: E402, F401
