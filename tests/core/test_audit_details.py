"""Audit details read like the pages: field names in Chinese, choices by label, local times, objects by what
they are, no secret or hash; a page of entries costs the same queries however many it shows."""

import datetime

from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test.utils import CaptureQueriesContext

from frontline.areas.models import Household
from frontline.core.audit import audit_record
from frontline.core.models import ApiToken, AuditAction, AuditLog
from frontline.core.services import api_token_issue, work_order_accept, work_order_create


def _page(client_for, query):
    response = client_for("commander").get(f"/audit/?{query}")
    assert response.status_code == 200
    return response.content.decode()


def test_changes_read_in_chinese_with_labels_local_times_and_names(city, client_for):
    household = Household.objects.filter(building__area=city.grid).first()
    due = datetime.datetime(2022, 4, 1, 1, 30, tzinfo=datetime.UTC)  # 09:30 in Shanghai
    order = work_order_create(actor=city.users["secretary"], kind="revisit", title="复访", area=city.grid,
                              subject=household, assignee_role="grid_worker", due_at=due)
    work_order_accept(actor=city.users["grid"], order=order)
    page = _page(client_for, f"object_type=workorder&object_id={order.pk}")
    assert "状态</span>: 待接单 → 已接单" in page  # the labels of the choices, not open → accepted
    assert "办理人</span>: — → grid" in page  # the assignee by name, not by number
    assert "2022-04-01 09:30:00" in page and "+00:00" not in page and "01:30" not in page
    assert "<code>" not in page and "assignee_id" not in page and "due_at" not in page
    created = _page(client_for, f"object_type=workorder&object_id={order.pk}&action=create")
    assert "类型</span>: 复访" in created and "创建人</span>: secretary" in created  # a new object: its values only
    assert "revisit" not in created and "→" not in created and ">编号</span>" not in created


def test_an_api_token_reads_as_what_it_is_without_its_hash(city, client_for):
    token_row, token = api_token_issue(actor=city.users["commander"], name="扫码枪")
    # An entry written before tokens had a name of their own still reads as a token.
    AuditLog.objects.create(actor_name="commander", action=AuditAction.UPDATE, object_repr="ApiToken object (3)",
                            content_type=ContentType.objects.get_for_model(ApiToken), object_id="3",
                            actor_area_path=city.city.path)
    page = _page(client_for, "object_type=apitoken")
    assert f"接口令牌 #{token_row.pk} 扫码枪 ({token_row.prefix}…)" in page
    assert "接口令牌 #3 接口令牌 #3" in page and "ApiToken object" not in page
    assert token_row.digest not in page and token not in page
    assert "账号</span>: commander" in page and "开头</span>" in page


def test_a_reveal_names_the_field_in_chinese(city, client_for):
    from frontline.people.models import Resident

    person = Resident.objects.filter(household__building__area=city.grid).exclude(person__phone="").first().person
    audit_record(actor=city.users["grid"], action=AuditAction.REVEAL, obj=person, note="phone")
    page = _page(client_for, f"person={person.pk}&action=reveal")
    assert "联系电话" in page


def test_notes_written_as_codes_read_in_chinese(city, client_for):
    """Services note what happened as a fixed code; the page shows the words core or the app registered for it
    (plugins.audit_notes), and a note nobody registered as written."""
    from frontline.notices.services import notice_acknowledge, notice_issue

    for code in ["checked in", "fund allocation approved", "export refused", "reminded", "something else"]:
        audit_record(actor=city.users["secretary"], action=AuditAction.UPDATE, obj=city.grid, note=code)
    page = _page(client_for, "actor=secretary")
    for words in ["签到", "批准党费划拨", "导出未获批准", "已催办", "something else"]:
        assert words in page, words
    assert "checked in" not in page and "fund allocation approved" not in page
    notice = notice_issue(actor=city.users["secretary"], kind="notice", title="测试通知", body="正文",
                          targets=[city.community], roles=["grid_worker"])
    page = _page(client_for, f"object_type=notice&object_id={notice.pk}")
    assert "接收人" in page and "签发人" in page and "issued by" not in page and "recipients" not in page
    assert "网格员" in page and "&quot;grid_worker&quot;" not in page  # the roles it went to, by name
    receipt = notice_acknowledge(actor=city.users["grid"], notice=notice)
    page = _page(client_for, f"object_type=noticereceipt&object_id={receipt.pk}")
    assert "通知签收" in page and "notice receipt" not in page  # a model without a name of its own, named


def test_the_audit_page_costs_the_same_queries_for_few_or_many_entries(city, client_for):
    households = list(Household.objects.filter(building__area=city.grid).order_by("id")[:40])
    client = client_for("commander")

    def orders(items):
        for household in items:
            order = work_order_create(actor=city.users["secretary"], kind="revisit", title="复访", area=city.grid,
                                      subject=household, assignee_role="grid_worker")
            work_order_accept(actor=city.users["grid"], order=order)  # changes naming a user and a choice

    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/audit/?object_type=workorder").status_code == 200
        return len(captured.captured_queries)

    orders(households[:2])
    client.get("/audit/?object_type=workorder")
    few = queries()
    orders(households[2:])
    assert queries() <= few
