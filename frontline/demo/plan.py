"""The synthetic city, as pure data: the same seed gives the same city, with no database involved.

Proportions follow the reference city of DESIGN.md (10 million residents, 16 districts,
200 streets, 3,000 communities, 40,000 grids, 3.5 million households, 3% party members,
1% cadres); small cities keep at least two of each level so that siblings exist.
"""

import datetime
import math
import random
from dataclasses import dataclass, field
from itertools import accumulate

from faker.providers.person.zh_CN import Provider as ZhNames

from frontline.core.validators import id_check_char

REFERENCE = {"residents": 10_000_000, "districts": 16, "streets": 200, "communities": 3_000, "grids": 40_000}
CITY_CODE = "4180"  # province 41; 80 is not an assigned prefecture, so no real city's codes are reused
CITY_NAME = "示范市"
TODAY = datetime.date(2022, 4, 1)  # the demo city lives in the spring of the report

PLACE_CHARS = "安和平兴华新东西南北中长青阳光明春秋金银龙凤泉湖山河海江桥园林翠锦绣福康宁祥瑞丰盛德文武城关"
HOUSEHOLD_SIZES = [(1, 18), (2, 28), (3, 25), (4, 16), (5, 9), (6, 4)]  # weights, mean ≈ 2.82
MOBILE_PREFIXES = ["130", "131", "132", "133", "135", "136", "137", "138", "139", "150", "151", "152", "153",
                   "155", "156", "157", "158", "159", "166", "176", "177", "180", "181", "182", "183", "185",
                   "186", "187", "188", "189", "191", "198", "199"]
CITY_UNITS = ["市委组织部", "市委宣传部", "市卫生健康委员会", "市教育局", "市公安局", "市交通运输局", "市邮政管理局",
              "市民政局", "市商务局", "市市场监督管理局", "市住房和城乡建设局", "市财政局", "市人力资源和社会保障局",
              "市生态环境局", "市城市管理局", "市应急管理局"]
DISTRICT_UNITS = ["区委组织部", "区卫生健康局", "区教育局", "区民政局", "区市场监督管理局", "区城市管理局", "区财政局"]
RANKS = [("bureau", 3), ("county", 15), ("section", 35), ("staff", 47)]


@dataclass(frozen=True)
class CityPlan:
    residents: int
    districts: int
    streets: int
    communities: int
    grids: int

    @classmethod
    def for_residents(cls, residents: int) -> "CityPlan":
        if residents < 1:
            raise ValueError("a city needs at least one resident")
        f = residents / REFERENCE["residents"]
        districts = max(2, round(REFERENCE["districts"] * f))
        streets = max(2 * districts, round(REFERENCE["streets"] * f))
        communities = max(2 * streets, round(REFERENCE["communities"] * f))
        grids = max(2 * communities, round(REFERENCE["grids"] * f))
        return cls(residents, districts, streets, communities, grids)


@dataclass
class AreaSpec:
    name: str
    level: str
    code: str
    children: list["AreaSpec"] = field(default_factory=list)
    address: str = ""  # a grid's street address: road, number and compound (小区)


@dataclass
class PersonSpec:
    name: str
    sex: str
    birth_date: datetime.date
    id_number: str | None
    phone: str
    relation: str
    doc_type: str = ""
    doc_number: str = ""
    party: str = ""  # "", "formal" or "probationary"
    floating: bool = False
    cadre: tuple[str, str, str] | None = None  # (home unit, rank, "city"|"district")

    @property
    def moved_in(self) -> datetime.date:
        """Children were born here; adults moved in by 2010 at the latest."""
        return self.birth_date if self.relation == "child" else max(self.birth_date, TODAY.replace(year=2010))

    def cadre_unit(self, district_name: str) -> tuple[str, str, str]:
        """(home unit's name, rank, "city" or "district") of a cadre living in the district."""
        unit, rank, level = self.cadre
        return (unit if level == "city" else f"{district_name}{unit[1:]}"), rank, level


@dataclass
class HouseholdSpec:
    unit: str
    room: str
    people: list[PersonSpec]


@dataclass
class BuildingSpec:
    name: str
    households: list[HouseholdSpec]
    address: str = ""


def _split(total: int, parts: int) -> list[int]:
    """`total` split into `parts` near-equal integers (larger ones first)."""
    base, extra = divmod(total, parts)
    return [base + (1 if i < extra else 0) for i in range(parts)]


class CityRandom:
    """All the randomness of one city, drawn from one seeded generator in a fixed order."""

    def __init__(self, seed: int):
        self.rng = random.Random(seed)
        self.surnames = list(ZhNames.last_names.keys())
        self.surname_cum = list(accumulate(ZhNames.last_names.values()))
        self.male_chars = list(dict.fromkeys(ZhNames.first_names_male))
        self.female_chars = list(dict.fromkeys(ZhNames.first_names_female))
        self.male_singles = [c for c in self.male_chars if len(c) == 1]
        self.female_singles = [c for c in self.female_chars if len(c) == 1]
        self.size_values = [s for s, _ in HOUSEHOLD_SIZES]
        self.size_cum = list(accumulate(w for _, w in HOUSEHOLD_SIZES))
        self.rank_values = [r for r, _ in RANKS]
        self.rank_cum = list(accumulate(w for _, w in RANKS))
        self.id_sequence: dict[tuple[str, datetime.date, str], int] = {}

    def place_name(self) -> str:
        return self.rng.choice(PLACE_CHARS) + self.rng.choice(PLACE_CHARS)

    def name(self, sex: str, surname: str | None = None) -> str:
        chars, singles = (self.male_chars, self.male_singles) if sex == "M" else (self.female_chars, self.female_singles)
        given = self.rng.choice(chars)
        if len(given) == 1 and self.rng.random() < 0.6:
            given += self.rng.choice(singles)
        return (surname or self.rng.choices(self.surnames, cum_weights=self.surname_cum)[0]) + given

    def household_size(self) -> int:
        return self.rng.choices(self.size_values, cum_weights=self.size_cum)[0]

    def phone(self) -> str:
        return self.rng.choice(MOBILE_PREFIXES) + f"{self.rng.randrange(10**8):08d}"

    def id_number(self, region: str, birth: datetime.date, sex: str) -> str:
        """A valid, unique ID number: the sequence counts up per region, date and sex."""
        key = (region, birth, sex)
        n = self.id_sequence.get(key, 0)
        self.id_sequence[key] = n + 1
        if n >= 500:  # more than 500 same-sex births on one day in one district: use a sibling county code
            region = region[:4] + f"{(int(region[4:]) + 50 * (n // 500)) % 100:02d}"
            n %= 500
        seq = f"{n * 2 + (1 if sex == 'M' else 0):03d}"
        first17 = f"{region}{birth:%Y%m%d}{seq}"
        return first17 + id_check_char(first17)

    def birth_date(self, age: int) -> datetime.date:
        return TODAY - datetime.timedelta(days=age * 365 + self.rng.randrange(365))

    def rank(self) -> str:
        return self.rng.choices(self.rank_values, cum_weights=self.rank_cum)[0]


def area_tree(plan: CityPlan, r: CityRandom) -> AreaSpec:
    city = AreaSpec(CITY_NAME, "city", f"{CITY_CODE}00000000")
    streets_per = _split(plan.streets, plan.districts)
    communities_per = _split(plan.communities, plan.streets)
    grids_per = _split(plan.grids, plan.communities)
    s_i = c_i = 0
    used: set[str] = set()

    def unique_name(suffix: str) -> str:
        for _ in range(50):
            name = r.place_name() + suffix
            if name not in used:
                used.add(name)
                return name
        name = f"{r.place_name()}{len(used)}{suffix}"
        used.add(name)
        return name

    for d in range(plan.districts):
        d_code = f"{CITY_CODE}{d + 2:02d}"
        district = AreaSpec(unique_name("区"), "district", f"{d_code}000000")
        city.children.append(district)
        for s in range(streets_per[d]):
            s_code = f"{d_code}{s + 1:03d}"
            # The last district's last street is a town of villages (division codes 2xx: villagers' committees).
            town = d == plan.districts - 1 and s == streets_per[d] - 1
            street = AreaSpec(unique_name("镇" if town else "街道"), "street", f"{s_code}000")
            district.children.append(street)
            roads = [r.place_name() + suffix for suffix in ("路", "街", "大道")]
            number = 0
            for c in range(communities_per[s_i]):
                c_code = f"{s_code}{c + (201 if town else 1):03d}"
                community = AreaSpec(unique_name("村" if town else "社区"), "community", c_code)
                street.children.append(community)
                for g in range(grids_per[c_i]):
                    number += r.rng.randint(1, 12)
                    address = (f"{city.name}{district.name}{street.name}{r.rng.choice(roads)}{number}号"
                               f"{r.place_name()}{r.rng.choice(['小区', '花园', '苑', '家园'])}")
                    community.children.append(AreaSpec(f"第{g + 1}网格", "grid", f"{c_code}{g + 1:03d}", address=address))
                c_i += 1
            s_i += 1
    return city


def _member(r: CityRandom, age: int, person: PersonSpec, party_rate: float, cadre_rate: float) -> None:
    if age >= 18 and r.rng.random() < party_rate:
        person.party = "formal" if r.rng.random() < 0.92 else "probationary"
        person.floating = r.rng.random() < 0.03
    if 22 <= age <= 60 and r.rng.random() < cadre_rate:
        level = "city" if r.rng.random() < 0.3 else "district"
        unit = r.rng.choice(CITY_UNITS if level == "city" else DISTRICT_UNITS)
        person.cadre = (unit, r.rank(), level)


def household(r: CityRandom, size: int, region: str, party_rate: float, cadre_rate: float) -> list[PersonSpec]:
    """A household of realistic ages: a head, maybe a spouse, children, and with five or more a parent."""
    people: list[tuple[int, str, str, str | None]] = []  # (age, sex, relation, surname)
    head_sex = "M" if r.rng.random() < 0.6 else "F"
    head_age = r.rng.randint(20, 90) if size == 1 else r.rng.randint(26, 72)
    surname = r.rng.choices(r.surnames, cum_weights=r.surname_cum)[0]
    people.append((head_age, head_sex, "head", surname))
    if size >= 2:
        people.append((max(20, head_age + r.rng.randint(-5, 5)), "F" if head_sex == "M" else "M", "spouse", None))
    if size >= 5 and head_age <= 70:
        people.append((min(100, head_age + r.rng.randint(24, 32)), "F" if r.rng.random() < 0.6 else "M", "parent", None))
    while len(people) < size:
        age = head_age - r.rng.randint(22, 36)
        if age < 0:
            age = r.rng.randint(0, 5)
        people.append((age, "M" if r.rng.random() < 0.51 else "F", "child", surname if head_sex == "M" else None))
    result = []
    for age, sex, relation, fixed_surname in people:
        birth = r.birth_date(age)
        if r.rng.random() < 0.003:  # a foreign resident: passport, no resident ID
            person = PersonSpec(r.name(sex), sex, birth, None, r.phone() if age >= 18 else "", relation,
                                doc_type="passport", doc_number=f"E{r.rng.randrange(10**8):08d}")
        else:
            person = PersonSpec(r.name(sex, fixed_surname), sex, birth, r.id_number(region, birth, sex),
                                r.phone() if age >= 16 and r.rng.random() < 0.95 else "", relation)
        _member(r, age, person, party_rate, cadre_rate)
        result.append(person)
    return result


def grid_buildings(r: CityRandom, residents: int, region: str, address: str = "", party_rate: float = 0.0375,
                   cadre_rate: float = 0.0125) -> list[BuildingSpec]:
    """Buildings of a grid housing exactly `residents` people (the last household may be smaller).

    Rates apply to adults, of whom there are about 80%: 3% and 1% of all residents.
    """
    buildings: list[BuildingSpec] = []
    left = residents
    per_building = r.rng.choice([12, 18, 24, 24, 36])
    while left > 0:
        name = f"{len(buildings) + 1}栋"
        b = BuildingSpec(name, [], address + name)
        buildings.append(b)
        units = 2 if per_building >= 24 else 1
        rooms_per_floor = 2
        floors = math.ceil(per_building / (units * rooms_per_floor))
        for i in range(per_building):
            if left <= 0:
                break
            size = min(r.household_size(), left)
            floor, rest = divmod(i // units, rooms_per_floor)
            unit = str(i % units + 1) if units > 1 else ""
            if floor >= floors:
                break
            b.households.append(HouseholdSpec(unit, f"{floor + 1}{rest + 1:02d}",
                                              household(r, size, region, party_rate, cadre_rate)))
            left -= size
    return buildings


def walk_grids(tree: AreaSpec):
    """(district code, grid) pairs in the tree's order."""
    for district in tree.children:
        for street in district.children:
            for community in street.children:
                for grid in community.children:
                    yield district, grid


def grid_residents(plan: CityPlan) -> list[int]:
    return _split(plan.residents, plan.grids)
