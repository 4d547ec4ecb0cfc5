"""The work report: written from the registry of figures for one area and period, every number checkable in its
appendix, nothing of another district, no "X" where a figure exists, paragraphs of figures not yet registered left
out and listed, an area with no data told so; printed as Word, PDF and Markdown."""

import datetime
import io
from decimal import Decimal

import pytest
from django.utils import timezone

from frontline.areas.figures import Figure, Period, figure_table
from frontline.areas.models import Area, AreaLevel
from frontline.command.report import NOT_YET, WRITTEN, ZERO, report_build, report_codes
from frontline.command.report_render import report_render
from frontline.core import plugins
from frontline.mobilization.funds import FundAllocation
from frontline.mobilization.models import Team

HEADINGS = ("一、凝聚组织力量，着力打赢疫情防控歼灭战", "二、强化党建引领，严密组织担当作为",
            "三、发挥党组织和党员作用，织密快递物流行业“安全网”")


def _paid(city, area, amount):
    now = timezone.now()
    return FundAllocation.objects.create(
        purpose="hardship", amount=Decimal(amount), source="代管党费", area=area, created_by=city.users["commander"],
        status="paid", approved_by=city.users["admin"], approved_at=now, paid_by=city.users["admin"], paid_at=now,
        payment_reference="P-1")


@pytest.fixture
def activity(city):
    """Teams and party fees paid in the probe district (3 teams, 12,345.67 yuan) and in the other one (5, 500)."""
    today = timezone.localdate()
    far = Area.objects.filter(level=AreaLevel.COMMUNITY, path__startswith=city.other_district.path).first()
    for area, kinds in ((city.community, ["vanguard", "vanguard", "commando"]), (far, ["vanguard"] * 5)):
        for i, kind in enumerate(kinds):
            Team.objects.create(kind=kind, name=f"队{i}", area=area, formed_on=today - datetime.timedelta(days=3))
    _paid(city, city.grid, "12345.67")
    _paid(city, far, "500.00")
    return Period(today - datetime.timedelta(days=30), today)


def test_every_figure_in_the_appendix_equals_the_registry_for_the_same_area_and_period(city, activity):
    for area in (city.city, city.district, city.community):
        report = report_build(actor=city.users["commander"], area=area, period=activity)
        codes = [c for c in report_codes() if c in plugins.figures]
        table = figure_table(actor=city.users["commander"], area=area, codes=codes, at=activity.end, period=activity)
        rows = {row.code: row for row in report.appendix}
        assert set(rows) == set(report_codes())
        for code in codes:
            assert rows[code].value == table.total[code], (area.level, code)
            assert rows[code].scope == f"{area.name}（{area.code}）"


def test_the_text_writes_the_numbers_the_way_reports_do(city, activity):
    report = report_build(actor=city.users["commander"], area=city.district, period=activity)
    years = (f"{activity.start.year}年" if activity.start.year == activity.end.year
             else f"{activity.start.year}—{activity.end.year}年")
    assert report.title == f"{years}{city.district.name}应对疫情防控工作情况汇报"
    assert "组建党员先锋队、突击队3支" in report.text
    assert "划拨1.23万元" in report.text  # 1,234,567 fen
    rows = {row.code: row for row in report.appendix}
    assert rows["funds_paid_amount"].value == 1234567 and rows["funds_paid_amount"].status == WRITTEN
    assert f"{rows['party_members'].value}名党员" in report.text
    assert "全区" in report.text and "区委组织部" in report.text


def test_a_district_report_holds_nothing_of_another_district(city, activity):
    mine = report_build(actor=city.users["commander"], area=city.district, period=activity)
    whole = report_build(actor=city.users["commander"], area=city.city, period=activity)
    others = [city.other_district.name, *Area.objects.filter(path__startswith=city.other_district.path)
              .values_list("name", flat=True)]
    text = mine.text + "".join(r.definition + r.scope for r in mine.appendix)
    assert not [name for name in others if name in text]
    values = {r.code: r.value for r in mine.appendix}
    city_values = {r.code: r.value for r in whole.appendix}
    assert values["teams_vanguard"] + values["teams_commando"] == 3
    assert city_values["teams_vanguard"] + city_values["teams_commando"] == 8
    assert values["funds_paid_amount"] == 1234567 and city_values["funds_paid_amount"] == 1234567 + 50000
    assert "组建党员先锋队、突击队8支" in whole.text and "划拨1.28万元" in whole.text  # 1,284,567 fen


def test_no_x_where_a_figure_exists_and_zero_figures_leave_their_sentence_out(city, activity):
    report = report_build(actor=None, area=city.city, period=activity)
    assert "X" not in report.text and "{" not in report.text
    rows = {row.code: row for row in report.appendix}
    assert rows["cadres_deployed"].value == 0 and rows["cadres_deployed"].status == ZERO
    assert "名机关企事业干部" not in report.text
    assert [p.heading for p in report.parts] == list(HEADINGS)


def test_a_paragraph_of_figures_not_yet_registered_is_left_out_and_written_once_they_are(city, activity):
    before = report_build(actor=None, area=city.district, period=activity)
    rows = {row.code: row for row in before.appendix}
    for code in ("inspection_groups", "inspection_aspects", "enterprises_backbone", "enterprise_party_members",
                 "floating_party_members"):
        assert rows[code].status == NOT_YET and rows[code].value is None and rows[code].status_text == "尚未统计"
    assert "督导组" not in before.text and "骨干企业" not in before.text
    fakes = [Figure(code, label, "个", app="tests", rows=lambda at: Team.objects.all(), area="area", kept=False)
             for code, label in (("inspection_groups", "督导组"), ("inspection_aspects", "督导方面"))]
    for fake in fakes:
        plugins.figures.register(fake)
    try:
        after = report_build(actor=None, area=city.district, period=activity)
    finally:
        for fake in fakes:
            plugins.figures.unregister(fake.code)
    assert "成立3个疫情防控一线考察督导组" in after.text and "等3个方面重点工作" in after.text
    part = after.parts[1].paragraphs
    assert part[0].startswith("一是织密织牢") and part[1].startswith("二是激励干部")
    assert {r.code: r.status for r in after.appendix}["inspection_groups"] == WRITTEN


def test_an_area_with_no_data_gets_a_report_saying_so(city):
    empty = city.city.add_child(name="新设区", level=AreaLevel.DISTRICT, code="418099000000")
    today = timezone.localdate()
    report = report_build(actor=None, area=empty, period=Period(today - datetime.timedelta(days=7), today))
    assert report.empty and report.parts == []
    assert "尚无可统计的工作数据" in report.text and "X" not in report.text
    assert all(row.value in (0, None) for row in report.appendix)
    for fmt in ("docx", "md"):
        assert report_render(report, fmt)


def test_the_word_document_has_the_parts_in_a_chinese_font_and_the_appendix_table(city, activity):
    from docx import Document

    report = report_build(actor=None, area=city.district, period=activity)
    document = Document(io.BytesIO(report_render(report, "docx")))
    texts = [p.text for p in document.paragraphs]
    assert texts[0] == report.title
    assert document.paragraphs[0].alignment == 1  # centred
    for heading in HEADINGS:
        assert heading in texts
    assert 'w:eastAsia="仿宋"' in document.paragraphs[1].runs[0]._r.xml
    (table,) = document.tables
    assert len(table.rows) == len(report.appendix) + 1
    assert [c.text for c in table.rows[0].cells][:4] == ["序号", "统计代码", "统计项", "精确值"]
    funds = next(r for r in table.rows if r.cells[1].text == "funds_paid_amount")
    assert funds.cells[3].text == "1,234,567" and "分" in funds.cells[4].text


def test_the_pdf_and_the_markdown(city, activity):
    report = report_build(actor=None, area=city.district, period=activity)
    assert report_render(report, "pdf").startswith(b"%PDF")
    md = report_render(report, "md").decode()
    assert md.startswith(f"# {report.title}\n")
    for heading in HEADINGS:
        assert f"## {heading}" in md
    assert "| funds_paid_amount |" in md and "## 附：数据核对表" in md
    with pytest.raises(ValueError):
        report_render(report, "xls")
