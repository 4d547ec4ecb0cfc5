"""Party-fee allocations: requested by one commander, approved by another (never the author), paid; bad amounts
refused with a Chinese message and nothing written; pages by the policy; totals by purpose; all audited."""

import datetime
from decimal import Decimal

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse

from frontline.areas.figures import Period, figure_table
from frontline.core.models import Assignment, AuditLog, User
from frontline.demo.accounts import DEMO_SINCE
from frontline.mobilization.fund_services import (
    fund_allocation_approve,
    fund_allocation_create,
    fund_allocation_pay,
    fund_allocation_refuse,
    fund_totals,
)
from frontline.mobilization.funds import FundAllocation, FundRecipient, FundStatus
from frontline.people.models import PartyOrg, Person


@pytest.fixture
def second(city):
    """Another commander of the same city."""
    user = User.objects.create(username="commander2", role="commander", area=city.city)
    Assignment.objects.create(user=user, role="commander", area=city.city, valid_from=DEMO_SINCE)
    return user


@pytest.fixture
def org(city):
    return PartyOrg.objects.filter(area__path__startswith=city.district.path).order_by("path").first()


def _create(city, org, amount="5000.00", purpose="medical_workers", actor=None, area=None):
    return fund_allocation_create(actor=actor or city.users["commander"], purpose=purpose, amount=amount,
                                  source="代市委管理党费", area=area or city.district, recipients=[(org, None)])


def _login(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_author_cannot_approve_their_own_allocation(city, org):
    allocation = _create(city, org)
    with pytest.raises(ValidationError) as refused:
        fund_allocation_approve(actor=city.users["commander"], allocation=allocation)
    assert "申请人本人" in " ".join(refused.value.messages)
    allocation.refresh_from_db()
    assert allocation.status == FundStatus.REQUESTED and allocation.approved_by is None


def test_the_author_cannot_approve_on_the_page_either(city, org):
    allocation = _create(city, org)
    client = _login(city.users["commander"])
    page = client.get(reverse("fund_detail", args=[allocation.pk]))
    assert page.status_code == 200 and b'data-testid="approve"' not in page.content
    response = client.post(reverse("fund_act", args=[allocation.pk, "approve"]), follow=True)
    assert "申请人本人" in response.content.decode()
    allocation.refresh_from_db()
    assert allocation.status == FundStatus.REQUESTED


def test_the_database_refuses_an_approval_by_the_author(city, org):
    from django.db import IntegrityError, transaction

    allocation = _create(city, org)
    with pytest.raises(IntegrityError), transaction.atomic():
        FundAllocation.objects.filter(pk=allocation.pk).update(status="approved", approved_by=city.users["commander"],
                                                               approved_at=datetime.datetime(2022, 4, 1, tzinfo=datetime.UTC))


def test_a_second_commander_approves_and_the_payment_is_recorded(city, org, second):
    allocation = _create(city, org)
    client = _login(second)
    assert b'data-testid="approve"' in client.get(reverse("fund_detail", args=[allocation.pk])).content
    assert client.post(reverse("fund_act", args=[allocation.pk, "approve"])).status_code == 302
    allocation.refresh_from_db()
    assert allocation.status == FundStatus.APPROVED and allocation.approved_by == second
    response = _login(city.users["commander"]).post(reverse("fund_act", args=[allocation.pk, "pay"]),
                                                    {"reference": "凭证2022-041"})
    assert response.status_code == 302
    allocation.refresh_from_db()
    assert allocation.status == FundStatus.PAID and allocation.payment_reference == "凭证2022-041"
    assert allocation.paid_at is not None and allocation.paid_by == city.users["commander"]


def test_a_refusal_needs_a_reason_and_is_final(city, org, second):
    allocation = _create(city, org)
    with pytest.raises(ValidationError):
        fund_allocation_refuse(actor=second, allocation=allocation, reason=" ")
    fund_allocation_refuse(actor=second, allocation=allocation, reason="用途不符")
    with pytest.raises(ValidationError):
        fund_allocation_approve(actor=second, allocation=allocation)
    with pytest.raises(ValidationError):
        fund_allocation_pay(actor=city.users["commander"], allocation=allocation, reference="x")


def test_only_an_approved_allocation_is_paid(city, org):
    allocation = _create(city, org)
    with pytest.raises(ValidationError) as refused:
        fund_allocation_pay(actor=city.users["commander"], allocation=allocation, reference="凭证1")
    assert "批准" in " ".join(refused.value.messages)


@pytest.mark.parametrize("amount, message", [("-100", "大于零"), ("0", "大于零"), ("12.345", "两位小数"),
                                             ("abc", "以元为单位")])
def test_bad_amounts_are_refused_with_a_message_and_nothing_written(city, org, amount, message):
    client = _login(city.users["commander"])
    before = (FundAllocation.objects.count(), FundRecipient.objects.count(), AuditLog.objects.count())
    with pytest.raises(ValidationError) as refused:
        _create(city, org, amount=amount)
    assert message in " ".join(refused.value.messages)
    response = client.post(reverse("fund_new"), {
        "purpose": "hardship", "amount": amount, "source": "代市委管理党费", "area": city.district.pk,
        "party_orgs": [org.pk]})
    assert response.status_code == 400 and message in response.content.decode()
    assert (FundAllocation.objects.count(), FundRecipient.objects.count(), AuditLog.objects.count()) == before


def test_a_request_on_the_page(city, org):
    response = _login(city.users["commander"]).post(reverse("fund_new"), {
        "purpose": "grassroots_orgs", "amount": "20000.5", "source": "代市委管理党费", "area": city.district.pk,
        "party_orgs": [org.pk]})
    assert response.status_code == 302
    allocation = FundAllocation.objects.get()
    assert allocation.amount == Decimal("20000.50") and allocation.created_by == city.users["commander"]
    assert [r.party_org for r in allocation.recipients.all()] == [org]


def test_shares_may_not_exceed_the_amount_and_nothing_is_written(city, org):
    person = Person.objects.visible_to(city.users["commander"]).order_by("pk").first()
    with pytest.raises(ValidationError):
        fund_allocation_create(actor=city.users["commander"], purpose="hardship", amount="100", source="党费",
                               area=city.district, recipients=[(org, "60"), (person, "50")])
    assert not FundAllocation.objects.exists() and not FundRecipient.objects.exists()


def test_a_recipient_outside_the_scope_is_refused(city):
    far_org = PartyOrg.objects.filter(area__path__startswith=city.other_district.path).order_by("path").first()
    with pytest.raises(ValidationError):
        fund_allocation_create(actor=city.users["district2"], purpose="hardship", amount="100", source="党费",
                               area=city.other_district, recipients=[(PartyOrg.objects.exclude(
                                   pk=far_org.pk).filter(area__path__startswith=city.district.path).first(), None)])
    assert not FundAllocation.objects.exists()


def test_a_secretary_may_not_open_the_pages_or_request(city, org):
    allocation = _create(city, org)
    client = _login(city.users["secretary"])
    for url in (reverse("fund_list"), reverse("fund_new"), reverse("fund_detail", args=[allocation.pk])):
        assert client.get(url).status_code == 403
    assert client.post(reverse("fund_act", args=[allocation.pk, "approve"])).status_code == 403
    with pytest.raises(PermissionDenied):
        _create(city, org, actor=city.users["secretary"], area=city.community)
    allocation.refresh_from_db()
    assert allocation.status == FundStatus.REQUESTED


def test_another_districts_commander_gets_404(city, org):
    allocation = _create(city, org)
    client = _login(city.users["district2"])
    assert client.get(reverse("fund_detail", args=[allocation.pk])).status_code == 404
    assert client.post(reverse("fund_act", args=[allocation.pk, "approve"])).status_code == 404
    allocation.refresh_from_db()
    assert allocation.status == FundStatus.REQUESTED
    assert allocation.pk not in {a.pk for a in FundAllocation.objects.visible_to(city.users["district2"])}


def _paid(city, org, second, amount, purpose):
    allocation = _create(city, org, amount=amount, purpose=purpose)
    fund_allocation_approve(actor=second, allocation=allocation)
    return fund_allocation_pay(actor=city.users["commander"], allocation=allocation, reference="凭证")


def test_totals_by_purpose_count_what_was_paid(city, org, second):
    _paid(city, org, second, "12000.50", "medical_workers")
    _paid(city, org, second, "7999.50", "medical_workers")
    _paid(city, org, second, "3000", "hardship")
    _create(city, org, amount="99999", purpose="hardship")  # requested, not paid: not counted
    totals = {t.purpose: t for t in fund_totals(actor=city.users["commander"], area=city.city)}
    assert totals["medical_workers"].amount == Decimal("20000.00") and totals["medical_workers"].wan == Decimal("2.00")
    assert totals["hardship"].amount == Decimal("3000.00")
    assert totals["grassroots_cadres"].amount == Decimal("0.00")
    assert fund_totals(actor=city.users["district2"], area=city.other_district)[0].amount == Decimal("0.00")
    today = datetime.date.today()
    earlier = Period(today - datetime.timedelta(days=30), today - datetime.timedelta(days=10))
    assert all(t.amount == 0 for t in fund_totals(actor=city.users["commander"], area=city.city, period=earlier))
    page = _login(city.users["commander"]).get(reverse("fund_list")).content.decode()
    assert "20000.00" in page and "2.00万元" in page
    table = figure_table(actor=city.users["commander"], area=city.city, codes=["funds_allocated"])
    assert table.total["funds_allocated"] == 3


def test_every_step_is_audited(city, org, second):
    allocation = _paid(city, org, second, "500", "grassroots_cadres")
    entries = AuditLog.objects.filter(content_type=ContentType.objects.get_for_model(FundAllocation),
                                      object_id=str(allocation.pk)).order_by("id")
    assert [(e.action, e.actor_name, e.note) for e in entries] == [
        ("create", "commander", "fund allocation requested"), ("update", "commander2", "fund allocation approved"),
        ("update", "commander", "fund allocation paid")]
    assert entries[2].changes["payment_reference"] == ["", "凭证"]
    assert AuditLog.objects.filter(content_type=ContentType.objects.get_for_model(FundRecipient)).count() == 1
