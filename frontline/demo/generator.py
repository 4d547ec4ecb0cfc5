"""Writes the synthetic city of `plan.py` into the database, in batches, in one transaction.

One transaction: an interrupted run leaves nothing behind and can simply be run again.
Memory stays flat: one grid's rows plus one batch are held at a time.
"""

from dataclasses import dataclass

from django.db import connection, transaction
from django.utils.translation import gettext as _
from tqdm import tqdm

from frontline.areas.figures import figures_rebuild
from frontline.areas.models import Area, AreaLevel, Building, Household, Site, SiteKind
from frontline.core.bulk import allocate_ids, bulk_insert, insert_rows
from frontline.grid.assignment import balanced_assignment
from frontline.grid.models import ContactHousehold, GridRole, GridRoleKind
from frontline.people.models import Cadre, PartyMember, PartyOrg, PartyOrgKind, Person, Resident
from frontline.people.pinyin import pinyin_keys

from . import plan as P
from .outlines import outlines_generate

PERSON_COLUMNS = ("id", "name", "pinyin_full", "pinyin_initials", "id_number", "doc_type", "doc_number",
                  "birth_date", "sex", "phone")


class CityExists(Exception):
    pass


@dataclass
class CityStats:
    areas: int = 0
    buildings: int = 0
    households: int = 0
    residents: int = 0
    party_orgs: int = 0
    party_members: int = 0
    cadres: int = 0
    grid_roles: int = 0
    contact_households: int = 0
    sites: int = 0


def _tree_rows(model, root_spec, make):
    """Materialized-path rows for a tree of specs, built without a query per node."""
    rows = []

    def visit(spec, parent_path, depth, index):
        path = model._get_path(parent_path, depth, index)
        obj = make(spec)
        obj.path, obj.depth, obj.numchild = path, depth, len(spec.children)
        rows.append(obj)
        for i, child in enumerate(spec.children, start=1):
            visit(child, path, depth + 1, i)

    visit(root_spec, None, 1, 1)
    return rows


PARTY_ORG_NAMES = {
    "city": ("中共{name}委员会", PartyOrgKind.COMMITTEE),
    "district": ("中共{name}委员会", PartyOrgKind.COMMITTEE),
    "street": ("中共{name}工作委员会", PartyOrgKind.COMMITTEE),
    "community": ("中共{name}委员会", PartyOrgKind.COMMITTEE),
    "grid": ("{parent}{name}党支部", PartyOrgKind.BRANCH),
}


class CityWriter:
    def __init__(self, plan: P.CityPlan, seed: int, batch_size: int = 5000, progress: bool = True,
                 after_batch=None):
        self.plan, self.seed, self.batch_size = plan, seed, batch_size
        self.progress, self.after_batch = progress, after_batch
        self.stats = CityStats()
        self.pending: list[tuple[P.PersonSpec, Household, Area, PartyOrg]] = []
        self._city: Area | None = None
        self.households_by_grid: dict[int, list[Household]] = {}  # grids waiting for their flush

    def run(self) -> CityStats:
        if Area.objects.exists():
            raise CityExists(_("The database already holds a city; generate into an empty database."))
        r = P.CityRandom(self.seed)
        tree = P.area_tree(self.plan, r)
        with transaction.atomic():
            area_by_code, branch_by_grid = self._areas_and_orgs(tree)
            self._sites(tree, area_by_code)
            bar = tqdm(total=self.plan.residents, unit=" residents", disable=not self.progress, mininterval=0.5)
            for (district, grid), count in zip(P.walk_grids(tree), P.grid_residents(self.plan)):
                grid_area = area_by_code[grid.code]
                specs = P.grid_buildings(r, count, district.code[:6], grid.address)
                self._grid(specs, grid_area, area_by_code[district.code], branch_by_grid[grid.code])
                if len(self.pending) >= self.batch_size:
                    bar.update(self._flush())
            bar.update(self._flush())
            bar.close()
            figures_rebuild()  # the rows went in around the ORM's signals: count them once, at the end
        if connection.vendor in ("sqlite", "postgresql"):
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        return self.stats

    def _areas_and_orgs(self, tree):
        areas = _tree_rows(Area, tree, lambda s: Area(name=s.name, level=s.level, code=s.code))
        Area.objects.bulk_create(areas, batch_size=1000)
        area_by_code = {a.code: a for a in Area.objects.all()}
        communities = {a.code: a.name for a in area_by_code.values() if a.level == AreaLevel.COMMUNITY}

        def make_org(spec):
            template, kind = PARTY_ORG_NAMES[spec.level]
            return PartyOrg(name=template.format(name=spec.name, parent=communities.get(spec.code[:12], "")),
                            kind=kind, area=area_by_code[spec.code])

        orgs = _tree_rows(PartyOrg, tree, make_org)
        PartyOrg.objects.bulk_create(orgs, batch_size=1000)
        branch_by_grid = {o.area.code: o for o in PartyOrg.objects.filter(kind=PartyOrgKind.BRANCH).select_related("area")}
        self.stats.areas, self.stats.party_orgs = len(areas), len(orgs)
        return area_by_code, branch_by_grid

    def _sites(self, tree, area_by_code):
        sites = [Site(kind=SiteKind.HQ, name=f"{tree.name}疫情防控指挥部", area=area_by_code[tree.code]),
                 Site(kind=SiteKind.FIELD_HOSPITAL, name=f"{tree.name}方舱医院", area=area_by_code[tree.code])]
        for district in tree.children:
            a = area_by_code[district.code]
            sites += [Site(kind=SiteKind.HQ, name=f"{district.name}疫情防控指挥部", area=a),
                      Site(kind=SiteKind.HOSPITAL, name=f"{district.name}人民医院", area=a),
                      Site(kind=SiteKind.ISOLATION, name=f"{district.name}集中隔离点", area=a),
                      Site(kind=SiteKind.MEDICAL_TEAM, name=f"{district.name}医疗救治组", area=a),
                      Site(kind=SiteKind.TRAFFIC_POINT, name=f"{district.name}高速卡口", area=a)]
            for street in district.children:
                a = area_by_code[street.code]
                sites += [Site(kind=SiteKind.TESTING, name=f"{street.name}核酸采样点", area=a),
                          Site(kind=SiteKind.SERVICE_STATION, name=f"{street.name}服务驿站", area=a),
                          Site(kind=SiteKind.SCHOOL, name=f"{street.name}小学", area=a)]
                for community in street.children:
                    a = area_by_code[community.code]
                    sites += [Site(kind=SiteKind.SERVICE_CENTER, name=f"{community.name}党群服务中心", area=a),
                              Site(kind=SiteKind.CHECKPOINT, name=f"{community.name}出入口卡口", area=a)]
        Site.objects.bulk_create(sites, batch_size=1000)
        self.stats.sites = len(sites)

    def _grid(self, specs, grid_area, district_area, branch):
        buildings = bulk_insert(Building, [
            Building(area=grid_area, name=b.name, address=b.address, floors=max(1, len(b.households) // 2)) for b in specs])
        households = bulk_insert(Household, [Household(building=b, unit=h.unit, room=h.room)
                                             for b, spec in zip(buildings, specs) for h in spec.households])
        flat = [h for spec in specs for h in spec.households]
        for household, spec in zip(households, flat):
            for person in spec.people:
                self.pending.append((person, household, district_area, branch))
        self.households_by_grid[grid_area.pk] = households
        self.stats.buildings += len(buildings)
        self.stats.households += len(households)

    def _grid_chains(self, members: list[PartyMember], homes: dict[int, Household]) -> None:
        """Each grid of the batch gets its red grid member, a head for each building where a member lives,
        and contact households assigned as the secretary's proposal would (so some gaps remain)."""
        by_grid: dict[int, list[tuple[PartyMember, Household]]] = {}
        for member in members:
            if not member.floating:  # floating members are away: no grid duties
                by_grid.setdefault(member.org.area_id, []).append((member, homes[member.person_id]))
        roles, contacts = [], []
        today = P.TODAY
        for grid_id, grid_members in by_grid.items():
            roles.append(GridRole(kind=GridRoleKind.GRID_MEMBER, member=grid_members[0][0], area_id=grid_id,
                                  started_on=today))
            by_building: dict[int, list[int]] = {}
            member_by_id = {}
            for member, household in grid_members:
                by_building.setdefault(household.building_id, []).append(member.pk)
                member_by_id[member.pk] = member
            for building_id, ids in by_building.items():
                roles.append(GridRole(kind=GridRoleKind.BUILDING_HEAD, member=member_by_id[ids[0]], area_id=grid_id,
                                      building_id=building_id, started_on=today))
            households = self.households_by_grid.get(grid_id, [])
            pairs, _left = balanced_assignment([(h.pk, h.building_id) for h in households], by_building,
                                               {pk: 0 for pk in member_by_id}, max_per_member=10)
            contacts += [ContactHousehold(member_id=m, household_id=h, started_on=today) for h, m in pairs]
        bulk_insert(GridRole, roles)
        bulk_insert(ContactHousehold, contacts)
        self.stats.grid_roles += len(roles)
        self.stats.contact_households += len(contacts)

    def _flush(self) -> int:
        if not self.pending:
            return 0
        city = self._city = self._city or Area.objects.get_first_root_node()
        # People and residences, the bulk of the rows, go in as plain tuples; the few members and
        # cadres as models (the grid chain is built from the members).
        person_ids = allocate_ids(Person, len(self.pending))
        insert_rows(Person, PERSON_COLUMNS, (
            (pk, spec.name, *pinyin_keys(spec.name), spec.id_number, spec.doc_type, spec.doc_number, spec.birth_date,
             spec.sex, spec.phone) for pk, (spec, *_rest) in zip(person_ids, self.pending)))
        insert_rows(Resident, ("id", "person_id", "household_id", "relation", "moved_in"), (
            (pk, person_id, household.pk, spec.relation, spec.moved_in) for pk, person_id, (spec, household, *_rest)
            in zip(allocate_ids(Resident, len(self.pending)), person_ids, self.pending)))
        members, cadres = [], []
        for person_id, (spec, _household, district, branch) in zip(person_ids, self.pending):
            if spec.party:
                members.append(PartyMember(person_id=person_id, org=branch, status=spec.party, floating=spec.floating))
            if spec.cadre:
                home_unit, rank, level = spec.cadre_unit(district.name)
                cadres.append(Cadre(person_id=person_id, home_unit=home_unit,
                                    unit_area=city if level == "city" else district, rank=rank))
        bulk_insert(PartyMember, members)
        bulk_insert(Cadre, cadres)
        self._grid_chains(members, {pk: household for pk, (_spec, household, *_rest) in zip(person_ids, self.pending)})
        n = len(self.pending)
        self.stats.residents += n
        self.stats.party_members += len(members)
        self.stats.cadres += len(cadres)
        self.pending = []
        self.households_by_grid = {}
        if self.after_batch:
            self.after_batch(self.stats)
        return n



def generate_city(*, residents: int, seed: int = 2022, batch_size: int = 5000, progress: bool = True,
                  after_batch=None) -> CityStats:
    stats = CityWriter(P.CityPlan.for_residents(residents), seed, batch_size, progress, after_batch).run()
    outlines_generate(seed=seed)  # the map's outlines of every area (frontline.command draws them)
    return stats
