"""The community grid: "社区党组织—小区(网格)党支部—两长一员—党员联系户"."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from frontline.core.scoping import ScopedQuerySet


class GridRoleKind(models.TextChoices):
    BUILDING_HEAD = "building_head", _("Party building head")
    STREET_HEAD = "street_head", _("Party street head")
    GRID_MEMBER = "grid_member", _("Red grid member")


class GridRole(models.Model):
    """A party member serving as building head (a building), street head (a street or lane) or
    red grid member (a grid) — "两长一员"."""

    kind = models.CharField(_("role"), max_length=16, choices=GridRoleKind.choices)
    member = models.ForeignKey("people.PartyMember", verbose_name=_("party member"), on_delete=models.PROTECT,
                               related_name="grid_roles")
    area = models.ForeignKey("areas.Area", verbose_name=_("grid"), on_delete=models.PROTECT, related_name="grid_roles")
    building = models.ForeignKey("areas.Building", verbose_name=_("building"), null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="grid_roles")
    street_name = models.CharField(_("street or lane"), max_length=100, blank=True)
    started_on = models.DateField(_("since"))
    ended_on = models.DateField(_("until"), null=True, blank=True)

    objects = ScopedQuerySet.as_manager()
    scope_area_field = "area"

    class Meta:
        verbose_name = _("grid role")
        verbose_name_plural = _("grid roles")
        constraints = [
            models.CheckConstraint(
                condition=(Q(kind="building_head", building__isnull=False, street_name="")
                           | Q(kind="street_head", building__isnull=True) & ~Q(street_name="")
                           | Q(kind="grid_member", building__isnull=True, street_name="")),
                name="grid_role_target_matches_kind"),
            models.UniqueConstraint(fields=["building"], condition=Q(kind="building_head", ended_on__isnull=True),
                                    name="grid_role_one_head_per_building"),
            models.UniqueConstraint(fields=["member", "kind", "building", "street_name", "area"],
                                    condition=Q(ended_on__isnull=True), name="grid_role_no_duplicate"),
        ]

    def __str__(self):
        target = self.building or self.street_name or self.area
        return f"{self.get_kind_display()} {self.member.person} ({target})"


class ContactHousehold(models.Model):
    """A household assigned to a party member (党员联系户); one current contact member per household."""

    member = models.ForeignKey("people.PartyMember", verbose_name=_("party member"), on_delete=models.PROTECT,
                               related_name="contact_households")
    household = models.ForeignKey("areas.Household", verbose_name=_("household"), on_delete=models.PROTECT,
                                  related_name="contacts")
    started_on = models.DateField(_("since"))
    ended_on = models.DateField(_("until"), null=True, blank=True)

    objects = ScopedQuerySet.as_manager()
    scope_area_field = "household__building__area"

    class Meta:
        verbose_name = _("contact household")
        verbose_name_plural = _("contact households")
        constraints = [
            models.UniqueConstraint(fields=["household"], condition=Q(ended_on__isnull=True),
                                    name="contact_household_one_current_member"),
        ]

    def __str__(self):
        return f"{self.member.person} → {self.household}"
