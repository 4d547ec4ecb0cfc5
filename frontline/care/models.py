"""Serving residents (生活物资配送, 意见建议与急难愁盼, 防疫物资与礼包, 服务驿站与心理疏导): supply orders delivered
to the door, requests and suggestions handled to resolution, each grid's public resident page, protective
supplies and their stock at sites, and what service stations and centres do.

Orders and requests carry their grid (`area`) and, once known, the household; a submission from the public
page is unverified until the grid worker confirms it with the household. Receipt codes are random and are
only ever answered together with the contact phone they were given with."""

import secrets

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from frontline.core.scoping import ScopedQuerySet
from frontline.core.validators import validate_phone

RECEIPT_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"  # no 0/O, 1/I: read out over the phone


def new_receipt() -> str:
    """A receipt code a resident can read out: 10 characters, about 50 bits, shown as XXXXX-XXXXX."""
    return "".join(secrets.choice(RECEIPT_ALPHABET) for _ in range(10))


class Channel(models.TextChoices):
    PAGE = "page", _("Resident page")
    GRID = "grid", _("Grid worker")
    HOTLINE = "hotline", _("Hotline")
    SECRETARY_HOTLINE = "secretary_hotline", _("Secretary hotline")
    PLATFORM = "platform", _("Platform")
    VISIT = "visit", _("Visit")


class ItemCategory(models.TextChoices):
    FOOD = "food", _("Food")
    DAILY = "daily", _("Daily necessities")
    MEDICINE = "medicine", _("Medicine")
    PROTECTIVE = "protective", _("Protective supplies")
    GUIDE = "guide", _("Guides")
    KIT = "kit", _("Gift pack")


class SupplyItem(models.Model):
    """防疫物资 / 生活物资: an item of the catalogue. Residents order the `orderable` ones (at most
    `max_per_order` of each); sites stock the `stocked` ones; a gift pack (kind kit) is made of its parts."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    category = models.CharField(_("category"), max_length=16, choices=ItemCategory.choices)
    unit = models.CharField(_("unit"), max_length=10, default="件")
    orderable = models.BooleanField(_("residents may order it"), default=False)
    stocked = models.BooleanField(_("kept in stock at sites"), default=False)
    max_per_order = models.PositiveIntegerField(_("most in one order"), default=10)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("supply item")
        verbose_name_plural = _("supply items")
        ordering = ["category", "name"]
        constraints = [models.CheckConstraint(condition=Q(max_per_order__gte=1), name="supply_item_max_positive")]

    def __str__(self):
        return self.name


class KitPart(models.Model):
    """One item in a gift pack (防疫礼包): issuing a pack takes its parts out of the site's stock."""

    kit = models.ForeignKey(SupplyItem, on_delete=models.CASCADE, related_name="parts")
    item = models.ForeignKey(SupplyItem, on_delete=models.PROTECT, related_name="+")
    quantity = models.PositiveIntegerField(_("quantity"), default=1)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["kit", "item"], name="kit_part_once"),
                       models.CheckConstraint(condition=Q(quantity__gte=1), name="kit_part_positive"),
                       models.CheckConstraint(condition=~Q(kit=F("item")), name="kit_part_not_itself")]


# --- supply orders -------------------------------------------------------------------------------------------

class OrderStatus(models.TextChoices):
    PLACED = "placed", _("Placed")
    ASSIGNED = "assigned", _("Assigned")
    PICKED_UP = "picked_up", _("Picked up")
    DELIVERED = "delivered", _("Delivered")
    FAILED = "failed", _("Failed")
    CANCELLED = "cancelled", _("Cancelled")


OPEN_ORDER_STATUSES = (OrderStatus.PLACED, OrderStatus.ASSIGNED, OrderStatus.PICKED_UP)


class OrderPriority(models.IntegerChoices):
    NORMAL = 2, _("Normal")
    URGENT = 1, _("Urgent")


class SupplyOrder(models.Model):
    """生活物资配送订单: a household's order, placed on the resident page, by a grid worker or by hotline staff,
    delivered to the door by a volunteer or a team through a work order of kind `delivery`."""

    receipt = models.CharField(_("receipt code"), max_length=10, unique=True, default=new_receipt, editable=False)
    area = models.ForeignKey("areas.Area", verbose_name=_("grid"), on_delete=models.PROTECT, related_name="+")
    household = models.ForeignKey("areas.Household", verbose_name=_("household"), on_delete=models.PROTECT,
                                  related_name="supply_orders")
    channel = models.CharField(_("channel"), max_length=20, choices=Channel.choices)
    contact_phone = models.CharField(_("contact phone"), max_length=20, validators=[validate_phone])
    note = models.CharField(_("note"), max_length=300, blank=True)
    priority = models.PositiveSmallIntegerField(_("priority"), choices=OrderPriority.choices,
                                                default=OrderPriority.NORMAL)
    priority_reasons = models.JSONField(_("why urgent"), default=list, blank=True)  # codes: medicine, household marks
    status = models.CharField(_("status"), max_length=12, choices=OrderStatus.choices, default=OrderStatus.PLACED)
    verified = models.BooleanField(_("confirmed with the household"), default=False)
    verified_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")
    placed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                  related_name="+")
    placed_at = models.DateTimeField(_("placed"), db_index=True)
    day = models.DateField(_("day"))  # the local date of placed_at: the daily figures read it
    batch = models.ForeignKey("DeliveryBatch", null=True, blank=True, on_delete=models.SET_NULL, related_name="orders")
    delivered_at = models.DateTimeField(_("delivered"), null=True, blank=True)
    failed_reason = models.CharField(_("reason it failed"), max_length=200, blank=True)

    objects = ScopedQuerySet.as_manager()
    scope_area_field = "area"
    access_action = "view_orders"

    class Meta:
        verbose_name = _("supply order")
        verbose_name_plural = _("supply orders")
        indexes = [models.Index(fields=["area", "day"]), models.Index(fields=["household", "placed_at"]),
                   models.Index(fields=["status", "area"])]
        constraints = [
            models.CheckConstraint(condition=~Q(status="failed") | ~Q(failed_reason=""), name="order_failed_has_reason"),
            models.CheckConstraint(condition=~Q(status="delivered") | Q(delivered_at__isnull=False),
                                   name="order_delivered_has_time"),
        ]

    def __str__(self):
        return f"{_('Order')} {self.receipt_display}"

    @property
    def receipt_display(self) -> str:
        return f"{self.receipt[:5]}-{self.receipt[5:]}"


class SupplyOrderLine(models.Model):
    """One line of an order: an item of the catalogue, or free text ("退烧药一盒"), and how many."""

    order = models.ForeignKey(SupplyOrder, on_delete=models.CASCADE, related_name="lines")
    item = models.ForeignKey(SupplyItem, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    text = models.CharField(_("item"), max_length=100, blank=True)
    quantity = models.PositiveIntegerField(_("quantity"), default=1)

    class Meta:
        constraints = [models.CheckConstraint(condition=Q(item__isnull=False) | ~Q(text=""), name="order_line_names_item"),
                       models.CheckConstraint(condition=Q(quantity__gte=1), name="order_line_positive")]

    def __str__(self):
        return f"{self.item or self.text} × {self.quantity}"


class DeliveryBatch(models.Model):
    """A batch of orders assigned together, by building, to a volunteer or a team (a delivery run): each order
    becomes a work order of kind `delivery` in the inbox of whoever delivers it."""

    area = models.ForeignKey("areas.Area", verbose_name=_("grid"), on_delete=models.PROTECT, related_name="+")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    assignee = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("volunteer"), null=True, blank=True,
                                 on_delete=models.SET_NULL, related_name="+")
    team_label = models.CharField(_("team"), max_length=100, blank=True)  # the team it was given to, if any

    objects = ScopedQuerySet.as_manager()
    scope_area_field = "area"
    access_action = "view_orders"

    class Meta:
        verbose_name = _("delivery batch")


# --- requests and suggestions --------------------------------------------------------------------------------

class RequestKind(models.TextChoices):
    SUGGESTION = "suggestion", _("Suggestion")
    APPEAL = "appeal", _("Appeal")


class RequestCategory(models.TextChoices):
    MEDICAL = "medical", _("Medical care")
    MEDICINE = "medicine", _("Medicine")
    SUPPLIES = "supplies", _("Supplies")
    ISOLATION = "isolation", _("Isolation")
    MENTAL_HEALTH = "mental_health", _("Mental health")
    COMPLAINT = "complaint", _("Complaint")
    OTHER = "other", _("Other")


class Urgency(models.TextChoices):
    URGENT = "urgent", _("Urgent")
    NORMAL = "normal", _("Normal")


class RequestStatus(models.TextChoices):
    OPEN = "open", _("Being handled")
    RESOLVED = "resolved", _("Resolved")
    CLOSED = "closed", _("Closed")  # called back (or not reachable) after resolution
    MERGED = "merged", _("Merged into another")


class ResidentRequest(models.Model):
    """意见建议 / 急难愁盼问题: what a resident asks for or suggests, routed to the responsible unit (`unit`, an
    area at the level its category goes to) with a deadline, handled through a work order of kind
    `resident_request`, resolved with a note, called back for a rating; reopened if the resident is not
    satisfied; a duplicate is merged into the first."""

    receipt = models.CharField(_("receipt code"), max_length=10, unique=True, default=new_receipt, editable=False)
    kind = models.CharField(_("kind"), max_length=12, choices=RequestKind.choices, default=RequestKind.APPEAL)
    channel = models.CharField(_("channel"), max_length=20, choices=Channel.choices)
    category = models.CharField(_("category"), max_length=16, choices=RequestCategory.choices)
    urgency = models.CharField(_("urgency"), max_length=8, choices=Urgency.choices, default=Urgency.NORMAL)
    area = models.ForeignKey("areas.Area", verbose_name=_("grid"), on_delete=models.PROTECT, related_name="+")
    household = models.ForeignKey("areas.Household", verbose_name=_("household"), null=True, blank=True,
                                  on_delete=models.PROTECT, related_name="resident_requests")
    unit = models.ForeignKey("areas.Area", verbose_name=_("responsible unit"), on_delete=models.PROTECT,
                             related_name="+")
    contact_phone = models.CharField(_("contact phone"), max_length=20, blank=True, validators=[validate_phone])
    text = models.TextField(_("what they ask"), max_length=2000)
    status = models.CharField(_("status"), max_length=10, choices=RequestStatus.choices, default=RequestStatus.OPEN)
    verified = models.BooleanField(_("confirmed with the household"), default=False)
    taken_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                 related_name="+")
    received_at = models.DateTimeField(_("received"), db_index=True)
    day = models.DateField(_("day"))
    due_at = models.DateTimeField(_("due"))
    resolution = models.TextField(_("resolution"), blank=True)
    resolved_at = models.DateTimeField(_("resolved"), null=True, blank=True)
    rating = models.PositiveSmallIntegerField(_("satisfaction"), null=True, blank=True)
    called_back_at = models.DateTimeField(_("called back"), null=True, blank=True)
    reopened = models.PositiveSmallIntegerField(_("times reopened"), default=0)
    duplicate_of = models.ForeignKey("self", verbose_name=_("duplicate of"), null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="duplicates")

    objects = ScopedQuerySet.as_manager()
    scope_area_field = "area"
    access_action = "view_requests"

    class Meta:
        verbose_name = _("resident request")
        verbose_name_plural = _("resident requests")
        indexes = [models.Index(fields=["area", "day"]), models.Index(fields=["status", "due_at"])]
        constraints = [
            models.CheckConstraint(condition=Q(rating__isnull=True) | Q(rating__gte=1, rating__lte=5),
                                   name="request_rating_in_scale"),
            models.CheckConstraint(condition=~Q(status="merged") | Q(duplicate_of__isnull=False),
                                   name="request_merged_names_original"),
            models.CheckConstraint(condition=Q(status="open") | Q(status="merged") | Q(resolved_at__isnull=False),
                                   name="request_resolved_has_time"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.receipt_display}"

    @property
    def receipt_display(self) -> str:
        return f"{self.receipt[:5]}-{self.receipt[5:]}"


# --- the resident page ---------------------------------------------------------------------------------------

class ResidentPage(models.Model):
    """A grid's public page (reached from the QR code of its poster): residents order and ask there without an
    account. `code` is the random part of its address; publishing anew gives a new one (an old poster then
    leads nowhere)."""

    area = models.OneToOneField("areas.Area", verbose_name=_("grid"), on_delete=models.PROTECT, related_name="+")
    code = models.CharField(max_length=16, unique=True)
    hotline = models.CharField(_("hotline"), max_length=20, validators=[validate_phone])
    active = models.BooleanField(_("open"), default=True)
    published_at = models.DateTimeField(_("published"), auto_now=True)

    objects = ScopedQuerySet.as_manager()
    scope_area_field = "area"
    access_action = "manage_resident_pages"

    class Meta:
        verbose_name = _("resident page")


# --- protective supplies -------------------------------------------------------------------------------------

class Stock(models.Model):
    """What a site holds of an item now. Never negative: a withdrawal is one conditional UPDATE
    (`quantity >= n`), and the database refuses a negative quantity besides. `low_at`: at or below it, a
    low-stock work order is raised for the site's area."""

    site = models.ForeignKey("areas.Site", verbose_name=_("site"), on_delete=models.PROTECT, related_name="+")
    item = models.ForeignKey(SupplyItem, verbose_name=_("item"), on_delete=models.PROTECT, related_name="stocks")
    quantity = models.IntegerField(_("quantity"), default=0)
    low_at = models.PositiveIntegerField(_("low at"), default=0)

    objects = ScopedQuerySet.as_manager()
    scope_area_field = "site__area"
    access_action = "view_stock"

    class Meta:
        verbose_name = _("stock")
        constraints = [models.UniqueConstraint(fields=["site", "item"], name="stock_once_per_site_item"),
                       models.CheckConstraint(condition=Q(quantity__gte=0), name="stock_never_negative")]


class MoveKind(models.TextChoices):
    IN = "in", _("Received")
    OUT = "out", _("Sent out")
    TRANSFER = "transfer", _("Moved to another site")
    ADJUST = "adjust", _("Adjusted (count)")
    ISSUE = "issue", _("Issued")


class RecipientKind(models.TextChoices):
    RESIDENT = "resident", _("Residents")
    WORKER = "worker", _("Frontline workers")
    COURIER = "courier", _("Couriers")
    OTHER = "other", _("Others")


class StockMove(models.Model):
    """出入库: one movement of an item at a site. `quantity` is signed for the site (an issue or a transfer out is
    negative); a transfer writes one move at each site, sharing `transfer_to`. An issue names whom it went to
    (`recipient_kind`, and the person or household where known) and counts them (`recipients`)."""

    site = models.ForeignKey("areas.Site", verbose_name=_("site"), on_delete=models.PROTECT, related_name="+")
    item = models.ForeignKey(SupplyItem, verbose_name=_("item"), on_delete=models.PROTECT, related_name="moves")
    kind = models.CharField(_("kind"), max_length=10, choices=MoveKind.choices)
    quantity = models.IntegerField(_("quantity"))
    other_site = models.ForeignKey("areas.Site", verbose_name=_("other site"), null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    recipient_kind = models.CharField(_("issued to"), max_length=10, choices=RecipientKind.choices, blank=True)
    recipients = models.PositiveIntegerField(_("recipients"), default=0)
    household = models.ForeignKey("areas.Household", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    person = models.ForeignKey("people.Person", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    note = models.CharField(_("note"), max_length=200, blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="+")
    at = models.DateTimeField(_("time"), db_index=True)

    objects = ScopedQuerySet.as_manager()
    scope_area_field = "site__area"
    access_action = "view_stock"

    class Meta:
        verbose_name = _("stock move")
        indexes = [models.Index(fields=["site", "at"]), models.Index(fields=["kind", "at"])]
        constraints = [models.CheckConstraint(condition=~Q(quantity=0), name="stock_move_not_zero"),
                       models.CheckConstraint(condition=~Q(kind="issue") | ~Q(recipient_kind=""),
                                              name="stock_issue_names_recipients")]


# --- service stations and counseling -------------------------------------------------------------------------

class StationService(models.TextChoices):
    KITS = "kits", _("Protective kits")
    COUNSELING = "counseling", _("Counseling")
    MEDICINE = "medicine", _("Medicine purchase on behalf")
    SUPPLIES = "supplies", _("Supplies pick-up")
    CONSULTATION = "consultation", _("Policy consultation")
    REST = "rest", _("Rest and water for frontline workers")


class SiteService(models.Model):
    """A service a service station or party-masses service centre offers (服务驿站、党群服务中心)."""

    site = models.ForeignKey("areas.Site", verbose_name=_("site"), on_delete=models.CASCADE, related_name="+")
    service = models.CharField(_("service"), max_length=16, choices=StationService.choices)
    hours = models.CharField(_("opening hours"), max_length=60, blank=True)

    objects = ScopedQuerySet.as_manager()
    scope_area_field = "site__area"
    access_action = "view_stations"

    class Meta:
        constraints = [models.UniqueConstraint(fields=["site", "service"], name="site_service_once")]


class CounselingMode(models.TextChoices):
    IN_PERSON = "in_person", _("In person")
    PHONE = "phone", _("By phone")
    ONLINE = "online", _("Online")


class CounselingSession(models.Model):
    """心理疏导: one counseling session held at (or from) a service site: when, by whom, for how many, on what."""

    site = models.ForeignKey("areas.Site", verbose_name=_("site"), on_delete=models.PROTECT, related_name="+")
    held_on = models.DateField(_("held on"))
    counsellor = models.CharField(_("counsellor"), max_length=50)
    attendees = models.PositiveIntegerField(_("attendees"))
    topic = models.CharField(_("topic"), max_length=200)
    mode = models.CharField(_("mode"), max_length=10, choices=CounselingMode.choices, default=CounselingMode.IN_PERSON)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedQuerySet.as_manager()
    scope_area_field = "site__area"
    access_action = "view_stations"

    class Meta:
        verbose_name = _("counseling session")
        verbose_name_plural = _("counseling sessions")
        constraints = [models.CheckConstraint(condition=Q(attendees__gte=1), name="counseling_has_attendees")]


class HotlineCall(models.Model):
    """书记热线: a call to a secretary's hotline, and the request it became (if any)."""

    area = models.ForeignKey("areas.Area", verbose_name=_("area"), on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(_("time"), db_index=True)
    taken_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                 related_name="+")
    caller_phone = models.CharField(_("caller's phone"), max_length=20, blank=True, validators=[validate_phone])
    topic = models.CharField(_("topic"), max_length=200)
    request = models.ForeignKey(ResidentRequest, null=True, blank=True, on_delete=models.SET_NULL, related_name="calls")

    objects = ScopedQuerySet.as_manager()
    scope_area_field = "area"
    access_action = "view_stations"

    class Meta:
        verbose_name = _("secretary-hotline call")
