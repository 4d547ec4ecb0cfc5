"""Demo notices: the commander's notice to the community secretaries and grid workers of the demo street,
about two thirds acknowledged and the rest reminded, and an open letter published for everyone."""

import datetime

from frontline.areas.models import Area, AreaLevel
from frontline.core.models import Assignment, User
from frontline.core.roles import Role


def demo_notices_create() -> None:
    from frontline.notices.services import notice_acknowledge, notice_issue, notice_publish, notice_remind

    commander = User.objects.get(username="commander")
    street = User.objects.get(username="street").area
    since = datetime.date(2022, 3, 1)
    # Every community and grid of the demo street gets its secretary and grid worker, so that receipts come
    # from more than the demo accounts (these accounts have no password: nobody logs in as them).
    for area in Area.objects.filter(path__startswith=street.path, level__in=[AreaLevel.COMMUNITY, AreaLevel.GRID]):
        role = Role.COMMUNITY_SECRETARY if area.level == AreaLevel.COMMUNITY else Role.GRID_WORKER
        if Assignment.objects.filter(area=area, role=role).exists():
            continue
        user = User(username=f"{'cs' if role == Role.COMMUNITY_SECRETARY else 'gw'}-{area.code}", role=role, area=area)
        user.set_unusable_password()
        user.save()
        Assignment.objects.create(user=user, role=role, area=area, valid_from=since)
    notice = notice_issue(
        actor=commander, kind="notice", title="关于开展新一轮全员核酸检测的通知",
        body="各社区、网格：\n定于明日7:00至19:00开展全员核酸检测。请各社区党组织书记组织网格员逐户通知，"
             "做到不漏一户、不落一人，对独居老人、行动不便人员提供上门采样。",
        targets=[street], roles=[Role.COMMUNITY_SECRETARY, Role.GRID_WORKER])
    # About two thirds acknowledge; the demo's own secretary and grid worker come last, so that they still have
    # it waiting, to acknowledge it from their phone.
    receipts = sorted(notice.receipts.select_related("user"),
                      key=lambda r: (r.user.username in ("secretary", "grid"), r.user.username))
    for receipt in receipts[:round(len(receipts) * 2 / 3)]:
        notice_acknowledge(actor=receipt.user, notice=notice)
    notice_remind(actor=commander, notice=notice)
    notice_issue(actor=User.objects.get(username="street"), kind="proposal", title="致全体党员志愿者的倡议书",
                 body="让党旗在防疫一线高高飘扬：亮身份、当先锋，就近到社区报到，参加值守和配送。",
                 targets=[street], roles=[Role.GRID_WORKER, Role.COMMUNITY_SECRETARY])
    letter = notice_issue(
        actor=commander, kind="letter", title="致全市居民的一封信",
        body="广大市民朋友们：\n疫情防控是一场人民战争。请大家配合社区和网格员的工作，做好个人防护，"
             "按通知有序参加核酸检测。感谢您的理解与支持！",
        targets=[commander.area], roles=[Role.COMMUNITY_SECRETARY])
    notice_publish(actor=commander, notice=letter)
