"""The demo's service stations: what the demo street's station and the demo community's party-masses service centre
offer, about twelve counseling sessions over the last weeks (in person and by phone), and about ten calls to the
secretary hotline, some of which became requests."""

import datetime

from django.utils import timezone

from frontline.areas.models import Area, AreaLevel, Site, SiteKind
from frontline.core.models import User

STATION_SERVICES = {"kits": "8:00-20:00", "supplies": "8:00-20:00", "rest": "全天", "consultation": "9:00-17:00"}
CENTRE_SERVICES = {"counseling": "9:00-21:00", "consultation": "8:30-17:30", "medicine": "9:00-16:00",
                   "kits": "9:00-17:00"}
# days ago, at the centre (else the station), counsellor, attendees, topic, mode
SESSIONS = [
    (2, True, "王老师(心理咨询师)", 1, "独居老人封控期间焦虑,电话疏导", "phone"),
    (3, True, "李医生", 12, "居家隔离人员心理调适小组", "in_person"),
    (4, False, "志愿者张红", 6, "一线志愿者减压座谈", "in_person"),
    (6, True, "王老师(心理咨询师)", 1, "学生网课压力,家长来电", "phone"),
    (8, True, "李医生", 20, "社区居民防疫心理讲座", "in_person"),
    (9, True, "王老师(心理咨询师)", 1, "失业担忧,电话疏导", "phone"),
    (11, False, "区心理援助热线", 1, "快递小哥隔离期间情绪低落", "phone"),
    (13, True, "李医生", 8, "慢病老人就医焦虑", "in_person"),
    (15, True, "王老师(心理咨询师)", 2, "孕产妇家庭焦虑疏导", "phone"),
    (18, False, "志愿者张红", 15, "下沉干部团体减压", "in_person"),
    (21, True, "李医生", 30, "复工复产心理调适讲座", "online"),
    (25, True, "王老师(心理咨询师)", 1, "密接人员解除隔离后的担忧", "phone"),
]
# hours ago, caller phone, topic, (category, urgency) if it became a request
CALLS = [
    (3, "13912345678", "封控楼栋老人急需降压药", ("medicine", "urgent")),
    (7, "13687654321", "询问核酸检测时间安排", None),
    (20, "", "建议增设蔬菜配送点", ("supplies", "normal")),
    (30, "15800001111", "反映隔壁楼栋噪音扰民", ("complaint", "normal")),
    (50, "13700002222", "咨询返乡人员报备流程", None),
    (75, "18600003333", "孩子发烧需要就医,出不了小区", ("medical", "urgent")),
    (100, "", "感谢志愿者送菜上门", None),
    (130, "13500004444", "询问防疫礼包领取地点", None),
    (160, "13300005555", "独居老人情绪低落,请社区看望", ("mental_health", "normal")),
    (200, "13100006666", "咨询居家隔离期间垃圾处理", None),
]


def demo_stations_create(now: datetime.datetime | None = None) -> None:
    from frontline.care.models import CounselingSession, HotlineCall
    from frontline.care.stations import AsRequest, counseling_record, hotline_call_record, site_services_set

    secretary = User.objects.filter(username="secretary").select_related("area").first()
    street = User.objects.filter(username="street").select_related("area").first()
    if secretary is None or street is None or secretary.area is None or street.area is None:
        return
    community, street_area = secretary.area, street.area
    centre = Site.objects.filter(area=community, kind=SiteKind.SERVICE_CENTER).order_by("pk").first()
    station = Site.objects.filter(area=street_area, kind=SiteKind.SERVICE_STATION).order_by("pk").first()
    if centre is None or station is None or CounselingSession.objects.filter(site__in=[centre, station]).exists():
        return
    now = now or timezone.now()
    today = timezone.localdate(now)
    site_services_set(actor=street, site=station, services=STATION_SERVICES)
    site_services_set(actor=secretary, site=centre, services=CENTRE_SERVICES)
    for days, at_centre, counsellor, attendees, topic, mode in SESSIONS:
        site = centre if at_centre else station
        counseling_record(actor=secretary if at_centre else street, site=site,
                          held_on=today - datetime.timedelta(days=days), counsellor=counsellor, attendees=attendees,
                          topic=topic, mode=mode, today=today)
    if HotlineCall.objects.filter(area=community).exists():
        return
    worker = User.objects.filter(username="grid").select_related("area").first()  # the demo grid, if it is here
    grid = (worker.area if worker is not None and worker.area is not None and worker.area.path.startswith(community.path)
            else Area.objects.filter(level=AreaLevel.GRID, path__startswith=community.path).order_by("path").first())
    for hours, phone, topic, request in CALLS:
        as_request = None
        if request is not None and grid is not None:
            as_request = AsRequest(category=request[0], urgency=request[1], grid=grid)
        hotline_call_record(actor=secretary, area=community, topic=topic, caller_phone=phone,
                            at=now - datetime.timedelta(hours=hours), as_request=as_request, now=now)
