"""The daily brief: the page of an area for a day with the registry's figures, its one-page A4 PDF in Chinese,
bad days and other people's areas refused, what needs a decision from the alert sources, the scheduled task
placing yesterday's brief once in each commander area's inbox, reading it there (已阅), the dashboard's panel
and the demo's brief."""

import datetime
import re

import pytest
from django.core.cache import cache
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from frontline.areas.figures import STOCK, Period, figure_table
from frontline.command.brief import brief_build, key_codes
from frontline.command.brief_pdf import brief_pdf
from frontline.command.brief_services import DAILY_BRIEF, briefs_place
from frontline.command.models import DailyBrief
from frontline.core import plugins
from frontline.core.models import Assignment, WorkOrder, WorkOrderStatus
from tests.pdf import pdf_streams

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh_figures():
    """The dashboard's figures are cached a minute: each test computes its own."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def no_alert_sources(monkeypatch):
    monkeypatch.setattr(plugins.alert_sources, "_items", {})


@pytest.fixture
def yesterday():
    return timezone.localdate() - datetime.timedelta(days=1)


def _at(hour: int, day: datetime.date | None = None) -> datetime.datetime:
    day = day or timezone.localdate()
    return datetime.datetime.combine(day, datetime.time(hour, 5), timezone.get_current_timezone())


def _commander_areas(day: datetime.date) -> set[int]:
    return set(Assignment.objects.current(day).filter(role="commander", user__is_active=True)
               .values_list("area_id", flat=True))


# --- the page ---------------------------------------------------------------------------------------------------

def test_the_page_shows_the_registry_figures_of_the_area_and_day(city, client_for, yesterday):
    area = city.district
    response = client_for("commander").get(reverse("command_brief", args=[area.pk]), {"day": yesterday.isoformat()})
    assert response.status_code == 200
    body = response.content.decode()
    codes = key_codes()
    assert len(codes) >= 8
    table = figure_table(actor=city.users["commander"], area=area, at=yesterday, period=Period(yesterday, yesterday))
    for code in codes:
        figure = plugins.figures[code]
        shown = re.search(rf'data-testid="value-{code}" data-value="(\d*)"', body).group(1)
        if figure.kind == STOCK and not figure.history:
            assert shown == ""  # not known for a past day: "—"
        else:
            assert int(shown) == table.total[code], code
        assert str(figure.label) in body
    assert f"{area.name}　{yesterday.year}年{yesterday.month}月{yesterday.day}日" in body
    assert "一、主要数据" in body and "二、下级对比" in body and "三、待决策事项" in body


def test_without_a_day_the_page_is_yesterdays_brief(city, client_for, yesterday):
    body = client_for("commander").get(reverse("command_brief", args=[city.city.pk])).content.decode()
    assert f"{yesterday.year}年{yesterday.month}月{yesterday.day}日" in body
    assert f'href="{reverse("command_brief_pdf", args=[city.city.pk])}?day={yesterday.isoformat()}"' in body


def test_the_summary_writes_each_figure_with_its_change_in_chinese_sentences(city):
    from django.utils import translation

    day = timezone.localdate()
    with translation.override("zh-hans"):
        brief = brief_build(actor=city.users["commander"], area=city.city, day=day)
    residents = next((line for line in brief.figures if line.known and line.value), None)
    assert brief.summary.startswith(f"{day.year}年{day.month}月{day.day}日，{city.city.name}")
    assert brief.summary.endswith("。")
    if residents is not None:
        assert f"{residents.label}{residents.value:,}{residents.unit}" in brief.summary
    assert "Most" not in "".join(brief.ranks) and all(line.endswith("。") for line in brief.ranks)


def test_the_areas_below_name_the_child_with_the_most_and_the_least(city):
    from django.utils import translation

    day = timezone.localdate()
    with translation.override("zh-hans"):
        brief = brief_build(actor=city.users["commander"], area=city.city, day=day)
    table = figure_table(actor=city.users["commander"], area=city.city, period=Period(day, day))
    for line in brief.ranks:
        label, rest = line.split("最多：", 1)
        code = next(f.code for f in plugins.figures if str(f.label) == label)
        values = [(v[code], child.name) for child, v in table.children]
        top = max(values, key=lambda vn: vn[0])
        assert rest.startswith(f"{top[1]} {top[0]:,}")
        low = min(values, key=lambda vn: vn[0])
        assert line.endswith(f"最少：{low[1]} {low[0]:,}。")


def test_a_day_in_the_future_or_not_a_date_gets_a_clear_message(city, client_for):
    client = client_for("commander")
    tomorrow = (timezone.localdate() + datetime.timedelta(days=1)).isoformat()
    for name in ("command_brief", "command_brief_pdf"):
        response = client.get(reverse(name, args=[city.district.pk]), {"day": tomorrow})
        assert response.status_code == 400
        assert "未来" in response.content.decode()
    response = client.get(reverse("command_brief", args=[city.district.pk]), {"day": "4月1日"})
    assert response.status_code == 400 and "不是日期" in response.content.decode()


def test_an_area_outside_ones_place_is_not_found(city, client_for):
    for username, area in (("district2", city.district), ("secretary", city.district), ("inspector", city.city),
                           ("commander", 999_999_999)):
        pk = area if isinstance(area, int) else area.pk
        assert client_for(username).get(reverse("command_brief", args=[pk])).status_code == 404, username
        assert client_for(username).get(reverse("command_brief_pdf", args=[pk])).status_code == 404, username


def test_a_grid_worker_has_no_brief(city, client_for):
    client = client_for("grid")
    assert client.get(reverse("command_brief", args=[city.grid.pk])).status_code == 403
    assert client.get(reverse("command_brief_pdf", args=[city.grid.pk])).status_code == 403


def test_the_inspector_reads_the_brief_of_their_district(city, client_for):
    assert client_for("inspector").get(reverse("command_brief", args=[city.district.pk])).status_code == 200


# --- what needs a decision ----------------------------------------------------------------------------------------

def test_without_alert_sources_nothing_awaits_a_decision(city, client_for, no_alert_sources):
    body = client_for("commander").get(reverse("command_brief", args=[city.city.pk])).content.decode()
    assert "暂无需要决策的事项。" in body


def test_each_alert_source_gives_its_total_and_first_titles(city, client_for, no_alert_sources):
    seen = []

    def find(actor, area, limit):
        seen.append((actor.username, area.pk, limit))
        alerts = [plugins.Alert(title=f"第{n}号工单超时", url=f"/work-orders/{n}/") for n in range(1, 6)]
        return 17, alerts[:limit]

    plugins.alert_sources.register(plugins.AlertSource("overdue_test", "超时工单", app="tests", find=find))
    body = client_for("commander").get(reverse("command_brief", args=[city.district.pk])).content.decode()
    assert "超时工单：共17项。" in body
    assert "第1号工单超时" in body and "第3号工单超时" in body and "第4号工单超时" not in body
    assert seen == [("commander", city.district.pk, 3)]


# --- the PDF --------------------------------------------------------------------------------------------------

def _text_of(pdf: bytes) -> str:
    try:
        from pypdf import PdfReader
    except ImportError:
        return ""
    import io

    return "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)


def test_the_pdf_is_one_a4_page_in_chinese(city, client_for, yesterday):
    area = city.district
    response = client_for("commander").get(reverse("command_brief_pdf", args=[area.pk]), {"day": yesterday.isoformat()})
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert "inline" in response["Content-Disposition"]
    pdf = response.content
    assert pdf.startswith(b"%PDF-")
    assert len(re.findall(rb"/Type\s*/Page\b", pdf)) == 1  # one page (the /Pages tree aside)
    assert re.search(rb"/MediaBox\s*\[\s*0(\.0+)?\s+0(\.0+)?\s+595\.2\d*\s+841\.8\d*\s*\]", pdf)  # A4 in points
    assert re.search(rb"/BaseFont\s*/[A-Z]{6}\+NotoSansCJK", pdf)  # the subset (six letters +) embedded
    assert b"/FontFile2" in pdf or b"/FontFile3" in pdf
    assert len(pdf) < 200_000  # a subset, not the whole collection
    cmaps = b"".join(s for s in pdf_streams(pdf) if b"beginbfchar" in s or b"beginbfrange" in s).upper()
    for char in set("每日简报主要数据下级对比待决策事项" + area.name):
        assert f"<{ord(char):04X}>".encode() in cmaps, f"{char} is not in the PDF's text"
    text = _text_of(pdf)
    if text:
        assert "每日简报" in text and area.name in text


def test_a_brief_with_much_to_say_still_prints_on_one_page(city, client_for, no_alert_sources):
    def find(actor, area, limit):
        return 40, [plugins.Alert(title="物资库存不足：" + "某某服务站" * 8, url="") for _ in range(limit)]

    for n in range(8):
        plugins.alert_sources.register(plugins.AlertSource(f"many_{n}", f"事项{n}", app="tests", find=find))
    pdf = client_for("commander").get(reverse("command_brief_pdf", args=[city.city.pk])).content
    assert pdf.startswith(b"%PDF-") and len(re.findall(rb"/Type\s*/Page\b", pdf)) == 1


def test_a_missing_font_says_what_to_install(city, client_for, settings):
    settings.FRONTLINE_CJK_FONT = "/nonexistent/font.ttc"
    response = client_for("commander").get(reverse("command_brief_pdf", args=[city.district.pk]))
    assert response.status_code == 503
    body = response.content.decode()
    assert "fonts-noto-cjk" in body and "FRONTLINE_CJK_FONT" in body


# --- placed in the inbox by the scheduled task ------------------------------------------------------------------

def test_the_task_places_one_brief_per_commander_area_for_yesterday(city, yesterday):
    today = timezone.localdate()
    areas = _commander_areas(today)
    assert {city.city.pk, city.other_district.pk} <= areas
    assert briefs_place(now=_at(8)) == len(areas)
    briefs = DailyBrief.objects.filter(day=yesterday)
    assert set(briefs.values_list("area_id", flat=True)) == areas and briefs.count() == len(areas)
    for brief in briefs.select_related("work_order"):
        order = brief.work_order
        assert order.kind == DAILY_BRIEF and order.area_id == brief.area_id and order.assignee_role == "commander"
        assert order.status == WorkOrderStatus.OPEN and order.due_at is None
        assert brief.area.name in order.title


def test_running_the_task_again_places_no_second_brief(city, yesterday):
    first = briefs_place(now=_at(7))
    orders = WorkOrder.objects.filter(kind=DAILY_BRIEF).count()
    assert first > 0
    assert briefs_place(now=_at(8)) == 0 and briefs_place(now=_at(23)) == 0
    assert WorkOrder.objects.filter(kind=DAILY_BRIEF).count() == orders
    assert DailyBrief.objects.filter(day=yesterday).count() == first


def test_before_the_hour_the_task_places_nothing(city, settings):
    assert briefs_place(now=_at(6)) == 0
    settings.FRONTLINE_BRIEF_HOUR = 9
    assert briefs_place(now=_at(8)) == 0
    assert not DailyBrief.objects.exists() and not WorkOrder.objects.filter(kind=DAILY_BRIEF).exists()
    assert briefs_place(now=_at(9)) > 0


def test_the_task_is_scheduled_hourly():
    from django.utils.module_loading import import_string

    task = plugins.scheduled_tasks["daily-briefs"]
    assert task.every == datetime.timedelta(hours=1)
    assert import_string(task.task).name == task.task


def test_the_commander_reads_the_brief_in_the_inbox_and_marks_it_read(city, client_for, yesterday):
    briefs_place(now=_at(8))
    placed = DailyBrief.objects.get(area=city.city, day=yesterday)
    order = placed.work_order
    client = client_for("commander")
    inbox = client.get(reverse("inbox")).content.decode()
    assert order.title in inbox and reverse("work_order_detail", args=[order.pk]) in inbox
    detail = client.get(reverse("work_order_detail", args=[order.pk])).content.decode()
    link = reverse("command_brief_order", args=[order.pk])
    assert f'href="{link}"' in detail
    page = client.get(link)
    assert page.status_code == 200
    body = page.content.decode()
    assert f"{city.city.name}　{yesterday.year}年{yesterday.month}月{yesterday.day}日" in body
    assert 'data-testid="brief-read"' in body and "已阅" in body
    response = client.post(reverse("command_brief_read", args=[order.pk]))
    assert response.status_code == 302 and response["Location"] == link
    order.refresh_from_db()
    assert order.status == WorkOrderStatus.DONE and order.closed_at is not None
    assert order.title not in client.get(reverse("inbox")).content.decode()
    assert 'data-testid="brief-read"' not in client.get(link).content.decode()


def test_another_districts_commander_cannot_open_or_read_the_citys_brief(city, client_for, yesterday):
    briefs_place(now=_at(8))
    order = DailyBrief.objects.get(area=city.city, day=yesterday).work_order
    client = client_for("district2")
    assert client.get(reverse("command_brief_order", args=[order.pk])).status_code == 404
    assert client.post(reverse("command_brief_read", args=[order.pk])).status_code == 404
    assert client_for("grid").get(reverse("command_brief_order", args=[order.pk])).status_code == 403
    order.refresh_from_db()
    assert order.status == WorkOrderStatus.OPEN


def test_another_work_order_is_not_a_brief(city, client_for):
    other = WorkOrder.objects.create(kind="revisit", title="复访", area=city.city, assignee_role="commander")
    assert client_for("commander").get(reverse("command_brief_order", args=[other.pk])).status_code == 404


def test_a_brief_is_done_only_on_its_own_page(city, client_for, yesterday):
    briefs_place(now=_at(8))
    order = DailyBrief.objects.get(area=city.city, day=yesterday).work_order
    client_for("commander").post(reverse("work_order_act", args=[order.pk, "done"]))
    order.refresh_from_db()
    assert order.status == WorkOrderStatus.OPEN


# --- the dashboard's panel and the demo -----------------------------------------------------------------------

def test_the_dashboard_panel_links_to_yesterdays_brief_and_its_pdf(city, yesterday):
    panel = plugins.panels["brief"]
    assert panel.page == "dashboard"
    request = RequestFactory().get("/")
    request.user = city.users["street"]
    assert panel.context(request, city.district) is None  # above the street officer's place
    context = panel.context(request, city.street)
    html = render_to_string(panel.template, context, request=request)
    day = yesterday.isoformat()
    assert f'{reverse("command_brief", args=[city.street.pk])}?day={day}' in html
    assert f'{reverse("command_brief_pdf", args=[city.street.pk])}?day={day}' in html
    request.user = city.users["grid"]
    assert panel.context(request, city.grid) is None


def test_the_demo_places_yesterdays_brief_for_the_demo_commander_once(city, yesterday):
    from frontline.demo.command import demo_briefs_create

    demo_briefs_create()
    demo_briefs_create()
    placed = DailyBrief.objects.get()
    assert placed.area == city.users["commander"].area and placed.day == yesterday
    assert placed.work_order.kind == DAILY_BRIEF


def test_the_brief_reads_in_english_for_an_english_reader(city):
    from django.utils import translation

    with translation.override("en"):
        brief = brief_build(actor=city.users["commander"], area=city.city, day=timezone.localdate())
        pdf = brief_pdf(brief)
    assert brief.summary.startswith("On ") and brief.summary.endswith(".")
    assert brief.title == f"Daily brief of {city.city.name}" and brief.alerts_text
    assert pdf.startswith(b"%PDF-") and len(re.findall(rb"/Type\s*/Page\b", pdf)) == 1
