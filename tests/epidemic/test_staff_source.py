"""Collectors staffed at a testing site count as who works there (the platform's staff sources), so a site with
three formal party members among its collectors asks for a temporary party branch; their staffing ends with
the round."""

import datetime

from django.utils import timezone

from frontline.core.models import User
from frontline.epidemic import rounds
from frontline.mobilization.partyorg_services import formal_members_by_anchor
from frontline.people.models import PartyMember


def test_three_party_member_collectors_make_a_site_need_a_branch(testing, city):
    members = list(PartyMember.objects.filter(status="formal", left_on__isnull=True, person__accounts__isnull=True)
                   .select_related("person").order_by("id")[:3])
    for i, member in enumerate(members):
        account = User.objects.create(username=f"collector-{i}", role="collector", area=city.community)
        rounds.round_staff_add(actor=None, testing_round=testing.round, user=account, role="collector",
                               site=testing.site, person=member.person)
    day = timezone.localtime(testing.round.starts_at).date()
    people = formal_members_by_anchor(city.community, day)[("site", testing.site.pk)]
    assert {m.person_id for m in members} <= people
    after = timezone.localtime(testing.round.ends_at).date() + datetime.timedelta(days=1)
    assert ("site", testing.site.pk) not in formal_members_by_anchor(city.community, after)
