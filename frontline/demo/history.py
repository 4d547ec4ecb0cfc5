"""A month of plausible activity from every app, written into a generated city in bulk (COPY on PostgreSQL,
executemany on SQLite, through `frontline.core.bulk`), for the flow figures of the registry: door-to-door visits
and residents screened, testing rounds with tubes and samples, entrance checks (into the scans table's day
partitions), cases with their contacts and sealed buildings, supply orders (most delivered), residents' requests
(most resolved), gift packs and supplies issued, counseling sessions, secretary-hotline calls, notices passed on by
grids and acknowledged, confirmed stationing days and party-fee allocations paid.

The day's volume follows an outbreak curve (rising to a peak a little before the middle, then falling), scaled by
the city's size. Every event falls inside the month ([end - days + 1, end], local dates) and before now; an event
whose follow-up would come after now (a delivery, a resolution) stays open. The rows go in around the ORM's
signals: the areas they touched are marked for the kept figures, as the city generator does.

    history_generate(days=30, seed=2022)   # into the generated city, ending today
"""

import datetime
import math
import random
from dataclasses import dataclass, field

from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone

from frontline.areas.figures import figures_mark_dirty
from frontline.areas.models import Area, AreaLevel, Household, Site, SiteKind
from frontline.core.bulk import allocate_ids, insert_rows
from frontline.core.models import User
from frontline.people.models import Cadre, Resident

RECEIPT_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"


@dataclass
class HistoryStats:
    days: int = 0
    rows: dict[str, int] = field(default_factory=dict)

    def add(self, name: str, n: int) -> None:
        self.rows[name] = self.rows.get(name, 0) + n


def outbreak_curve(days: int) -> list[float]:
    """The day's intensity in (0, 1]: a base of 0.15 rising to 1 at 45% of the month, then falling."""
    peak, width = 0.45 * (days - 1), max(days / 5, 1)
    return [0.15 + 0.85 * math.exp(-((d - peak) / width) ** 2) for d in range(days)]


def _receipt(prefix: str, n: int) -> str:
    """A receipt code of the history (10 characters of the receipts' alphabet), distinct for each n."""
    digits = []
    for _ in range(8):
        n, r = divmod(n, len(RECEIPT_ALPHABET))
        digits.append(RECEIPT_ALPHABET[r])
    return prefix + "".join(reversed(digits)) + "Z"


class HistoryWriter:
    def __init__(self, days: int, seed: int, end: datetime.date | None):
        self.days, self.r = days, random.Random(seed)
        self.now = timezone.now()
        self.end = end or timezone.localdate(self.now)
        self.start = self.end - datetime.timedelta(days=days - 1)
        self.tz = timezone.get_current_timezone()
        self.curve = outbreak_curve(days)
        self.stats = HistoryStats(days=days)
        self.touched: set[int] = set()

    # --- time -----------------------------------------------------------------------------------------------
    def day(self, i: int) -> datetime.date:
        return self.start + datetime.timedelta(days=i)

    def day_start(self, i: int) -> datetime.datetime:
        return datetime.datetime.combine(self.day(i), datetime.time(), self.tz)

    def at(self, i: int, first_hour: float = 7, last_hour: float = 21) -> datetime.datetime:
        """A moment of day i between the hours, never after now (today: between midnight and now)."""
        begin = self.day_start(i)
        t = begin + datetime.timedelta(seconds=self.r.uniform(first_hour * 3600, last_hour * 3600))
        if t >= self.now:
            t = begin + (self.now - begin) * self.r.uniform(0.05, 0.95)
        return t

    def past(self, t: datetime.datetime) -> bool:
        return t < self.now and timezone.localdate(t) <= self.end

    def per_day(self, total_per_day_at_peak: float) -> list[int]:
        return [max(1, round(total_per_day_at_peak * c)) for c in self.curve]

    # --- the city -------------------------------------------------------------------------------------------
    def load(self) -> None:
        areas = list(Area.objects.values_list("id", "path", "level"))
        self.path_of = {pk: path for pk, path, _level in areas}
        self.id_of_path = {path: pk for pk, path, _level in areas}
        self.grids = sorted(pk for pk, _path, level in areas if level == AreaLevel.GRID)
        self.communities = sorted(pk for pk, _path, level in areas if level == AreaLevel.COMMUNITY)
        self.streets = sorted(pk for pk, _path, level in areas if level == AreaLevel.STREET)
        self.districts = sorted(pk for pk, _path, level in areas if level == AreaLevel.DISTRICT)
        self.city = Area.objects.get_first_root_node()
        self.households = list(Household.objects.order_by("id").values_list("id", "building_id", "building__area_id"))
        self.people_of: dict[int, list[int]] = {}
        for person_id, household_id in Resident.objects.filter(moved_out__isnull=True).order_by("id").values_list(
                "person_id", "household_id"):
            self.people_of.setdefault(household_id, []).append(person_id)
        self.grid_of_household = {h: g for h, _b, g in self.households}
        self.sites = list(Site.objects.values_list("id", "kind", "area_id"))
        users = list(User.objects.filter(is_active=True, area__isnull=False).exclude(role="")
                     .order_by("id").values_list("id", "role", "area_id"))
        self.users = users

    def parent(self, area_id: int) -> int:
        path = self.path_of[area_id]
        return self.id_of_path[path[:-Area.steplen]]

    def insert(self, model, columns, rows) -> list[int]:
        """Rows without their primary key: ids allocated, inserted; returns the ids."""
        rows = list(rows)
        ids = allocate_ids(model, len(rows))
        insert_rows(model, ("id", *columns), ((pk, *row) for pk, row in zip(ids, rows)))
        self.stats.add(model._meta.label, len(rows))
        return ids

    # --- the apps -------------------------------------------------------------------------------------------
    def run(self) -> HistoryStats:
        self.load()
        if not self.households:
            raise ValueError("generate a city first")
        self.partitions()
        with transaction.atomic():
            if connection.vendor == "postgresql":
                with connection.cursor() as cursor:
                    cursor.execute("SET LOCAL synchronous_commit = off")
            self.visits()
            self.testing()
            self.scans()
            self.cases()
            self.orders()
            self.requests()
            self.stock()
            self.stations()
            self.notices()
            self.mobilization()
            figures_mark_dirty(self.touched)
        if connection.vendor in ("sqlite", "postgresql"):
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        return self.stats

    def partitions(self) -> None:
        from frontline.epidemic.scan_storage import scan_partitions_ensure

        back = (timezone.localdate(self.now) - self.start).days
        scan_partitions_ensure(today=timezone.localdate(self.now), ahead=0, keep_days=max(back, 0))

    def visits(self) -> None:
        """Weekly door-to-door campaigns; each visited household once a campaign, 1-3 residents screened."""
        from frontline.grid.models import HouseholdVisit, ResidentScreening, ScreeningCampaign

        n_house = len(self.households)
        daily = self.per_day(n_house * 0.06)
        visits, screenings = [], []
        for week in range(0, self.days, 7):
            last = min(week + 6, self.days - 1)
            (campaign,) = self.insert(ScreeningCampaign, ("name", "starts_on", "ends_on", "form", "created_at"), [
                (f"敲门行动(第{week // 7 + 1}轮)", self.day(week), self.day(last), [], self.day_start(week))])
            order = self.r.sample(range(n_house), min(n_house, sum(daily[week:last + 1])))
            k = 0
            for i in range(week, last + 1):
                for index in order[k:k + daily[i]]:
                    h, _b, grid = self.households[index]
                    outcome = "nobody_home" if self.r.random() < 0.1 else "visited"
                    visits.append((campaign, h, self.at(i, 8, 20), outcome, ""))
                    self.touched.add(grid)
                k += daily[i]
        ids = self.insert(HouseholdVisit, ("campaign_id", "household_id", "visited_at", "outcome", "note"), visits)
        for pk, (_c, h, _at, outcome, _n) in zip(ids, visits):
            if outcome == "visited":
                people = self.people_of.get(h, [])
                for person in people[:self.r.randint(1, 3)]:
                    screenings.append((pk, person, {"present": "1", "temperature": "36.5"}))
        self.insert(ResidentScreening, ("visit_id", "person_id", "answers"), screenings)

    def testing(self) -> None:
        """A city-wide round every three days (two days long), a share of the residents sampled in tubes of 10."""
        from frontline.epidemic.models import RoundArea, Sample, TestingRound, Tube

        testing_sites = [(s, a) for s, kind, a in self.sites if kind == SiteKind.TESTING] or \
                        [(s, a) for s, _k, a in self.sites][:1]
        street_of_grid = {g: self.parent(self.parent(g)) for g in self.grids}
        site_of_street = {a: s for s, a in testing_sites}
        fallback = testing_sites[0][0]
        people = [(p, self.grid_of_household[h]) for h, ps in self.people_of.items() for p in ps]
        samples_total = 0
        for first in range(0, self.days, 3):
            starts = self.day_start(first) + datetime.timedelta(hours=6)
            if starts >= self.now:
                break
            ends = starts + datetime.timedelta(days=2)
            status = "closed" if ends <= self.now else "open"
            (round_id,) = self.insert(TestingRound, ("name", "area_id", "starts_at", "ends_at", "pool_size", "status",
                                                     "created_at"),
                                      [(f"全员核酸第{first // 3 + 1}轮", self.city.pk, starts, ends, 10, status, starts)])
            self.insert(RoundArea, ("round_id", "area_id"), [(round_id, self.city.pk)])
            share = 0.25 * max(self.curve[first:first + 2])
            chosen = sorted(self.r.sample(range(len(people)), int(len(people) * share)))
            tubes, samples = [], []
            for offset in range(0, len(chosen), 10):
                group = chosen[offset:offset + 10]
                grid = people[group[0]][1]
                site = site_of_street.get(street_of_grid.get(grid), fallback)
                day = first + self.r.randint(0, 1) if first + 1 < self.days else first
                opened = self.at(day, 6, 20)
                if opened < starts:
                    opened = starts + datetime.timedelta(minutes=1)
                if opened >= self.now:
                    continue
                result_at = opened + datetime.timedelta(hours=6)
                done = self.past(result_at)
                tubes.append((round_id, f"T{round_id:04d}{offset // 10:07d}", site, 10, len(group), opened,
                              "negative" if done else "", result_at if done else None))
                samples.append((group, site, opened))
            tube_ids = self.insert(Tube, ("round_id", "code", "site_id", "pool_size", "samples_count", "opened_at", "result",
                                          "result_at"), tubes)
            rows = []
            for tube, (group, site, opened) in zip(tube_ids, samples):
                for j, index in enumerate(group):
                    person, grid = people[index]
                    t = opened + datetime.timedelta(seconds=20 * j)
                    rows.append((round_id, tube, person, "routine", f"h{tube}-{j}", site, grid, t, t))
                    self.touched.add(grid)
            self.insert(Sample, ("round_id", "tube_id", "person_id", "kind", "client_id", "site_id", "grid_id",
                                 "collected_at", "received_at"), rows)
            samples_total += len(rows)

    def scans(self) -> None:
        """Entrance checks at each community's checkpoint: residents going out and back; 2% stopped."""
        from frontline.epidemic.models import CheckpointScan

        checkpoint_of = {a: s for s, kind, a in self.sites if kind == SiteKind.CHECKPOINT}
        people = [(p, self.grid_of_household[h]) for h, ps in self.people_of.items() for p in ps]
        community_of_grid = {g: self.parent(g) for g in self.grids}
        rows = []
        for i, n in enumerate(self.per_day(len(people) * 0.05)):
            day = self.day(i)
            for k, index in enumerate(self.r.sample(range(len(people)), min(n, len(people)))):
                person, grid = people[index]
                site = checkpoint_of.get(community_of_grid[grid])
                if site is None:
                    continue
                t = self.at(i, 6, 22)
                passed = self.r.random() >= 0.02
                rows.append((day, "out", "green" if passed else "yellow", False, "36.5", passed,
                             "" if passed else "yellow_code", t, t, f"h{day:%m%d}-{k}", site, person, grid))
        self.insert(CheckpointScan, ("day", "direction", "code_colour", "itinerary_flag", "temperature", "passed",
                                     "reasons", "scanned_at", "received_at", "client_id", "site_id", "person_id",
                                     "grid_id"), rows)

    def cases(self) -> None:
        """Cases by day, each with close contacts (housemates, then neighbours), secondary contacts and companions;
        the case's building sealed for 14 days (once a building)."""
        from frontline.epidemic.models import Case, Contact, ControlZone

        people = [(p, h) for h, ps in self.people_of.items() for p in ps]
        building_of = {h: b for h, b, _g in self.households}
        checkpoint_of = {a: s for s, kind, a in self.sites if kind == SiteKind.CHECKPOINT}
        taken: set[int] = set()
        cases, contacts, zones = [], [], []
        sealed: set[int] = set()
        for i, n in enumerate(self.per_day(max(3, len(people) * 0.0003))):
            for _ in range(n):
                person, h = people[self.r.randrange(len(people))]
                if person in taken:
                    continue
                taken.add(person)
                grid = self.grid_of_household[h]
                opened = self.at(i, 0, 12)
                closed = opened + datetime.timedelta(days=14)
                cases.append(((person, grid, "closed" if self.past(closed) else "open", opened, "", "manual", grid,
                               closed if self.past(closed) else None), h))
                self.touched.add(grid)
                b = building_of[h]
                if b not in sealed:
                    sealed.add(b)
                    ends = opened + datetime.timedelta(days=14)
                    zones.append((grid, b, "封控楼栋", "sealed", "阳性病例", opened, opened,
                                  ends if self.past(ends) else None, opened))
        ids = self.insert(Case, ("person_id", "area_id", "status", "opened_at", "note", "source", "grid_id",
                                 "closed_at"), [c for c, _h in cases])
        community_of = {g: self.parent(g) for g in self.grids}
        for case_id, ((person, grid, _s, opened, *_rest), h) in zip(ids, cases):
            seen = {person}
            close = [p for p in self.people_of.get(h, []) if p not in seen]
            for _ in range(self.r.randint(2, 6)):
                close.append(people[self.r.randrange(len(people))][0])
            for kind, source, group in (("close", "household", close),
                                        ("secondary", "contact_household",
                                         [people[self.r.randrange(len(people))][0] for _ in range(self.r.randint(3, 9))]),
                                        ("companion", "checkpoint",
                                         [people[self.r.randrange(len(people))][0] for _ in range(self.r.randint(0, 3))])):
                for p in group:
                    if p in seen:
                        continue
                    seen.add(p)
                    found = opened + datetime.timedelta(hours=self.r.uniform(1, 20))
                    if not self.past(found):
                        continue
                    site = checkpoint_of.get(community_of[grid]) if kind == "companion" else None
                    contacts.append((case_id, p, kind, source, site, 30 if site else None, opened if site else None,
                                     grid, grid, "", found))
        self.insert(Contact, ("case_id", "person_id", "kind", "source", "site_id", "overlap_minutes", "met_at",
                              "grid_id", "area_id", "note", "found_at"), contacts)
        self.insert(ControlZone, ("area_id", "building_id", "name", "level", "reason", "starts_at", "level_since",
                                  "ends_at", "created_at"), zones)

    def orders(self) -> None:
        """Supply orders of households, most delivered 2-20 hours later (those not yet: still placed)."""
        from frontline.care.models import SupplyOrder

        rows = []
        for i, n in enumerate(self.per_day(len(self.households) * 0.02)):
            for _ in range(n):
                h, _b, grid = self.households[self.r.randrange(len(self.households))]
                placed = self.at(i, 7, 20)
                delivered = placed + datetime.timedelta(hours=self.r.uniform(2, 20))
                done = self.past(delivered) and self.r.random() < 0.9
                rows.append((_receipt("H", len(rows)), grid, h, self.r.choice(["page", "grid", "hotline"]), "", "",
                             "delivered" if done else "placed", placed, timezone.localdate(placed),
                             delivered if done else None, ""))
                self.touched.add(grid)
        self.insert(SupplyOrder, ("receipt", "area_id", "household_id", "channel", "contact_phone", "note", "status",
                                  "placed_at", "day", "delivered_at", "failed_reason"), rows)

    def requests(self) -> None:
        """Residents' requests and suggestions, most resolved within two days."""
        from frontline.care.models import ResidentRequest

        rows = []
        categories = ["medical", "medicine", "supplies", "isolation", "mental_health", "complaint", "other"]
        for i, n in enumerate(self.per_day(len(self.households) * 0.004)):
            for _ in range(n):
                h, _b, grid = self.households[self.r.randrange(len(self.households))]
                received = self.at(i, 7, 22)
                resolved = received + datetime.timedelta(hours=self.r.uniform(1, 48))
                done = self.past(resolved) and self.r.random() < 0.85
                suggestion = self.r.random() < 0.2
                rows.append((_receipt("Q", len(rows)), "suggestion" if suggestion else "appeal",
                             self.r.choice(["page", "hotline", "grid"]), self.r.choice(categories), "normal", grid, h,
                             self.parent(grid), "", "请协助解决。", "resolved" if done else "open", received,
                             timezone.localdate(received), received + datetime.timedelta(hours=24),
                             "已办结。" if done else "", resolved if done else None))
                self.touched.add(grid)
        self.insert(ResidentRequest, ("receipt", "kind", "channel", "category", "urgency", "area_id", "household_id",
                                      "unit_id", "contact_phone", "text", "status", "received_at", "day", "due_at",
                                      "resolution", "resolved_at"), rows)

    def stock(self) -> None:
        """Gift packs and masks received at the service stations on the first day, then issued every day; the
        stations' stock is what remains."""
        from frontline.care.models import Stock, StockMove, SupplyItem

        stations = [(s, a) for s, kind, a in self.sites if kind in (SiteKind.SERVICE_STATION, SiteKind.SERVICE_CENTER)]
        items = []
        for name, category in (("防疫礼包", "kit"), ("医用口罩", "protective")):
            found = SupplyItem.objects.filter(category=category, stocked=True).order_by("id").first()
            items.append(found.pk if found else self.insert(
                SupplyItem, ("name", "category", "unit", "orderable", "stocked", "max_per_order", "active"),
                [(name, category, "件", False, True, 10, True)])[0])
        moves, issued = [], {}
        per_station = max(1, len(self.households) // max(len(stations), 1))
        for s, area in stations:
            for item in items:
                moves.append((s, item, "in", per_station * 3, None, "", 0, "", self.day_start(0)))
                issued[s, item] = 0
            self.touched.add(area)
        for i, c in enumerate(self.curve):
            for s, _area in stations:
                for item in items:
                    n = max(1, round(per_station * 0.08 * c * self.r.uniform(0.5, 1.5)))
                    if issued[s, item] + n > per_station * 3:
                        continue
                    issued[s, item] += n
                    moves.append((s, item, "issue", -n, None, "resident", n, "", self.at(i, 8, 18)))
        self.insert(StockMove, ("site_id", "item_id", "kind", "quantity", "other_site_id", "recipient_kind",
                                "recipients", "note", "at"), moves)
        existing = set(Stock.objects.filter(site_id__in=[s for s, _a in stations], item_id__in=items)
                       .values_list("site_id", "item_id"))
        for (s, item), n in issued.items():
            if (s, item) in existing:
                Stock.objects.filter(site_id=s, item_id=item).update(quantity=F("quantity") + per_station * 3 - n)
        self.insert(Stock, ("site_id", "item_id", "quantity", "low_at"),
                    [(s, item, per_station * 3 - n, 0) for (s, item), n in issued.items() if (s, item) not in existing])

    def stations(self) -> None:
        """Counseling sessions at the service stations, secretary-hotline calls of the communities."""
        from frontline.care.models import CounselingSession, HotlineCall

        stations = [(s, a) for s, kind, a in self.sites if kind in (SiteKind.SERVICE_STATION, SiteKind.SERVICE_CENTER)]
        sessions, calls = [], []
        for i, c in enumerate(self.curve):
            for s, _a in stations:
                if self.r.random() < 0.5 * c + 0.1:
                    sessions.append((s, self.day(i), "心理咨询师", self.r.randint(3, 25), "疫情下的情绪调适",
                                     "in_person", self.at(i, 18, 21)))
            for community in self.communities:
                for _ in range(self.r.randint(0, round(6 * c) + 1)):
                    calls.append((community, self.at(i, 8, 22), "", self.r.choice(["买药", "就医", "物资", "隔离政策"])))
                self.touched.add(community)
        self.insert(CounselingSession, ("site_id", "held_on", "counsellor", "attendees", "topic", "mode",
                                        "recorded_at"), sessions)
        self.insert(HotlineCall, ("area_id", "at", "caller_phone", "topic"), calls)

    def notices(self) -> None:
        """A notice every other day: passed on by every grid within the day, acknowledged by most accounts."""
        from frontline.notices.models import Notice, NoticeDelivery, NoticeReceipt

        deliveries, receipts = [], []
        for i in range(0, self.days, 2):
            issued = self.at(i, 7, 10)
            (notice,) = self.insert(Notice, ("kind", "title", "body", "area_id", "roles", "issued_at"), [
                ("notice", f"疫情防控通告第{i // 2 + 1}号", "请各网格做好入户宣传。", self.city.pk, [], issued)])
            for grid in self.grids:
                t = issued + datetime.timedelta(minutes=self.r.uniform(10, 600))
                if self.past(t):
                    deliveries.append((notice, grid, t, "wechat"))
                    self.touched.add(grid)
            for user, role, area in self.users:
                t = issued + datetime.timedelta(minutes=self.r.uniform(5, 900))
                done = self.past(t) and self.r.random() < 0.9
                receipts.append((notice, user, role, area, t if done else None, 0))
                self.touched.add(area)
        self.insert(NoticeDelivery, ("notice_id", "grid_id", "delivered_at", "channel"), deliveries)
        self.insert(NoticeReceipt, ("notice_id", "user_id", "role", "area_id", "acknowledged_at", "reminded_count"),
                    receipts)

    def mobilization(self) -> None:
        """Cadres stationed in communities (days logged, confirmed by an account the evening after), and
        party-fee allocations to the districts and streets, paid after approval by another account."""
        from frontline.mobilization.funds import FundAllocation
        from frontline.mobilization.stationing import StationingDay

        if len(self.users) < 2:
            return  # decisions need two accounts (the one who logs or asks is not the one who decides)
        decider, author = self.users[0][0], self.users[1][0]
        cadres = list(Cadre.objects.order_by("id").values_list("id", flat=True))
        days_rows = []
        taken = set(StationingDay.objects.values_list("cadre_id", "day"))  # one day a cadre (the demo's own days)
        for cadre in cadres:
            community = self.communities[cadre % len(self.communities)]
            for i, c in enumerate(self.curve):
                if self.r.random() < 0.3 + 0.5 * c:
                    decided = self.day_start(i) + datetime.timedelta(hours=self.r.uniform(20, 23.9))
                    if not self.past(decided) or (cadre, self.day(i)) in taken:
                        continue
                    days_rows.append((cadre, community, self.day(i), "", decided, "confirmed", decider, decided, ""))
                    self.touched.add(community)
        self.insert(StationingDay, ("cadre_id", "community_id", "day", "note", "logged_at", "status", "decided_by_id",
                                    "decided_at", "refusal_reason"), days_rows)
        funds = []
        for i, n in enumerate(self.per_day(len(self.streets) * 0.15)):
            for area in self.r.sample(self.streets, min(n, len(self.streets))):
                created = self.at(i, 8, 12)
                paid = created + datetime.timedelta(hours=self.r.uniform(2, 8))
                if not self.past(paid):
                    continue
                funds.append((self.r.choice(["medical_workers", "grassroots_cadres", "hardship"]),
                              f"{self.r.choice([5000, 10000, 20000])}.00", "市委组织部代管党费", "", area, author,
                              created, "paid", decider, created + datetime.timedelta(hours=1), "", decider, paid,
                              f"PAY{len(funds):06d}"))
                self.touched.add(area)
        self.insert(FundAllocation, ("purpose", "amount", "source", "note", "area_id", "created_by_id", "created_at",
                                     "status", "approved_by_id", "approved_at", "refusal_reason", "paid_by_id",
                                     "paid_at", "payment_reference"), funds)


def history_generate(*, days: int = 30, seed: int = 2022, end: datetime.date | None = None) -> HistoryStats:
    """Write `days` days of activity ending on `end` (today) into the generated city; returns the rows written
    by model. Run once on a city (a second run adds another month of rows over the same days)."""
    return HistoryWriter(days, seed, end).run()

