"""Party members at the front: responsibility zones (党员责任区), pioneer posts (党员先锋岗/示范岗), and the
temporary party organizations set up by rule at sites and teams (临时党支部), each anchored here while the
organization itself is a `people.PartyOrg(temporary=True)`."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from frontline.core.scoping import ScopedQuerySet
from frontline.people.models import PartyOrgKind


class ResponsibilityZone(models.Model):
    """党员责任区: buildings (or a part of a grid) that party members answer for."""

    name = models.CharField(_("name"), max_length=100)
    area = models.ForeignKey("areas.Area", verbose_name=_("area"), on_delete=models.PROTECT,
                             related_name="responsibility_zones")
    buildings = models.ManyToManyField("areas.Building", verbose_name=_("buildings"), blank=True, related_name="+")
    description = models.CharField(_("what it covers"), max_length=200, blank=True)
    set_up_on = models.DateField(_("set up on"))
    ended_on = models.DateField(_("ended on"), null=True, blank=True)

    objects = ScopedQuerySet.as_manager()
    scope_area_field = "area"

    class Meta:
        verbose_name = _("responsibility zone")
        verbose_name_plural = _("responsibility zones")
        constraints = [
            models.UniqueConstraint(fields=["area", "name"], condition=Q(ended_on__isnull=True),
                                    name="responsibility_zone_unique_active_name"),
            models.CheckConstraint(condition=Q(ended_on__isnull=True) | Q(ended_on__gte=models.F("set_up_on")),
                                   name="responsibility_zone_ends_after_start"),
        ]

    def __str__(self):
        return self.name


class ZoneMember(models.Model):
    zone = models.ForeignKey(ResponsibilityZone, on_delete=models.CASCADE, related_name="members")
    person = models.ForeignKey("people.Person", verbose_name=_("person"), on_delete=models.PROTECT, related_name="+")
    joined_on = models.DateField(_("joined on"))
    left_on = models.DateField(_("left on"), null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["zone", "person"], condition=Q(left_on__isnull=True),
                                               name="zone_member_once")]


class PioneerPostKind(models.TextChoices):
    PIONEER = "pioneer", _("Party member pioneer post")
    MODEL = "model", _("Party member model post")


class PioneerPost(models.Model):
    """党员先锋岗/示范岗: a post at a site or an area held by party members."""

    kind = models.CharField(_("kind"), max_length=16, choices=PioneerPostKind.choices, default=PioneerPostKind.PIONEER)
    name = models.CharField(_("name"), max_length=100)
    area = models.ForeignKey("areas.Area", verbose_name=_("area"), on_delete=models.PROTECT, related_name="pioneer_posts")
    site = models.ForeignKey("areas.Site", verbose_name=_("site"), null=True, blank=True, on_delete=models.PROTECT,
                             related_name="pioneer_posts")
    set_up_on = models.DateField(_("set up on"))
    ended_on = models.DateField(_("ended on"), null=True, blank=True)

    objects = ScopedQuerySet.as_manager()
    scope_area_field = "area"

    class Meta:
        verbose_name = _("pioneer post")
        verbose_name_plural = _("pioneer posts")
        constraints = [
            models.UniqueConstraint(fields=["area", "name"], condition=Q(ended_on__isnull=True),
                                    name="pioneer_post_unique_active_name"),
            models.CheckConstraint(condition=Q(ended_on__isnull=True) | Q(ended_on__gte=models.F("set_up_on")),
                                   name="pioneer_post_ends_after_start"),
        ]

    def __str__(self):
        return self.name


class PostHolder(models.Model):
    post = models.ForeignKey(PioneerPost, on_delete=models.CASCADE, related_name="members")
    person = models.ForeignKey("people.Person", verbose_name=_("person"), on_delete=models.PROTECT, related_name="+")
    joined_on = models.DateField(_("joined on"))
    left_on = models.DateField(_("left on"), null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["post", "person"], condition=Q(left_on__isnull=True),
                                               name="post_holder_once")]


class TemporaryOrg(models.Model):
    """Where a temporary party organization (a `people.PartyOrg` with temporary=True) stands: the site or the
    team it was set up for, and its secretary. Its members are not stored: they are the formal party members
    the registered sources assign to the site or team (`partyorg_services.temporary_org_members`)."""

    org = models.OneToOneField("people.PartyOrg", verbose_name=_("party organization"), on_delete=models.PROTECT,
                               related_name="temporary_anchor")
    area = models.ForeignKey("areas.Area", verbose_name=_("area"), on_delete=models.PROTECT,
                             related_name="temporary_orgs")
    site = models.ForeignKey("areas.Site", verbose_name=_("site"), null=True, blank=True, on_delete=models.PROTECT,
                             related_name="temporary_orgs")
    team = models.ForeignKey("mobilization.Team", verbose_name=_("team"), null=True, blank=True,
                             on_delete=models.PROTECT, related_name="temporary_orgs")
    # the org's kind, kept here for the figures
    kind = models.CharField(_("kind"), max_length=20, choices=PartyOrgKind.choices)
    secretary = models.ForeignKey("people.Person", verbose_name=_("secretary"), on_delete=models.PROTECT,
                                  related_name="+")
    founded_on = models.DateField(_("founded on"))
    dissolved_on = models.DateField(_("dissolved on"), null=True, blank=True)
    created_by = models.ForeignKey("core.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    objects = ScopedQuerySet.as_manager()
    scope_area_field = "area"

    class Meta:
        verbose_name = _("temporary party organization")
        verbose_name_plural = _("temporary party organizations")
        constraints = [
            models.CheckConstraint(condition=Q(site__isnull=True, team__isnull=False)
                                   | Q(site__isnull=False, team__isnull=True), name="temporary_org_one_anchor"),
            models.UniqueConstraint(fields=["site"], condition=Q(dissolved_on__isnull=True, site__isnull=False),
                                    name="temporary_org_one_active_per_site"),
            models.UniqueConstraint(fields=["team"], condition=Q(dissolved_on__isnull=True, team__isnull=False),
                                    name="temporary_org_one_active_per_team"),
            models.CheckConstraint(condition=Q(dissolved_on__isnull=True) | Q(dissolved_on__gte=models.F("founded_on")),
                                   name="temporary_org_dissolved_after_founded"),
        ]

    def __str__(self):
        return str(self.org)
