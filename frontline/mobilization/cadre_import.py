"""Cadres from the organization department's spreadsheet, through the import framework: one row per cadre
(姓名, 身份证号, 联系电话, 工作单位, 单位区划代码, 职级, 职务). A person already known by ID number is the same
person; a cadre already registered is updated (unit, rank, position). Every row through the people
services, so the policy and the audit apply as on a form."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from frontline.areas.models import Area
from frontline.core import policy
from frontline.core.audit import audit_update, snapshot
from frontline.core.imports import Column, Importer, ImportRun, row_values
from frontline.core.tabular import Problem
from frontline.core.validators import clean_text
from frontline.people.models import Cadre, CadreRank, Person
from frontline.people.rules import identity_clean
from frontline.people.services import cadre_create, person_create

COLUMNS = {
    "name": Column("姓名"),
    "id_number": Column("身份证号", ("公民身份号码", "身份证号码")),
    "phone": Column("联系电话", ("手机号", "电话")),
    "home_unit": Column("工作单位", ("原单位", "单位")),
    "unit_code": Column("单位区划代码", ("区划代码", "单位所在地代码")),
    "rank": Column("职级", ("级别",)),
    "position": Column("职务",),
}
RANKS = {**{str(label): code for code, label in CadreRank.choices}, "厅局级": CadreRank.BUREAU, "县处级": CadreRank.COUNTY,
         "处级": CadreRank.COUNTY, "乡科级": CadreRank.SECTION, "科级": CadreRank.SECTION, "科员": CadreRank.STAFF,
         "办事员": CadreRank.STAFF}


class CadreChecker:
    def __init__(self, run: ImportRun):
        self.run, self.seen = run, {}

    def check(self, number: int, cells: list[str]):
        raw = row_values(COLUMNS, self.run.mapping, cells)
        if not any(raw.values()):
            return None, []
        problems = []

        def problem(key, message):
            problems.append(Problem(number, COLUMNS[key].label, message))

        for key, limit in (("home_unit", 150), ("position", 100)):
            try:
                raw[key] = clean_text(raw[key], max_length=limit, field_label=COLUMNS[key].label)
            except ValidationError as e:
                problem(key, e.messages[0])
        if not raw["id_number"]:
            problem("id_number", _("missing"))
        identity = None
        try:
            identity = identity_clean(name=raw["name"], id_number=raw["id_number"] or None, phone=raw["phone"] or None)
        except ValidationError as e:
            for key, messages in e.message_dict.items():
                problem(key if key in COLUMNS else "name", messages[0])
        if identity is not None and identity.id_number:
            earlier = self.seen.setdefault(identity.id_number, number)
            if earlier != number:
                problem("id_number", _("ID number repeats row %(row)d") % {"row": earlier})
            # A known ID number is the same person: under another name it is a mistyped number (or name), which
            # would make someone else a cadre. The name on record is not shown: the importer may not see them.
            known = Person.objects.filter(id_number=identity.id_number).values_list("name", flat=True).first()
            if known is not None and known != identity.name:
                problem("id_number", _("This ID number is registered under another name: check the number and the "
                                       "name."))
        rank = RANKS.get(raw["rank"])
        if rank is None:
            problem("rank", _("%(value)s is not one of %(choices)s.") % {
                "value": raw["rank"], "choices": "、".join(str(label) for _c, label in CadreRank.choices)})
        if not raw["home_unit"]:
            problem("home_unit", _("missing"))
        unit_area = Area.objects.filter(code=raw["unit_code"], path__startswith=self.run.area.path).first()
        if unit_area is None or (self.run.actor and not policy.allows(self.run.actor, policy.CHANGE_PEOPLE, unit_area)):
            problem("unit_code", _("No area with code %(code)s in %(area)s.") % {"code": raw["unit_code"],
                                                                                  "area": self.run.area.name})
        if problems:
            return None, problems
        return (identity, raw["home_unit"], unit_area, rank, raw["position"]), []


class CadreImporter(Importer):
    code = "cadres"
    label = gettext_lazy("Cadres")
    description = gettext_lazy("One row per cadre of the institutions and enterprises that send cadres down: "
                               "their unit, where it is, their rank.")
    columns = COLUMNS
    required = ("name", "id_number", "home_unit", "unit_code", "rank")
    counts = {"cadres_created": pgettext_lazy("import count", "cadres added"),
              "cadres_updated": pgettext_lazy("import count", "cadres updated")}
    chunk_size = 500
    order = 80

    def checker(self, run: ImportRun) -> CadreChecker:
        return CadreChecker(run)

    def write_chunk(self, run: ImportRun, chunk: list) -> None:
        known = {p.id_number: p for p in Person.objects.filter(id_number__in=[i.id_number for i, *_r in chunk])
                 .select_related("cadre")}
        for identity, home_unit, unit_area, rank, position in chunk:
            person = known.get(identity.id_number) or person_create(
                actor=run.actor, name=identity.name, id_number=identity.id_number, phone=identity.phone)
            cadre = Cadre.objects.filter(person=person).first()
            if cadre is None:
                cadre_create(actor=run.actor, person=person, home_unit=home_unit, unit_area=unit_area, rank=rank,
                             position=position)
                run.counts["cadres_created"] += 1
            elif (cadre.home_unit, cadre.unit_area_id, cadre.rank, cadre.position) != (home_unit, unit_area.pk, rank,
                                                                                         position):
                policy.require(run.actor, policy.CHANGE_PEOPLE, cadre.unit_area)
                before = snapshot(cadre)
                cadre.home_unit, cadre.unit_area, cadre.rank, cadre.position = home_unit, unit_area, rank, position
                cadre.full_clean()
                cadre.save()
                audit_update(run.actor, cadre, before, person=person)
                run.counts["cadres_updated"] += 1
