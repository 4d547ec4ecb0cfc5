"""The community grid: "社区党组织—小区(网格)党支部—两长一员—党员联系户"."""

from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from frontline.core.scoping import ScopedQuerySet
from frontline.people.models import Relation

# The grid's kinds of work order (registered with their deadlines and escalation in plugin.py).
REVISIT = "revisit"
SPECIAL_NEED_FOLLOWUP = "special_need_followup"
TRANSFER_REQUEST = "transfer_request"


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
    access_action = "view_people"  # frontline.core.policy
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
    access_action = "view_people"  # frontline.core.policy
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


class SpecialNeedKind(models.TextChoices):
    ELDERLY_ALONE = "elderly_alone", _("Elderly living alone")
    PREGNANT = "pregnant", _("Pregnant or postpartum")
    DIALYSIS = "dialysis", _("Dialysis")
    CHRONIC_MEDICATION = "chronic_medication", _("Chronic disease needing medicine")
    DISABILITY = "disability", _("Disability")
    INFANT = "infant", _("Infant")
    CANCER_TREATMENT = "cancer_treatment", _("Cancer treatment")
    OTHER = "other", _("Other need")


class SpecialNeed(models.Model):
    """A resident who needs priority service; kept up to date from door-to-door visits."""

    person = models.ForeignKey("people.Person", verbose_name=_("person"), on_delete=models.PROTECT,
                               related_name="special_needs")
    kind = models.CharField(_("kind"), max_length=24, choices=SpecialNeedKind.choices)
    note = models.CharField(_("note"), max_length=200, blank=True)
    recorded_on = models.DateField(_("recorded on"))
    resolved_on = models.DateField(_("no longer since"), null=True, blank=True)
    source_visit = models.ForeignKey("grid.HouseholdVisit", null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="+")

    objects = ScopedQuerySet.as_manager()
    access_action = "view_people"  # frontline.core.policy

    class Meta:
        verbose_name = _("special need")
        verbose_name_plural = _("special needs")
        constraints = [models.UniqueConstraint(fields=["person", "kind"], condition=Q(resolved_on__isnull=True),
                                               name="special_need_one_active_per_kind")]

    def __str__(self):
        return f"{self.person} · {self.get_kind_display()}"

    @classmethod
    def scope_for_area(cls, area) -> Q:
        from frontline.people.models import Person

        return Q(person__in=Person.objects.filter(Person.scope_for_area(area)))


class ScreeningCampaign(models.Model):
    """A door-to-door screening over some areas and dates, with its own form (never one wave's form in code)."""

    name = models.CharField(_("name"), max_length=100)
    areas = models.ManyToManyField("areas.Area", verbose_name=_("areas"), related_name="screening_campaigns")
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    form = models.JSONField(_("form"), default=list, help_text=_("The questions asked of each resident."))
    created_by = models.ForeignKey("core.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("screening campaign")
        verbose_name_plural = _("screening campaigns")
        constraints = [models.CheckConstraint(condition=Q(ends_on__gte=models.F("starts_on")),
                                              name="campaign_ends_after_start")]

    def __str__(self):
        return self.name

    @classmethod
    def scope_for_area(cls, area) -> Q:
        """Visible where it runs: its areas lie under the viewer's area, or the viewer's area lies under one of them."""
        from frontline.areas.models import Area

        ancestors = [area.path[:i] for i in range(Area.steplen, len(area.path) + 1, Area.steplen)]
        covering = cls.areas.through.objects.filter(screeningcampaign=OuterRef("pk"))
        return Exists(covering.filter(area__path__prefix=area.path)) | Exists(covering.filter(area__path__in=ancestors))


class VisitOutcome(models.TextChoices):
    VISITED = "visited", _("Visited")
    NOBODY_HOME = "nobody_home", _("Nobody home")
    REFUSED = "refused", _("Refused")


class HouseholdVisit(models.Model):
    """A door-to-door visit (敲门行动/入户排查) of one household in a campaign."""

    campaign = models.ForeignKey(ScreeningCampaign, verbose_name=_("campaign"), on_delete=models.PROTECT,
                                 related_name="visits")
    household = models.ForeignKey("areas.Household", verbose_name=_("household"), on_delete=models.PROTECT,
                                  related_name="visits")
    visitor = models.ForeignKey("core.User", verbose_name=_("visitor"), null=True, on_delete=models.SET_NULL, related_name="+")
    visited_at = models.DateTimeField(_("visited at"))
    outcome = models.CharField(_("outcome"), max_length=16, choices=VisitOutcome.choices)
    note = models.CharField(_("note"), max_length=500, blank=True)

    objects = ScopedQuerySet.as_manager()
    access_action = "view_people"  # frontline.core.policy
    scope_area_field = "household__building__area"

    class Meta:
        verbose_name = _("household visit")
        verbose_name_plural = _("household visits")
        constraints = [models.UniqueConstraint(fields=["campaign", "household"], condition=Q(outcome="visited"),
                                               name="visit_one_completed_per_campaign")]
        indexes = [models.Index(fields=["campaign", "outcome"])]

    def __str__(self):
        return f"{self.household} · {self.get_outcome_display()}"


class ResidentScreening(models.Model):
    """What a visit found about one resident: the campaign form's answers."""

    visit = models.ForeignKey(HouseholdVisit, on_delete=models.CASCADE, related_name="screenings")
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="screenings")
    answers = models.JSONField(default=dict)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["visit", "person"], name="screening_one_per_person_per_visit")]


class TransferStatus(models.TextChoices):
    PENDING = "pending", pgettext_lazy("transfer", "Waiting for the answer")
    CONFIRMED = "confirmed", pgettext_lazy("transfer", "Confirmed: moved in")
    REFUSED = "refused", pgettext_lazy("transfer", "Refused")


class TransferRequest(models.Model):
    """A grid asks to move in a person registered in another jurisdiction (a roster row named them): that
    jurisdiction confirms (the person moves into the requested home) or refuses with a reason, through the
    work order it is given (kind `transfer_request`, at the person's community, `work_order`). The asking
    grid sees its own request (what it asked and the answer), never where the person lives now; the
    answering side sees it through its work order."""

    person = models.ForeignKey("people.Person", verbose_name=_("person"), on_delete=models.PROTECT,
                               related_name="transfer_requests")
    area = models.ForeignKey("areas.Area", verbose_name=_("asking grid"), on_delete=models.PROTECT, related_name="+")
    household = models.ForeignKey("areas.Household", verbose_name=_("requested home"), on_delete=models.PROTECT,
                                  related_name="+")
    relation = models.CharField(_("relation"), max_length=16, choices=Relation.choices, default=Relation.OTHER)
    moved_in = models.DateField(_("moving in on"))
    name_given = models.CharField(_("name in the file"), max_length=50)  # the asking grid's own data
    status = models.CharField(_("status"), max_length=16, choices=TransferStatus.choices, default=TransferStatus.PENDING)
    reason = models.TextField(_("reason"), blank=True)
    work_order = models.OneToOneField("core.WorkOrder", null=True, blank=True, on_delete=models.PROTECT,
                                      related_name="+")
    requested_by = models.ForeignKey("core.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    requested_at = models.DateTimeField(_("asked"), auto_now_add=True)
    decided_by = models.ForeignKey("core.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    decided_at = models.DateTimeField(_("answered"), null=True, blank=True)

    objects = ScopedQuerySet.as_manager()
    access_action = "import"  # the asking side: who may import there (frontline.core.policy)
    scope_area_field = "area"

    class Meta:
        verbose_name = _("transfer request")
        verbose_name_plural = _("transfer requests")
        constraints = [
            models.UniqueConstraint(fields=["person", "area"], condition=Q(status="pending"),
                                    name="transfer_request_one_pending_per_person_and_grid"),
            models.CheckConstraint(condition=~Q(status="refused") | ~Q(reason=""), name="transfer_request_refusal_has_reason"),
        ]

    def __str__(self):  # no name: the log's object names are read on both sides
        return _("Transfer request %(pk)s") % {"pk": self.pk}

    def get_absolute_url(self):
        """The answering side's page (through its work order)."""
        return reverse("transfer_detail", args=[self.work_order_id])
