"""The work report (工作情况汇报) as data: the seed report's structure and register, written from the registry of
figures for one area and period, with an appendix that lets every number be checked.

The report is a Chinese document by nature (its register is that of a party organization's report to the level
above), so its text is written here in Chinese rather than translated. Each paragraph is a lead (numbered 一是、二是…
among the paragraphs written) and sentences around *slots*; a slot names registered figure codes (summed), how to
combine them (a sum, or a per-day average over the period) and how to write the number
(`frontline.command.numbers.report_number`). Rules:

- a paragraph whose figure codes are not all registered is left out and listed in the appendix as 尚未统计 (the
  logistics and supervision paragraphs, until their apps register their figures: they are then written with no
  change here);
- a sentence whose number would be zero is left out (a report does not boast of nothing) and its figures are listed
  as 为零 in the appendix; a paragraph left without any of its figures' sentences is left out, and so is a part
  without any paragraph of figures;
- an area with no figure at all above zero gets a report saying so, not an error.

The seed's "X"s and the figures that fill them (what the seed printed as a number is filled too):

    组建党员先锋队、突击队1.2万个           teams_vanguard + teams_commando
    选派X万名机关企事业干部                 cadres_deployed
    划拨X万元                              funds_paid_amount (fen, written in 元/万元)
    组建X个临时党支部、X支党员先锋队、突击队  temporary_orgs_branch + _committee + _group; responsibility_zones,
                                           pioneer_posts (the teams are written once, above)
    X名驻村第一书记和工作队员               village_first_secretary + village_work_team
    动员X万个基层党组织、X万名党员           party_orgs; party_members
    X个小区党支部宣讲                       grids_messaging (and messages_delivered, the times)
    成立X个督导组、聚焦X个方面              inspection_groups; inspection_aspects        (supervision, later)
    成立临时党支部X余个                     temporary_orgs_branch
    入户排查X万人                          residents_screened
    协助管控小区X多个                       compounds_assisted
    核酸检测X多万人次                       samples_collected
    每天配送订单X万余个                     orders_delivered, per day over the period
    听取意见建议1500余条、解决问题1.78万件   requests_received; requests_resolved (and stationing_days_confirmed)
    X家骨干企业、X多名快递企业党员、X余名流动党员
                                           enterprises_backbone; enterprise_party_members; floating_party_members
                                           (logistics, later)
    “流动网格员”“移动吹哨员”                whistle_reports                              (logistics, later)
    近X个服务站点、防疫礼包X万余份、心理疏导X余场次
                                           service_sites; kits_issued; counseling_sessions
"""

import datetime
import string
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils import translation

from frontline.areas.figures import FLOW, Period, figure_table
from frontline.areas.models import Area, AreaLevel
from frontline.core import plugins, policy

from .numbers import _whole, report_number
from .policy import WRITE_REPORT

SUM, PER_DAY = "sum", "per_day"
WRITTEN, ZERO, WAITING, NOT_YET = "written", "zero", "waiting", "not_yet"
STATUS_TEXT = {WRITTEN: "已写入正文", ZERO: "为零（或折算后不足1），相关语句未写入正文",
               WAITING: "已统计，所在段落待其他各项统计后写入", NOT_YET: "尚未统计"}
ORDINALS = "一二三四五六七八九十"


@dataclass(frozen=True)
class Slot:
    """A number in a sentence: the sum of registered figures, combined (a sum, or per day over the period), divided
    by `scale` (fen → 元: 100), written in `style`."""

    codes: tuple[str, ...]
    combine: str = SUM
    scale: int = 1
    style: str = "auto"


@dataclass(frozen=True)
class Sentence:
    """Chinese text with `{name}` slots, and the words of the place: {all} 全市/全区…, {area}, {dept} 市委组织部…"""

    text: str
    slots: dict[str, Slot] = field(default_factory=dict)


@dataclass(frozen=True)
class Paragraph:
    code: str
    sentences: tuple[Sentence, ...]
    lead: str = ""  # numbered among the paragraphs written: "一是" + lead

    @property
    def codes(self) -> list[str]:
        return list(dict.fromkeys(c for s in self.sentences for slot in s.slots.values() for c in slot.codes))


@dataclass(frozen=True)
class Part:
    heading: str
    paragraphs: tuple[Paragraph, ...]


def _s(text: str, **slots: Slot) -> Sentence:
    return Sentence(text, slots)


def _slot(*codes: str, style: str = "auto", combine: str = SUM, scale: int = 1) -> Slot:
    return Slot(tuple(codes), combine, scale, style)


OPENING = ("{period_text}，面对疫情防控严峻复杂形势，{area}各级党组织深入贯彻落实习近平总书记关于疫情防控工作的重要"
           "指示批示精神，动员各级党组织和广大党员干部投身防疫一线，着力打赢疫情防控歼灭战。现将有关工作情况汇报如下。")

PARTS = (
    Part("一、凝聚组织力量，着力打赢疫情防控歼灭战", (
        Paragraph("mobilize", lead="认真组织发动，闻令而动迅速下沉。", sentences=(
            _s("把疫情防控作为当前压倒一切的政治任务和头等大事，{dept}快速反应、系统谋划，统筹推动各级机关事业单位"
               "党员干部下沉一线，支援基层疫情防控工作。"),
            _s("{all}各级党组织和党员闻令而动，在疫情防控第一线组建党员先锋队、突击队{teams}支，全力以赴投入疫情防控工作。",
               teams=_slot("teams_vanguard", "teams_commando")),
        )),
        Paragraph("deploy", lead="全面部署，扛起疫情防控政治责任。", sentences=(
            _s("{all}共选派{cadres}名机关企事业干部下沉镇街、村居，分组包片重点区域，做到全天候在岗、全过程参与、"
               "全时段服务。", cadres=_slot("cadres_deployed")),
            _s("{dept}及时从代管党费中划拨{funds}元，慰问奋战在疫情防控一线的医务工作者和基层党员干部，支持基层党组织"
               "开展疫情防控工作，补助生活困难的党员群众。", funds=_slot("funds_paid_amount", scale=100)),
        )),
        Paragraph("command", lead="靠前指挥，凝聚众志成城强大合力。", sentences=(
            _s("在疫情防控指挥部和防控点、隔离点、检测点，组建临时党组织{temporary}个。",
               temporary=_slot("temporary_orgs_branch", "temporary_orgs_committee", "temporary_orgs_group")),
            _s("划定党员责任区{zones}个、设立党员先锋岗{posts}个，党员亮身份、当先锋、作表率。",
               zones=_slot("responsibility_zones"), posts=_slot("pioneer_posts")),
            _s("广大村（社区）党组织充分发挥战斗堡垒作用，全员走街串巷开展“敲门行动”，示范带动党员志愿者戴上党徽、"
               "穿上红马甲，引导群众自觉佩戴口罩、配合查码测温，有序进行核酸检测。"),
            _s("{all}{village}名驻村第一书记和工作队员就地转化为防疫宣传员、监督员、服务员，指导村居落实落细疫情防控措施。",
               village=_slot("village_first_secretary", "village_work_team")),
        )),
    )),
    Part("二、强化党建引领，严密组织担当作为", (
        Paragraph("network", lead="织密织牢基层防控网络。", sentences=(
            _s("以社区小区为基本单位，发挥“社区党组织—小区（网格）党支部—‘两长一员’—党员联系户”组织体系作用。"),
            _s("{all}{orgs}个基层党组织、{members}名党员深入防控一线，参加测温验码、小区出入管控、生活物资配送等志愿服务。",
               orgs=_slot("party_orgs"), members=_slot("party_members")),
            _s("党员联系户覆盖{contacted}户居民。", contacted=_slot("contacted_households")),
            _s("{grids}个小区（网格）党支部利用住户微信群等平台宣讲防控知识{messages}次，普及科学防疫方法，带动小区党员、"
               "居民群众及志愿者协同作战。", grids=_slot("grids_messaging"), messages=_slot("messages_delivered")),
        )),
        Paragraph("supervision", lead="激励干部一线担当作为。", sentences=(
            _s("成立{groups}个疫情防控一线考察督导组，深入医院、学校、交通卡点等重要点位，聚焦核酸检测、隔离管控等"
               "{aspects}个方面重点工作开展督导检查，及时发现重用表现优秀的干部。",
               groups=_slot("inspection_groups"), aspects=_slot("inspection_aspects")),
        )),
        Paragraph("frontline", lead="党组织书记靠前指挥，党员干部冲锋在前。", sentences=(
            _s("在隔离点、方舱医院、前线指挥部、集中核酸检测点等防控一线，凡有正式党员3人以上的都成立临时党支部，"
               "{all}共成立临时党支部{branches}个。", branches=_slot("temporary_orgs_branch", style="yu")),
            _s("全面落实“五级书记抓防疫”责任制，党组织主要负责同志带领广大党员干部入户排查{screened}人。",
               screened=_slot("residents_screened")),
            _s("协助管控小区{compounds}个。", compounds=_slot("compounds_assisted", style="duo")),
            _s("协助开展核酸检测{samples}人次。", samples=_slot("samples_collected", style="duo")),
            _s("每天协助社区配送物资订单{orders}个。",
               orders=_slot("orders_delivered", combine=PER_DAY, style="wan_yu")),
        )),
        Paragraph("stationing", lead="以机关干部“家园驻守”抓防控促治理。", sentences=(
            _s("机关干部灵活利用下班、周末等时间到社区驻守，累计驻守{days}天次，充分发挥集结快、流动少、情况熟、资源广的"
               "优势。", days=_slot("stationing_days_confirmed")),
            _s("随时随地为身边群众提供力所能及的帮助，听取意见建议{heard}条。", heard=_slot("requests_received", style="yu")),
            _s("解决群众急难愁盼问题{resolved}件。", resolved=_slot("requests_resolved")),
        )),
    )),
    Part("三、发挥党组织和党员作用，织密快递物流行业“安全网”", (
        Paragraph("logistics_intro", sentences=(
            _s("针对快递物流行业外溢风险较高的实际，组织{all}快递物流企业党组织和党员强堡垒、当先锋、作表率，"
               "筑牢“人物同防”安全网。"),
        )),
        Paragraph("logistics", lead="强化组织推动，筑牢疫情防控坚固防线。", sentences=(
            _s("组织各园区、各企业党组织书记坚守一线、靠前指挥，{enterprises}家骨干企业党组织短期内组织起{members}名"
               "快递企业党员和{floating}名流动党员参与党员突击队、党员责任区、党员先锋岗，筑起疫情防控坚固防线。",
               enterprises=_slot("enterprises_backbone"), members=_slot("enterprise_party_members", style="duo"),
               floating=_slot("floating_party_members", style="yu")),
        )),
        Paragraph("dandelion", lead="深入开展“红色蒲公英”行动。", sentences=(
            _s("引导外卖送餐员、快递小哥中的党员当好疫情防控“流动网格员”和“移动吹哨员”，第一时间向社区、网格报告"
               "风险隐患{whistles}条。", whistles=_slot("whistle_reports", style="yu")),
        )),
        Paragraph("services", lead="建立“党群服务中心+服务驿站”服务矩阵。", sentences=(
            _s("依托{sites}个党群服务中心和服务驿站，向快递小哥和群众提供政策宣传、物资补给、心理咨询等暖心服务。",
               sites=_slot("service_sites")),
            _s("共发出口罩、护目镜、消毒液、防疫指南等“防疫礼包”{kits}份。", kits=_slot("kits_issued", style="wan_yu")),
            _s("开展心理疏导{sessions}场（次），加强心理疏导，帮助认清形势、坚定信心。",
               sessions=_slot("counseling_sessions", style="yu")),
        )),
    )),
)

PLACE_WORDS = {  # {all}, {dept}
    AreaLevel.CITY: ("全市", "市委组织部"),
    AreaLevel.DISTRICT: ("全区", "区委组织部"),
    AreaLevel.STREET: ("全街道", "街道党工委"),
    AreaLevel.COMMUNITY: ("全社区", "社区党委"),
    AreaLevel.GRID: ("全网格", "网格党支部"),
}


def report_codes() -> list[str]:
    """Every figure code the report names, in the order it names them."""
    return list(dict.fromkeys(c for part in PARTS for p in part.paragraphs for c in p.codes))


@dataclass
class AppendixRow:
    code: str
    label: str
    value: int | Decimal | None  # None: not yet computed
    definition: str
    scope: str
    status: str  # WRITTEN, ZERO, WAITING, NOT_YET

    @property
    def status_text(self) -> str:
        return STATUS_TEXT[self.status]

    @property
    def value_text(self) -> str:
        return "—" if self.value is None else report_number(self.value, "exact")


@dataclass
class ReportPart:
    heading: str
    paragraphs: list[str]


@dataclass
class Report:
    area: Area
    period: Period
    title: str
    opening: str
    parts: list[ReportPart]
    appendix: list[AppendixRow]
    empty: bool = False  # no figure above zero: the opening says so and no part is written

    @property
    def paragraphs(self) -> list[str]:
        """The text, in order: the opening, then each part's heading and paragraphs."""
        lines = [self.opening]
        for part in self.parts:
            lines += [part.heading, *part.paragraphs]
        return lines

    @property
    def text(self) -> str:
        return "\n".join([self.title, *self.paragraphs])


def _date_text(day: datetime.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def _title(area: Area, period: Period) -> str:
    years = (f"{period.start.year}年" if period.start.year == period.end.year
             else f"{period.start.year}—{period.end.year}年")
    return f"{years}{area.name}应对疫情防控工作情况汇报"


def _slot_value(slot: Slot, values: dict[str, int], days: int):
    value = Decimal(sum(values[c] for c in slot.codes))
    if slot.combine == PER_DAY:
        value = value / days
    return value / slot.scale


def _definition(figure, period: Period, per_day: bool) -> str:
    unit = str(figure.unit)
    if figure.kind == FLOW:
        when = f"{_date_text(period.start)}至{_date_text(period.end)}期间累计（流量）"
    else:
        when = f"截至{_date_text(period.end)}的存量"
    extra = f"；正文按{(period.end - period.start).days + 1}天取日均" if per_day else ""
    if figure.code == "funds_paid_amount":
        extra += "；正文折合为元"
    return f"{figure.label}，单位：{unit}，{when}{extra}"


def report_build(*, actor, area: Area, period: Period) -> Report:
    """The work report of an area (fetched through the scope by the caller) over a period: stocks as of its last
    day, flows over it, read with one `figure_table` call. `actor` None is the system (the command line)."""
    policy.require(actor, WRITE_REPORT, area)
    registered = [c for c in report_codes() if c in plugins.figures]
    with translation.override("zh-hans"):
        table = figure_table(actor=actor, area=area, codes=registered, at=period.end, period=period)
        values = table.total
        days = (period.end - period.start).days + 1
        everything, dept = PLACE_WORDS.get(area.level, ("全域", "党组织"))
        words = {"all": everything, "dept": dept, "area": area.name}
        status: dict[str, str] = {}
        per_day_codes: set[str] = set()
        parts: list[ReportPart] = []
        for part in PARTS:
            written: list[str] = []
            with_figures = 0
            number = 0
            for paragraph in part.paragraphs:
                missing = [c for c in paragraph.codes if c not in plugins.figures]
                if missing:
                    for c in paragraph.codes:
                        status.setdefault(c, NOT_YET if c in missing else WAITING)
                    continue
                sentences = []
                kept_numbers = 0
                for sentence in paragraph.sentences:
                    numbers = {name: _slot_value(slot, values, days) for name, slot in sentence.slots.items()}
                    codes = [c for slot in sentence.slots.values() for c in slot.codes]
                    if any(_whole(v) == 0 for v in numbers.values()):
                        for c in codes:
                            if status.get(c) != WRITTEN:
                                status[c] = ZERO
                        continue
                    for slot in sentence.slots.values():
                        if slot.combine == PER_DAY:
                            per_day_codes.update(slot.codes)
                    for c in codes:
                        status[c] = WRITTEN
                    kept_numbers += bool(sentence.slots)
                    texts = {name: report_number(v, sentence.slots[name].style) for name, v in numbers.items()}
                    sentences.append(sentence.text.format(**words, **texts))
                if paragraph.codes and not kept_numbers:
                    continue  # every sentence with a number was zero
                if paragraph.lead:
                    number += 1
                    sentences.insert(0, f"{ORDINALS[number - 1]}是{paragraph.lead}")
                with_figures += bool(paragraph.codes)
                written.append("".join(sentences))
            if with_figures:
                parts.append(ReportPart(part.heading, written))
        scope = f"{area.name}（{area.code}）"
        appendix = []
        for code in report_codes():
            figure = plugins.figures.get(code)
            if figure is None:
                appendix.append(AppendixRow(code, "", None, "尚未登记该项统计", scope, NOT_YET))
                continue
            appendix.append(AppendixRow(code, str(figure.label), values.get(code, 0),
                                        _definition(figure, period, code in per_day_codes), scope,
                                        status.get(code, ZERO)))
        empty = not any(v for v in values.values())
        words["period_text"] = f"{_date_text(period.start)}至{_date_text(period.end)}"
        opening = OPENING.format(**words)
        if empty:
            opening = (f"{words['period_text']}，{area.name}尚无可统计的工作数据：登记的各项统计均为零或尚未统计，"
                       "本汇报暂不列出工作数字。待有关数据录入后，可重新生成本汇报。")
            parts = []
        return Report(area=area, period=period, title=_title(area, period), opening=opening, parts=parts,
                      appendix=appendix, empty=empty)


def report_filename(report: Report, fmt: str) -> str:
    return f"{report.title}（{report.period.start:%Y%m%d}-{report.period.end:%Y%m%d}）.{fmt}"


# The slots' names and the place words must be all the sentences use (a typo would leave "{x}" in a report).
for _part in PARTS:
    for _p in _part.paragraphs:
        for _sentence in _p.sentences:
            _names = {n for _t, n, _f, _c in string.Formatter().parse(_sentence.text) if n}
            assert _names <= set(_sentence.slots) | {"all", "dept", "area"}, _sentence.text
