"""Mass testing (核酸检测): rounds over a set of areas, their testing sites and staff, pooled tubes and the
samples registered into them, bags handed from collector to transporter to laboratory, results, the
positive pools' single-tube re-tests and the cases opened from positive single tubes.

The tables that grow with the city (`Sample`, `Tube`) carry their round in every unique constraint
("once per person and once per tube in a round"), so on PostgreSQL they can be partitioned by round (a
round is a period of time) without losing a constraint; they are written by set-based services
(`registration.py`), never one ORM object a sample."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from frontline.core.scoping import ScopedQuerySet

POOL_SIZES = (1, 5, 10, 20)


def _area_and_above_or_below(area, field: str) -> Q:
    """Rows anchored at the area, under it, or above it (a city's round covers a community's people)."""
    step = type(area).steplen
    above = [area.path[:i] for i in range(step, len(area.path), step)]
    return Q(**{f"{field}__path__startswith": area.path}) | Q(**{f"{field}__path__in": above})


def _staffing(assignment):
    """The round staffing that gave the assignment, if it has not been ended (None otherwise)."""
    staff = getattr(assignment, "round_staff", None)  # None where the assignment staffs no round
    return staff if staff is not None and staff.ended_at is None else None


def _round_site_q(assignment) -> Q | None:
    """A collector's rows: the round and testing site of the staffing that gave the assignment. An ended
    staffing gives nothing at once (its assignment runs to the end of the day, as assignments do)."""
    staff = _staffing(assignment)
    return Q(round_id=staff.round_id, site_id=staff.site_id) if staff is not None and staff.site_id else None


class RoundStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    OPEN = "open", _("Under way")
    CLOSED = "closed", _("Closed")


class TestingRound(models.Model):
    """One round of mass testing (一轮核酸检测) over a set of areas, in a period, at a pool size. `area` is the
    place that organised it (the lowest area holding all of `areas`): who manages it."""

    name = models.CharField(_("name"), max_length=100)
    area = models.ForeignKey("areas.Area", verbose_name=_("organised by"), on_delete=models.PROTECT,
                             related_name="testing_rounds")
    areas = models.ManyToManyField("areas.Area", verbose_name=_("areas covered"), through="RoundArea",
                                   related_name="covering_rounds")
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    pool_size = models.PositiveSmallIntegerField(_("pool size"), choices=[(n, f"{n}合1" if n > 1 else "单管")
                                                                          for n in POOL_SIZES], default=10)
    status = models.CharField(_("status"), max_length=10, choices=RoundStatus.choices, default=RoundStatus.PLANNED)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    # The creation form's one-time token: the same form submitted twice makes one round (unique in the database).
    form_token = models.CharField(max_length=36, null=True, blank=True, unique=True, editable=False)

    objects = ScopedQuerySet.as_manager()
    access_action = "view_testing"
    __test__ = False  # not a test class, whatever its name says to pytest

    class Meta:
        verbose_name = _("testing round")
        verbose_name_plural = _("testing rounds")
        constraints = [
            models.CheckConstraint(condition=Q(ends_at__gt=F("starts_at")), name="testing_round_ends_after_start"),
            models.CheckConstraint(condition=Q(pool_size__in=POOL_SIZES), name="testing_round_pool_size"),
        ]

    def __str__(self):
        return self.name

    @classmethod
    def scope_for_area(cls, area) -> Q:
        """A round is seen where it was organised and above, and by the places it covers and those in them (a
        grid sees its community's round); not by a sibling of the places it covers. A subquery: no row twice."""
        covered = RoundArea.objects.filter(_area_and_above_or_below(area, "area")).values("round_id")
        return Q(area__path__startswith=area.path) | Q(pk__in=covered)

    @classmethod
    def scope_round_site(cls, actor, assignment) -> Q | None:
        """A collector sees the round of their staffing (while it lasts)."""
        staff = _staffing(assignment)
        return Q(pk=staff.round_id) if staff is not None else None

    @classmethod
    def scope_own_lab(cls, actor, assignment) -> Q:
        """Laboratory staff see the rounds whose tubes or bags went to their laboratory."""
        return (Q(pk__in=Tube.objects.filter(laboratory__staff=actor).values("round_id"))
                | Q(pk__in=Bag.objects.filter(laboratory__staff=actor).values("round_id")))


class RoundArea(models.Model):
    round = models.ForeignKey(TestingRound, on_delete=models.CASCADE, related_name="round_areas")
    area = models.ForeignKey("areas.Area", on_delete=models.PROTECT, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["round", "area"], name="round_area_once")]


class RoundSite(models.Model):
    """A testing site (`Site`, kind testing) open for a round, with its hours."""

    round = models.ForeignKey(TestingRound, verbose_name=_("testing round"), on_delete=models.CASCADE,
                              related_name="round_sites")
    site = models.ForeignKey("areas.Site", verbose_name=_("testing site"), on_delete=models.PROTECT,
                             related_name="round_sites")
    opens_at = models.DateTimeField(_("opens at"))
    closes_at = models.DateTimeField(_("closes at"))

    objects = ScopedQuerySet.as_manager()
    scope_area_field = "site__area"
    access_action = "view_testing"

    class Meta:
        verbose_name = _("testing site of a round")
        verbose_name_plural = _("testing sites of a round")
        constraints = [
            models.UniqueConstraint(fields=["round", "site"], name="round_site_once"),
            models.CheckConstraint(condition=Q(closes_at__gt=F("opens_at")), name="round_site_closes_after_opening"),
        ]

    @classmethod
    def scope_for_area(cls, area) -> Q:
        """A round's sites are public places: whoever sees the round sees all of them."""
        return Q(round__in=TestingRound.objects.filter(TestingRound.scope_for_area(area)).values("pk"))

    scope_round_site = classmethod(lambda cls, actor, assignment: _round_site_q(assignment))

    @classmethod
    def scope_own_lab(cls, actor, assignment) -> Q:
        return Q(round__in=TestingRound.objects.filter(TestingRound.scope_own_lab(actor, assignment)).values("pk"))


class ExemptionKind(models.TextChoices):
    DOOR_TO_DOOR = "door_to_door", _("Sampled at home (bedridden, disabled)")
    AWAY = "away", _("Not present (away from the city)")
    OTHER = "other", _("Exempt for another reason")


# Exemptions that take a resident out of the round's target; a door-to-door one keeps them in it.
EXCLUDED_KINDS = (ExemptionKind.AWAY, ExemptionKind.OTHER)


class RoundExemption(models.Model):
    """A resident the round treats differently: sampled at home by a door-to-door collection (still in the
    target), or not to be tested in it (out of the target)."""

    round = models.ForeignKey(TestingRound, verbose_name=_("testing round"), on_delete=models.CASCADE,
                              related_name="exemptions")
    person = models.ForeignKey("people.Person", verbose_name=_("person"), on_delete=models.PROTECT, related_name="+")
    grid = models.ForeignKey("areas.Area", verbose_name=_("grid"), on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("kind"), max_length=16, choices=ExemptionKind.choices)
    note = models.CharField(_("note"), max_length=200, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedQuerySet.as_manager()
    scope_area_field = "grid"
    access_action = "view_people"

    class Meta:
        verbose_name = _("exemption")
        verbose_name_plural = _("exemptions")
        constraints = [models.UniqueConstraint(fields=["round", "person"], name="round_exemption_once")]


class Laboratory(models.Model):
    """A testing laboratory (检测机构) that receives bags and reports results."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    area = models.ForeignKey("areas.Area", verbose_name=_("area"), on_delete=models.PROTECT, related_name="+")
    staff = models.ManyToManyField(settings.AUTH_USER_MODEL, verbose_name=_("staff"), blank=True,
                                   related_name="laboratories")

    objects = ScopedQuerySet.as_manager()
    scope_area_field = "area"

    class Meta:
        verbose_name = _("laboratory")
        verbose_name_plural = _("laboratories")

    def __str__(self):
        return self.name

    @classmethod
    def scope_own_lab(cls, actor, assignment) -> Q:
        return Q(staff=actor)


class StaffRole(models.TextChoices):
    COLLECTOR = "collector", _("Collector")
    TRANSPORTER = "transporter", _("Transporter")


class RoundStaff(models.Model):
    """A collector at a testing site, or a transporter, for a round: the account's assignment (role at the
    site's area, for the round's days) is kept with it and ends with it."""

    round = models.ForeignKey(TestingRound, verbose_name=_("testing round"), on_delete=models.CASCADE,
                              related_name="staff")
    site = models.ForeignKey("areas.Site", verbose_name=_("testing site"), null=True, blank=True,
                             on_delete=models.PROTECT, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("account"), on_delete=models.PROTECT,
                             related_name="round_staff")
    person = models.ForeignKey("people.Person", verbose_name=_("person"), null=True, blank=True,
                               on_delete=models.PROTECT, related_name="+")
    role = models.CharField(_("role"), max_length=16, choices=StaffRole.choices)
    assignment = models.OneToOneField("core.Assignment", on_delete=models.PROTECT, related_name="round_staff")
    area = models.ForeignKey("areas.Area", verbose_name=_("area"), on_delete=models.PROTECT, related_name="+")
    ended_at = models.DateTimeField(_("ended at"), null=True, blank=True)

    objects = ScopedQuerySet.as_manager()
    scope_area_field = "area"

    class Meta:
        verbose_name = _("round staff")
        verbose_name_plural = _("round staff")
        constraints = [
            models.UniqueConstraint(fields=["round", "user", "site"], name="round_staff_once"),
            models.CheckConstraint(condition=Q(role="transporter") | Q(site__isnull=False),
                                   name="round_staff_collector_has_site"),
        ]


class SiteWork:
    """Tubes and bags: a collector's at the round site of their staffing, a laboratory's once it has them."""

    scope_round_site = classmethod(lambda cls, actor, assignment: _round_site_q(assignment))

    @classmethod
    def scope_own_lab(cls, actor, assignment) -> Q:
        return Q(laboratory__staff=actor)


class Result(models.TextChoices):
    NEGATIVE = "negative", _("Negative")
    POSITIVE = "positive", _("Positive")
    INVALID = "invalid", _("Invalid")


class Tube(SiteWork, models.Model):
    """A pooled (or single) tube, by its barcode, once in a round: at most `pool_size` samples (the column
    and a check constraint say so), then a bag, a laboratory and a result."""

    round = models.ForeignKey(TestingRound, on_delete=models.PROTECT, related_name="tubes")
    code = models.CharField(_("tube code"), max_length=32)
    site = models.ForeignKey("areas.Site", verbose_name=_("testing site"), on_delete=models.PROTECT, related_name="tubes")
    pool_size = models.PositiveSmallIntegerField(_("pool size"))
    samples_count = models.PositiveSmallIntegerField(_("samples"), default=0)
    collector = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                  related_name="+")
    opened_at = models.DateTimeField(_("first sample"))
    bag = models.ForeignKey("Bag", verbose_name=_("bag"), null=True, blank=True, on_delete=models.SET_NULL,
                            related_name="tubes")
    laboratory = models.ForeignKey(Laboratory, verbose_name=_("laboratory"), null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="tubes")
    result = models.CharField(_("result"), max_length=10, choices=Result.choices, blank=True)
    result_at = models.DateTimeField(_("reported at"), null=True, blank=True)
    result_source = models.CharField(_("reported by"), max_length=100, blank=True)

    objects = ScopedQuerySet.as_manager()
    scope_area_field = "site__area"
    access_action = "view_testing"

    class Meta:
        verbose_name = _("tube")
        verbose_name_plural = _("tubes")
        constraints = [
            models.UniqueConstraint(fields=["round", "code"], name="tube_once_per_round"),
            models.CheckConstraint(condition=Q(samples_count__lte=F("pool_size")), name="tube_not_overfull"),
            models.CheckConstraint(condition=Q(pool_size__in=POOL_SIZES), name="tube_pool_size"),
        ]
        indexes = [models.Index(fields=["round", "result"])]

    def __str__(self):
        return self.code



class SampleKind(models.TextChoices):
    ROUTINE = "routine", _("Routine")
    RETEST = "retest", _("Re-test")


class Sample(models.Model):
    """One person's swab in a tube. `client_id` is the terminal's own id for the record, so a retried upload
    never counts twice; `grid` is the person's grid when sampled (None for a visitor), for coverage."""

    round = models.ForeignKey(TestingRound, on_delete=models.PROTECT, related_name="samples")
    tube = models.ForeignKey(Tube, on_delete=models.PROTECT, related_name="samples")
    person = models.ForeignKey("people.Person", verbose_name=_("person"), on_delete=models.PROTECT,
                               related_name="samples")
    kind = models.CharField(_("kind"), max_length=8, choices=SampleKind.choices, default=SampleKind.ROUTINE)
    client_id = models.CharField(_("client id"), max_length=64)
    site = models.ForeignKey("areas.Site", on_delete=models.PROTECT, related_name="+")
    grid = models.ForeignKey("areas.Area", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    collector = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                  related_name="+")
    collected_at = models.DateTimeField(_("collected at"))
    received_at = models.DateTimeField(_("received at"))

    objects = ScopedQuerySet.as_manager()
    access_action = "view_people"

    class Meta:
        verbose_name = _("sample")
        verbose_name_plural = _("samples")
        constraints = [
            models.UniqueConstraint(fields=["round", "client_id"], name="sample_client_id_once"),
            models.UniqueConstraint(fields=["round", "person"], condition=Q(kind="routine"),
                                    name="sample_person_once_per_round"),
        ]
        indexes = [models.Index(fields=["round", "grid"]), models.Index(fields=["round", "tube"]),
                   models.Index(fields=["person", "round"])]

    scope_round_site = classmethod(lambda cls, actor, assignment: _round_site_q(assignment))

    @classmethod
    def scope_for_area(cls, area) -> Q:
        """A sample belongs to the person's grid, and to the site where it was taken."""
        return Q(grid__path__startswith=area.path) | Q(site__area__path__startswith=area.path)


class Bag(SiteWork, models.Model):
    """A bag of tubes (转运箱/袋) sealed at a site, handed to a transporter and on to a laboratory."""

    round = models.ForeignKey(TestingRound, on_delete=models.PROTECT, related_name="bags")
    code = models.CharField(_("bag code"), max_length=32)
    site = models.ForeignKey("areas.Site", verbose_name=_("testing site"), on_delete=models.PROTECT,
                             related_name="bags")
    sealed_count = models.PositiveIntegerField(_("tubes sealed"), null=True, blank=True)
    sealed_at = models.DateTimeField(_("sealed at"), null=True, blank=True)
    sealed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                  related_name="+")
    laboratory = models.ForeignKey(Laboratory, verbose_name=_("laboratory"), null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="bags")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedQuerySet.as_manager()
    scope_area_field = "site__area"
    access_action = "view_testing"

    class Meta:
        verbose_name = _("bag")
        verbose_name_plural = _("bags")
        constraints = [models.UniqueConstraint(fields=["round", "code"], name="bag_once_per_round")]

    def __str__(self):
        return self.code



class HandoverStage(models.TextChoices):
    PICKED_UP = "picked_up", _("Collector → transporter")
    DELIVERED = "delivered", _("Transporter → laboratory")


class Handover(models.Model):
    """One scanned hand-over of a bag: the tube codes counted on receipt, and those missing or extra against
    what was sealed (flagged at once)."""

    bag = models.ForeignKey(Bag, on_delete=models.CASCADE, related_name="handovers")
    stage = models.CharField(_("stage"), max_length=12, choices=HandoverStage.choices)
    received_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")
    at = models.DateTimeField(_("at"))
    counted = models.PositiveIntegerField(_("tubes counted"))
    missing = models.JSONField(_("missing tubes"), default=list, blank=True)
    extra = models.JSONField(_("unexpected tubes"), default=list, blank=True)
    # Missing or unexpected tubes, or a count that differs from what was sealed (交接异常): the desk's list.
    flagged = models.BooleanField(_("mismatch"), default=False)

    class Meta:
        verbose_name = _("hand-over")
        verbose_name_plural = _("hand-overs")
        constraints = [models.UniqueConstraint(fields=["bag", "stage"], name="handover_once_per_stage")]

    @property
    def mismatch(self) -> bool:
        return bool(self.flagged or self.missing or self.extra)


class ReviewStatus(models.TextChoices):
    HELD = "held", _("Held for review")
    ACCEPTED = "accepted", _("Accepted")
    DISMISSED = "dismissed", _("Dismissed")


class ResultReview(models.Model):
    """A second, different result for a tube: never written over the first, held until someone decides."""

    tube = models.ForeignKey(Tube, on_delete=models.CASCADE, related_name="reviews")
    result = models.CharField(_("result"), max_length=10, choices=Result.choices)
    reported_at = models.DateTimeField(_("reported at"), null=True, blank=True)
    source = models.CharField(_("reported by"), max_length=100, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=ReviewStatus.choices, default=ReviewStatus.HELD)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedQuerySet.as_manager()
    scope_area_field = "tube__site__area"
    access_action = "view_testing"

    class Meta:
        verbose_name = _("result held for review")
        verbose_name_plural = _("results held for review")
        constraints = [models.UniqueConstraint(fields=["tube", "result", "source"], condition=Q(status="held"),
                                               name="result_review_held_once")]


class Retest(models.Model):
    """A person of a positive pool, to be re-sampled in a single tube (at home, door to door): open until a
    re-test sample of theirs is registered."""

    round = models.ForeignKey(TestingRound, on_delete=models.PROTECT, related_name="retests")
    person = models.ForeignKey("people.Person", verbose_name=_("person"), on_delete=models.PROTECT,
                               related_name="retests")
    tube = models.ForeignKey(Tube, verbose_name=_("positive tube"), on_delete=models.PROTECT, related_name="retests")
    grid = models.ForeignKey("areas.Area", verbose_name=_("grid"), null=True, blank=True, on_delete=models.PROTECT,
                             related_name="+")
    area = models.ForeignKey("areas.Area", verbose_name=_("area"), on_delete=models.PROTECT, related_name="+")
    work_order = models.ForeignKey("core.WorkOrder", null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    sample = models.ForeignKey(Sample, verbose_name=_("re-test sample"), null=True, blank=True,
                               on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("marked at"))

    objects = ScopedQuerySet.as_manager()
    scope_area_field = "area"
    access_action = "view_people"

    class Meta:
        verbose_name = _("re-test")
        verbose_name_plural = _("re-tests")
        constraints = [models.UniqueConstraint(fields=["tube", "person"], name="retest_once_per_tube")]

    @property
    def pending(self) -> bool:
        return self.sample_id is None


class CaseStatus(models.TextChoices):
    OPEN = "open", _("Open")
    CLOSED = "closed", _("Closed")


class CaseSource(models.TextChoices):
    TUBE = "tube", _("Positive single tube")
    MANUAL = "manual", _("Entered by hand")


class Case(models.Model):
    """A case (病例): opened from a positive single tube, or entered by hand (a hospital's report); its
    investigation finds its contacts (`Contact`), and it is placed under a control measure."""

    person = models.ForeignKey("people.Person", verbose_name=_("person"), on_delete=models.PROTECT,
                               related_name="cases")
    area = models.ForeignKey("areas.Area", verbose_name=_("area"), on_delete=models.PROTECT, related_name="+")
    tube = models.ForeignKey(Tube, verbose_name=_("positive tube"), null=True, blank=True, on_delete=models.PROTECT,
                             related_name="cases")
    status = models.CharField(_("status"), max_length=8, choices=CaseStatus.choices, default=CaseStatus.OPEN)
    opened_at = models.DateTimeField(_("opened at"))
    opened_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                  related_name="+")
    note = models.TextField(_("note"), blank=True)
    source = models.CharField(_("source"), max_length=8, choices=CaseSource.choices, default=CaseSource.TUBE)
    grid = models.ForeignKey("areas.Area", verbose_name=_("grid"), null=True, blank=True, on_delete=models.PROTECT,
                             related_name="+")
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)

    objects = ScopedQuerySet.as_manager()
    scope_area_field = "area"
    access_action = "view_cases"

    class Meta:
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        constraints = [models.UniqueConstraint(fields=["person"], condition=Q(status="open"),
                                               name="case_one_open_per_person")]


class DoorKnock(models.Model):
    """A door-knocking work order (kind `untested`) for a resident of the round's target not yet sampled in it:
    the round it was sent for, so that a sample in that round closes it (`coverage.untested_orders_close_for`)."""

    round = models.ForeignKey(TestingRound, verbose_name=_("testing round"), on_delete=models.CASCADE,
                              related_name="door_knocks")
    person = models.ForeignKey("people.Person", verbose_name=_("person"), on_delete=models.PROTECT, related_name="+")
    grid = models.ForeignKey("areas.Area", verbose_name=_("grid"), on_delete=models.PROTECT, related_name="+")
    work_order = models.OneToOneField("core.WorkOrder", on_delete=models.CASCADE, related_name="door_knock")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedQuerySet.as_manager()
    scope_area_field = "grid"
    access_action = "view_people"

    class Meta:
        verbose_name = _("door-knocking for an untested resident")
        verbose_name_plural = _("door-knocking for untested residents")
        indexes = [models.Index(fields=["round", "person"])]


# --- entrance checks, control zones, cases and contacts, control measures (issue 11) ---------------------


class CheckpointPost(models.Model):
    """Checkpoint staff (卡口值守) at a checkpoint or traffic site: the account's assignment (role
    `checkpoint_staff` at the site's area, for the days of the duty) is kept with it and ends with it. The
    policy's scope kind `checkpoint_site` reads it: the staff see and record at that site and nowhere else."""

    site = models.ForeignKey("areas.Site", verbose_name=_("checkpoint"), on_delete=models.PROTECT,
                             related_name="checkpoint_posts")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("account"), on_delete=models.PROTECT,
                             related_name="checkpoint_posts")
    assignment = models.OneToOneField("core.Assignment", on_delete=models.PROTECT, related_name="checkpoint_post")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    ended_at = models.DateTimeField(_("ended at"), null=True, blank=True)

    objects = ScopedQuerySet.as_manager()
    scope_area_field = "site__area"

    class Meta:
        verbose_name = _("checkpoint duty")
        verbose_name_plural = _("checkpoint duties")


def _checkpoint_site_q(assignment, field: str = "site_id") -> Q | None:
    post = getattr(assignment, "checkpoint_post", None)  # None where the assignment staffs no checkpoint
    return Q(**{field: post.site_id}) if post is not None and post.ended_at is None else None


class Direction(models.TextChoices):
    IN = "in", _("In")
    OUT = "out", _("Out")


class CodeColour(models.TextChoices):
    GREEN = "green", _("Green")
    YELLOW = "yellow", _("Yellow")
    RED = "red", _("Red")


class StopReason(models.TextChoices):
    """Why a scan stopped the person, in the order a screen names them."""

    SEALED = "sealed", _("lives in a sealed zone")
    CODE = "code", _("health code not green")
    ITINERARY = "itinerary", _("itinerary flagged")
    FEVER = "fever", _("temperature too high")


class ScanColumns(models.Model):
    """What a scan records, live (`CheckpointScan`) or kept aside for an investigation (`KeptScan`)."""

    day = models.DateField(_("day"))
    direction = models.CharField(_("direction"), max_length=3, choices=Direction.choices)
    code_colour = models.CharField(_("health code"), max_length=6, choices=CodeColour.choices)
    itinerary_flag = models.BooleanField(_("itinerary flagged"), default=False)
    temperature = models.DecimalField(_("temperature (°C)"), max_digits=3, decimal_places=1)
    passed = models.BooleanField(_("passed"))
    reasons = models.CharField(_("stopped because"), max_length=40, blank=True)  # StopReason codes, comma-joined
    scanned_at = models.DateTimeField(_("scanned at"))
    received_at = models.DateTimeField(_("received at"))
    client_id = models.CharField(_("client id"), max_length=64)

    class Meta:
        abstract = True


class CheckpointScan(ScanColumns):
    """One entrance check (两码一测) at a checkpoint site: who, which way, the health-code colour and itinerary
    flag as read at the gate, the temperature, and the verdict (refused scans are traces too).

    The table grows by tens of millions of rows a day and is kept 14 days: on PostgreSQL it is partitioned by
    `day` (the local date of `scanned_at`); no row of another table points at a scan, and the client's id is
    unique together with the day (a retried upload never counts twice). Written by a set-based service, never
    one ORM object a scan."""

    id = models.BigAutoField(primary_key=True)  # on PostgreSQL the key is (id, day): the partition key
    site = models.ForeignKey("areas.Site", verbose_name=_("checkpoint"), on_delete=models.PROTECT,
                             related_name="+", db_constraint=False)
    person = models.ForeignKey("people.Person", verbose_name=_("person"), on_delete=models.PROTECT,
                               related_name="+", db_constraint=False)
    grid = models.ForeignKey("areas.Area", verbose_name=_("grid"), null=True, blank=True, on_delete=models.PROTECT,
                             related_name="+", db_constraint=False)
    staff = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.DO_NOTHING,
                              related_name="+", db_constraint=False)

    objects = ScopedQuerySet.as_manager()
    scope_area_field = "site__area"
    access_action = "view_scans"

    class Meta:
        verbose_name = _("entrance check")
        verbose_name_plural = _("entrance checks")
        constraints = [models.UniqueConstraint(fields=["client_id", "day"], name="scan_client_id_once_a_day")]
        indexes = [
            models.Index(fields=["site", "scanned_at"], name="scan_site_time"),
            models.Index(fields=["person", "scanned_at"], name="scan_person_time"),
        ]

    scope_checkpoint_site = classmethod(lambda cls, actor, assignment: _checkpoint_site_q(assignment))


class KeptScan(ScanColumns):
    """A scan kept aside past the purge: the scans of people in an open case or contact investigation are
    copied here (same columns) before their day's rows are deleted or its partition dropped, and read with
    the live scans by the investigation (companion search, a person's trace)."""

    id = models.BigIntegerField(primary_key=True)  # the scan's own id
    site = models.ForeignKey("areas.Site", verbose_name=_("checkpoint"), on_delete=models.PROTECT, related_name="+")
    person = models.ForeignKey("people.Person", verbose_name=_("person"), on_delete=models.PROTECT, related_name="+")
    grid = models.ForeignKey("areas.Area", verbose_name=_("grid"), null=True, blank=True, on_delete=models.PROTECT,
                             related_name="+")
    staff = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="+")
    kept_at = models.DateTimeField(_("kept aside at"))

    objects = ScopedQuerySet.as_manager()
    scope_area_field = "site__area"
    access_action = "view_cases"

    class Meta:
        verbose_name = _("entrance check kept for an investigation")
        verbose_name_plural = _("entrance checks kept for investigations")
        indexes = [models.Index(fields=["person", "scanned_at"], name="kept_scan_person_time"),
                   models.Index(fields=["site", "scanned_at"], name="kept_scan_site_time")]


class ZoneLevel(models.TextChoices):
    SEALED = "sealed", _("Sealed zone")
    CONTROLLED = "controlled", _("Controlled zone")
    PRECAUTION = "precaution", _("Precaution zone")


ZONE_ORDER = (ZoneLevel.SEALED, ZoneLevel.CONTROLLED, ZoneLevel.PRECAUTION)


class ControlZone(models.Model):
    """An area (a grid, a community...) or one building under control (封控区/管控区/防范区), with its period
    and reason. The level changes only through its history (`ZoneChange`): declared, stepped down by rule
    when a commander confirms, lifted."""

    area = models.ForeignKey("areas.Area", verbose_name=_("area"), on_delete=models.PROTECT,
                             related_name="control_zones")
    building = models.ForeignKey("areas.Building", verbose_name=_("building"), null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="control_zones")
    name = models.CharField(_("name"), max_length=100)
    level = models.CharField(_("level"), max_length=10, choices=ZoneLevel.choices)
    reason = models.TextField(_("reason"))
    starts_at = models.DateTimeField(_("since"))
    level_since = models.DateTimeField(_("at this level since"))
    ends_at = models.DateTimeField(_("lifted at"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedQuerySet.as_manager()
    scope_area_field = "area"
    access_action = "view_zones"

    class Meta:
        verbose_name = _("control zone")
        verbose_name_plural = _("control zones")
        indexes = [models.Index(fields=["level", "ends_at"], name="zone_level_open")]
        # One open zone over a place at a time (a new declaration there changes the open one: zones.py).
        constraints = [
            models.UniqueConstraint(fields=["area"], condition=Q(ends_at__isnull=True, building__isnull=True),
                                    name="zone_one_open_per_area"),
            models.UniqueConstraint(fields=["building"], condition=Q(ends_at__isnull=True, building__isnull=False),
                                    name="zone_one_open_per_building"),
            models.CheckConstraint(condition=Q(level_since__gte=F("starts_at")), name="zone_level_since_after_start"),
            models.CheckConstraint(condition=Q(ends_at__isnull=True) | Q(ends_at__gte=F("starts_at")),
                                   name="zone_ends_after_start"),
        ]

    def __str__(self):
        return self.name


class ZoneChangeKind(models.TextChoices):
    DECLARED = "declared", _("Declared")
    STEPPED_DOWN = "stepped_down", _("Stepped down")
    RAISED = "raised", _("Raised")
    LIFTED = "lifted", _("Lifted")


class ZoneChange(models.Model):
    """The history of a zone: each declaration, step-down (with the rule that proposed it), raise and lift."""

    zone = models.ForeignKey(ControlZone, on_delete=models.CASCADE, related_name="changes")
    kind = models.CharField(_("change"), max_length=14, choices=ZoneChangeKind.choices)
    from_level = models.CharField(_("from"), max_length=10, choices=ZoneLevel.choices, blank=True)
    to_level = models.CharField(_("to"), max_length=10, choices=ZoneLevel.choices, blank=True)
    at = models.DateTimeField(_("at"))
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                           related_name="+")
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("control zone change")
        verbose_name_plural = _("control zone changes")
        ordering = ["at", "pk"]


class ContactKind(models.TextChoices):
    CLOSE = "close", _("Close contact")
    SECONDARY = "secondary", _("Secondary contact")
    COMPANION = "companion", _("Companion in time and place")


class ContactSource(models.TextChoices):
    HOUSEHOLD = "household", _("Same household")
    INTERVIEW = "interview", _("Epidemiological interview")
    CONTACT_HOUSEHOLD = "contact_household", _("Household of a close contact")
    CHECKPOINT = "checkpoint", _("Same checkpoint site")


class Contact(models.Model):
    """A person found by a case's investigation (流调): close contact, secondary contact or companion, how they
    were found, and the work order that put them in their grid's inbox. Once per case and person."""

    case = models.ForeignKey(Case, verbose_name=_("case"), on_delete=models.CASCADE, related_name="contacts")
    person = models.ForeignKey("people.Person", verbose_name=_("person"), on_delete=models.PROTECT,
                               related_name="contacts")
    kind = models.CharField(_("kind"), max_length=10, choices=ContactKind.choices)
    source = models.CharField(_("found by"), max_length=20, choices=ContactSource.choices)
    via = models.ForeignKey("self", verbose_name=_("through"), null=True, blank=True, on_delete=models.CASCADE,
                            related_name="secondaries")
    site = models.ForeignKey("areas.Site", verbose_name=_("where"), null=True, blank=True, on_delete=models.PROTECT,
                             related_name="+")
    overlap_minutes = models.PositiveIntegerField(_("overlap (minutes)"), null=True, blank=True)
    met_at = models.DateTimeField(_("met at"), null=True, blank=True)
    grid = models.ForeignKey("areas.Area", verbose_name=_("grid"), null=True, blank=True, on_delete=models.PROTECT,
                             related_name="+")
    area = models.ForeignKey("areas.Area", verbose_name=_("area"), on_delete=models.PROTECT, related_name="+")
    work_order = models.ForeignKey("core.WorkOrder", null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    note = models.TextField(_("note"), blank=True)
    found_at = models.DateTimeField(_("found at"))
    found_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                 related_name="+")
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)

    objects = ScopedQuerySet.as_manager()
    scope_area_field = "area"
    access_action = "view_cases"

    class Meta:
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")
        constraints = [models.UniqueConstraint(fields=["case", "person"], name="contact_once_per_case")]
        indexes = [models.Index(fields=["person", "closed_at"], name="contact_person_open")]


class MeasureKind(models.TextChoices):
    CENTRALIZED = "centralized", _("Centralized isolation")
    HOME_ISOLATION = "home_isolation", _("Home isolation")
    HOME_MONITORING = "home_monitoring", _("Home health monitoring")


class IsolationRoom(models.Model):
    """A room of an isolation site (`Site`, kind isolation) with its beds: never more people in it than beds,
    also when two staff assign the last bed at once (the room row is locked while a measure takes a bed)."""

    site = models.ForeignKey("areas.Site", verbose_name=_("isolation site"), on_delete=models.PROTECT,
                             related_name="isolation_rooms")
    number = models.CharField(_("room"), max_length=20)
    beds = models.PositiveSmallIntegerField(_("beds"), default=1)
    out_of_service = models.BooleanField(_("out of service"), default=False)

    objects = ScopedQuerySet.as_manager()
    scope_area_field = "site__area"
    access_action = "view_cases"

    class Meta:
        verbose_name = _("isolation room")
        verbose_name_plural = _("isolation rooms")
        constraints = [
            models.UniqueConstraint(fields=["site", "number"], name="isolation_room_once"),
            models.CheckConstraint(condition=Q(beds__gte=1), name="isolation_room_has_a_bed"),
        ]

    def __str__(self):
        return f"{self.site} {self.number}"


class ControlMeasure(models.Model):
    """What a case, a contact or a positive pool's person waiting for a re-test is placed under (集中隔离 /
    居家隔离 / 居家健康监测): where (an isolation room, or home), from when, until when planned, and its
    release after the configured negative tests."""

    person = models.ForeignKey("people.Person", verbose_name=_("person"), on_delete=models.PROTECT,
                               related_name="control_measures")
    kind = models.CharField(_("measure"), max_length=16, choices=MeasureKind.choices)
    case = models.ForeignKey(Case, verbose_name=_("case"), null=True, blank=True, on_delete=models.PROTECT,
                             related_name="measures")
    contact = models.ForeignKey(Contact, verbose_name=_("contact"), null=True, blank=True, on_delete=models.PROTECT,
                                related_name="measures")
    retest = models.ForeignKey(Retest, verbose_name=_("re-test"), null=True, blank=True, on_delete=models.PROTECT,
                               related_name="measures")
    room = models.ForeignKey(IsolationRoom, verbose_name=_("room"), null=True, blank=True, on_delete=models.PROTECT,
                             related_name="measures")
    grid = models.ForeignKey("areas.Area", verbose_name=_("grid"), null=True, blank=True, on_delete=models.PROTECT,
                             related_name="+")
    area = models.ForeignKey("areas.Area", verbose_name=_("area"), on_delete=models.PROTECT, related_name="+")
    starts_at = models.DateTimeField(_("from"))
    planned_until = models.DateTimeField(_("planned until"), null=True, blank=True)
    negatives_required = models.PositiveSmallIntegerField(_("negative tests to release"), default=2)
    released_at = models.DateTimeField(_("released at"), null=True, blank=True)
    released_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")
    work_order = models.ForeignKey("core.WorkOrder", null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    note = models.TextField(_("note"), blank=True)

    objects = ScopedQuerySet.as_manager()
    scope_area_field = "area"
    access_action = "view_cases"

    class Meta:
        verbose_name = _("control measure")
        verbose_name_plural = _("control measures")
        constraints = [
            models.UniqueConstraint(fields=["person"], condition=Q(released_at__isnull=True),
                                    name="measure_one_in_force_per_person"),
            models.CheckConstraint(condition=Q(kind="centralized", room__isnull=False)
                                   | (~Q(kind="centralized") & Q(room__isnull=True)),
                                   name="measure_room_iff_centralized"),
        ]
        indexes = [models.Index(fields=["room", "released_at"], name="measure_room_in_force")]


class HealthRecord(models.Model):
    """A day's health record of a person under a measure: temperature, symptoms, a test taken."""

    measure = models.ForeignKey(ControlMeasure, on_delete=models.CASCADE, related_name="health_records")
    day = models.DateField(_("day"))
    temperature = models.DecimalField(_("temperature (°C)"), max_digits=3, decimal_places=1, null=True, blank=True)
    symptoms = models.CharField(_("symptoms"), max_length=200, blank=True)
    test_result = models.CharField(_("test result"), max_length=10, choices=Result.choices, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("health record")
        verbose_name_plural = _("health records")
        constraints = [models.UniqueConstraint(fields=["measure", "day"], name="health_record_once_a_day")]
