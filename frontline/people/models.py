"""People: natural persons, where they live, party organizations and members, cadres."""

from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from treebeard.mp_tree import MP_Node

from frontline.core.scoping import ScopedQuerySet, ScopedTreeManager
from frontline.core.validators import validate_id_number, validate_phone


class DocType(models.TextChoices):
    ID_CARD = "id_card", _("Resident ID card")
    PASSPORT = "passport", _("Passport")
    HK_MACAO = "hk_macao", _("Mainland travel permit (HK/Macao)")
    TAIWAN = "taiwan", _("Mainland travel permit (Taiwan)")
    OTHER = "other", _("Other document")


class Sex(models.TextChoices):
    MALE = "M", _("Male")
    FEMALE = "F", _("Female")


class Person(models.Model):
    """One natural person. The ID number is optional (children, foreigners) but unique when known."""

    name = models.CharField(_("name"), max_length=50)
    pinyin_full = models.CharField(max_length=200, blank=True)
    pinyin_initials = models.CharField(max_length=50, blank=True)
    id_number = models.CharField(_("ID number"), max_length=18, null=True, blank=True, unique=True,
                                 validators=[validate_id_number])
    doc_type = models.CharField(_("other document"), max_length=16, choices=DocType.choices, blank=True)
    doc_number = models.CharField(_("document number"), max_length=30, blank=True)
    birth_date = models.DateField(_("birth date"), null=True, blank=True)
    sex = models.CharField(_("sex"), max_length=1, choices=Sex.choices, blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True, validators=[validate_phone], db_index=True)

    objects = ScopedQuerySet.as_manager()
    access_action = "view_people"  # frontline.core.policy

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("persons")
        constraints = [
            models.CheckConstraint(condition=Q(id_number__isnull=True) | Q(id_number__regex=r"^[0-9]{17}[0-9X]$"),
                                   name="person_id_number_shape"),
            models.UniqueConstraint(fields=["doc_type", "doc_number"], condition=~Q(doc_number=""),
                                    name="person_unique_document"),
            models.CheckConstraint(condition=Q(doc_number="") | ~Q(doc_type=""), name="person_document_has_type"),
        ]
        indexes = [
            models.Index(fields=["pinyin_initials"], name="person_initials_prefix", opclasses=["varchar_pattern_ops"]),
            models.Index(fields=["pinyin_full"], name="person_pinyin_prefix", opclasses=["varchar_pattern_ops"]),
        ]

    def get_absolute_url(self):
        return reverse("person_detail", args=[self.pk])

    def __str__(self):
        return self.name

    @classmethod
    def scope_for_area(cls, area) -> Q:
        """A person is visible where they currently live, hold a party membership, or have their unit."""
        prefix = area.path
        return (
            Exists(Resident.objects.filter(person=OuterRef("pk"), moved_out__isnull=True,
                                           household__building__area__path__prefix=prefix))
            | Exists(PartyMember.objects.filter(PartyMember.scope_for_area(area), person=OuterRef("pk"),
                                                left_on__isnull=True))
            | Exists(Cadre.objects.filter(person=OuterRef("pk"), unit_area__path__prefix=prefix))
        )


class Relation(models.TextChoices):
    HEAD = "head", _("Head of household")
    SPOUSE = "spouse", _("Spouse")
    CHILD = "child", _("Child")
    PARENT = "parent", _("Parent")
    GRANDCHILD = "grandchild", _("Grandchild")
    OTHER = "other", _("Other")


class Resident(models.Model):
    """A person living in a household over a period; a person has at most one current home."""

    person = models.ForeignKey(Person, verbose_name=_("person"), on_delete=models.PROTECT, related_name="residences")
    household = models.ForeignKey("areas.Household", verbose_name=_("household"), on_delete=models.PROTECT,
                                  related_name="residents", db_index=False)  # the (household, moved_out) index serves
    relation = models.CharField(_("relation"), max_length=16, choices=Relation.choices, default=Relation.OTHER)
    moved_in = models.DateField(_("moved in"))
    moved_out = models.DateField(_("moved out"), null=True, blank=True)

    objects = ScopedQuerySet.as_manager()
    access_action = "view_people"  # frontline.core.policy
    scope_area_field = "household__building__area"

    class Meta:
        verbose_name = _("resident")
        verbose_name_plural = _("residents")
        constraints = [
            models.UniqueConstraint(fields=["person"], condition=Q(moved_out__isnull=True), name="resident_one_current_home"),
            models.CheckConstraint(condition=Q(moved_out__isnull=True) | Q(moved_out__gte=models.F("moved_in")),
                                   name="resident_moves_out_after_moving_in"),
        ]
        indexes = [models.Index(fields=["household", "moved_out"])]

    def __str__(self):
        return f"{self.person} @ {self.household}"


class PartyOrgKind(models.TextChoices):
    COMMITTEE = "committee", _("Party committee")
    GENERAL_BRANCH = "general_branch", _("General branch")
    BRANCH = "branch", _("Branch")
    GROUP = "group", _("Party group")


class PartyOrg(MP_Node):
    """Party organization tree; anchored to an area or a site (an enterprise later)."""

    steplen = 4
    name = models.CharField(_("name"), max_length=150)
    kind = models.CharField(_("kind"), max_length=20, choices=PartyOrgKind.choices)
    temporary = models.BooleanField(_("temporary"), default=False)
    area = models.ForeignKey("areas.Area", verbose_name=_("area"), null=True, blank=True, on_delete=models.PROTECT,
                             related_name="party_orgs")
    site = models.ForeignKey("areas.Site", verbose_name=_("site"), null=True, blank=True, on_delete=models.PROTECT,
                             related_name="party_orgs")
    founded_on = models.DateField(_("founded on"), null=True, blank=True)
    dissolved_on = models.DateField(_("dissolved on"), null=True, blank=True)

    objects = ScopedTreeManager()

    class Meta:
        verbose_name = _("party organization")
        verbose_name_plural = _("party organizations")
        constraints = [
            models.CheckConstraint(condition=Q(area__isnull=False) | Q(site__isnull=False), name="party_org_anchored"),
        ]

    def __str__(self):
        return self.name

    @classmethod
    def scope_for_area(cls, area, prefix: str = "") -> Q:
        return Q(**{f"{prefix}area__path__prefix": area.path}) | Q(**{f"{prefix}site__area__path__prefix": area.path})


class MemberStatus(models.TextChoices):
    FORMAL = "formal", _("Formal member")
    PROBATIONARY = "probationary", _("Probationary member")


class PartyMember(models.Model):
    """Membership of a person in a party organization; one current membership per person."""

    person = models.ForeignKey(Person, verbose_name=_("person"), on_delete=models.PROTECT, related_name="party_memberships")
    org = models.ForeignKey(PartyOrg, verbose_name=_("party organization"), on_delete=models.PROTECT, related_name="members")
    status = models.CharField(_("status"), max_length=16, choices=MemberStatus.choices, default=MemberStatus.FORMAL)
    floating = models.BooleanField(_("floating member"), default=False)
    joined_on = models.DateField(_("joined on"), null=True, blank=True)
    left_on = models.DateField(_("left on"), null=True, blank=True)

    objects = ScopedQuerySet.as_manager()
    access_action = "view_people"  # frontline.core.policy

    class Meta:
        verbose_name = _("party member")
        verbose_name_plural = _("party members")
        constraints = [
            models.UniqueConstraint(fields=["person"], condition=Q(left_on__isnull=True), name="party_member_one_current_org"),
        ]

    def __str__(self):
        return f"{self.person} ({self.org})"

    @classmethod
    def scope_for_area(cls, area) -> Q:
        return PartyOrg.scope_for_area(area, prefix="org__")


class CadreRank(models.TextChoices):
    BUREAU = "bureau", _("Bureau level and above")
    COUNTY = "county", _("County level")
    SECTION = "section", _("Section level")
    STAFF = "staff", _("Staff")


class Cadre(models.Model):
    """A cadre of an institution or enterprise, in their home unit (which sits in an area)."""

    person = models.OneToOneField(Person, verbose_name=_("person"), on_delete=models.PROTECT, related_name="cadre")
    home_unit = models.CharField(_("home unit"), max_length=150)
    unit_area = models.ForeignKey("areas.Area", verbose_name=_("unit's area"), on_delete=models.PROTECT,
                                  related_name="cadres")
    rank = models.CharField(_("rank"), max_length=16, choices=CadreRank.choices)
    position = models.CharField(_("position"), max_length=100, blank=True)

    objects = ScopedQuerySet.as_manager()
    access_action = "view_people"  # frontline.core.policy
    scope_area_field = "unit_area"

    class Meta:
        verbose_name = _("cadre")
        verbose_name_plural = _("cadres")

    def __str__(self):
        return f"{self.person} ({self.home_unit})"

    @property
    def county_level_or_below(self) -> bool:
        return self.rank != CadreRank.BUREAU
