"""The demo's duty: a week of rosters in the demo community with check-ins, holes and a shift under way for the
demo cadre, who can check in at once."""

import datetime

from django.utils import timezone

from frontline.core.models import User
from frontline.demo.duty import demo_duty_create
from frontline.mobilization.duty import CheckIn, DutyShift
from frontline.mobilization.duty_services import duty_attendance, duty_roster, my_shifts


def test_the_demo_has_rosters_with_holes_and_a_shift_the_cadre_can_check_in_to(city):
    demo_duty_create()
    cadre = User.objects.get(username="cadre")
    assert cadre.person_id is not None
    assert DutyShift.objects.count() > 40 and CheckIn.objects.count() > 20
    (now_shift,) = [r for r in my_shifts(actor=cadre) if r.under_way]
    assert now_shift.can_check_in and now_shift.open_check_in is None
    roster = duty_roster(actor=city.users["secretary"], area=city.community)
    assert roster.hole_count > 0 and roster.nobody_there_count >= 1
    week_ago = timezone.localdate() - datetime.timedelta(days=6)
    rows = [r for month in {week_ago.replace(day=1), timezone.localdate().replace(day=1)}
            for r in duty_attendance(actor=city.users["secretary"], area=city.community, month=month)]
    assert sum(r.attended for r in rows) > 0 and sum(r.missed for r in rows) > 0 and sum(r.hours for r in rows) > 0
    shifts = DutyShift.objects.count()
    demo_duty_create()  # once
    assert DutyShift.objects.count() == shifts
