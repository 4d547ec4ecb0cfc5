"""Party-fee allocations (党费划拨): money for a purpose, to people or organizations, requested by one user,
approved or refused by another (never its author), then recorded as paid. Writes are in `fund_services.py`.

The models live here and are imported by `models.py`, so two people can add to the app without editing
the same lines."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from frontline.core.scoping import ScopedQuerySet


class FundPurpose(models.TextChoices):
    MEDICAL_WORKERS = "medical_workers", _("Condolences to medical workers")
    GRASSROOTS_CADRES = "grassroots_cadres", _("Condolences to grassroots cadres")
    GRASSROOTS_ORGS = "grassroots_orgs", _("Support to grassroots party organizations")
    HARDSHIP = "hardship", _("Hardship subsidies")


class FundStatus(models.TextChoices):
    REQUESTED = "requested", _("Waiting for approval")
    APPROVED = "approved", _("Approved: to be paid")
    REFUSED = "refused", _("Not approved")
    PAID = "paid", _("Paid")


class FundAllocation(models.Model):
    """An allocation of party fees: requested → approved by a second user (or refused) → paid."""

    purpose = models.CharField(_("purpose"), max_length=32, choices=FundPurpose.choices)
    amount = models.DecimalField(_("amount (yuan)"), max_digits=12, decimal_places=2)
    source = models.CharField(_("source of the funds"), max_length=150)
    note = models.TextField(_("note"), blank=True)
    area = models.ForeignKey("areas.Area", verbose_name=_("area"), on_delete=models.PROTECT,
                             related_name="fund_allocations")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("requested by"), on_delete=models.PROTECT,
                                   related_name="fund_allocations")
    created_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    status = models.CharField(_("status"), max_length=16, choices=FundStatus.choices, default=FundStatus.REQUESTED)
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("decided by"), null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")
    approved_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    refusal_reason = models.CharField(_("reason"), max_length=255, blank=True)
    paid_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("payment recorded by"), null=True, blank=True,
                                on_delete=models.PROTECT, related_name="+")
    paid_at = models.DateTimeField(_("paid at"), null=True, blank=True)
    payment_reference = models.CharField(_("payment reference"), max_length=100, blank=True)

    objects = ScopedQuerySet.as_manager()
    scope_area_field = "area"
    access_action = "allocate_funds"

    class Meta:
        verbose_name = _("party-fee allocation")
        verbose_name_plural = _("party-fee allocations")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["status", "paid_at"])]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="fund_allocation_amount_positive"),
            models.CheckConstraint(condition=~Q(source=""), name="fund_allocation_has_source"),
            models.CheckConstraint(condition=Q(approved_by__isnull=True) | ~Q(approved_by=F("created_by")),
                                   name="fund_allocation_not_approved_by_author"),
            models.CheckConstraint(condition=Q(status="requested") | Q(approved_by__isnull=False, approved_at__isnull=False),
                                   name="fund_allocation_decision_has_approver"),
            models.CheckConstraint(condition=~Q(status="paid") | (Q(paid_at__isnull=False) & ~Q(payment_reference="")),
                                   name="fund_allocation_payment_recorded"),
        ]

    def __str__(self):
        return f"{self.get_purpose_display()} {self.amount}元"


class FundRecipient(models.Model):
    """One recipient of an allocation: a person or a party organization, with their share if it is split."""

    allocation = models.ForeignKey(FundAllocation, verbose_name=_("allocation"), on_delete=models.CASCADE,
                                   related_name="recipients")
    person = models.ForeignKey("people.Person", verbose_name=_("person"), null=True, blank=True,
                               on_delete=models.PROTECT, related_name="+")
    party_org = models.ForeignKey("people.PartyOrg", verbose_name=_("party organization"), null=True, blank=True,
                                  on_delete=models.PROTECT, related_name="+")
    amount = models.DecimalField(_("share (yuan)"), max_digits=12, decimal_places=2, null=True, blank=True)

    class Meta:
        verbose_name = _("recipient")
        verbose_name_plural = _("recipients")
        constraints = [
            models.CheckConstraint(condition=Q(person__isnull=False, party_org__isnull=True)
                                   | Q(person__isnull=True, party_org__isnull=False), name="fund_recipient_one_of"),
            models.CheckConstraint(condition=Q(amount__isnull=True) | Q(amount__gt=0), name="fund_recipient_share_positive"),
            models.UniqueConstraint(fields=["allocation", "person"], name="fund_recipient_person_once"),
            models.UniqueConstraint(fields=["allocation", "party_org"], name="fund_recipient_org_once"),
        ]

    def __str__(self):
        return str(self.person or self.party_org)
