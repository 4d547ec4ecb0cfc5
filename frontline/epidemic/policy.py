"""The epidemic app's roles, actions and scope kinds (DESIGN.md, "Access"), declared once and imported by its
services, pages and API; the grants themselves are in `plugin.py`."""

from django.utils.translation import gettext_lazy as _

from frontline.core import policy
from frontline.core.roles import Role, register_role

COLLECTOR = register_role("collector", _("Collector"), granted_by=(Role.STREET_OFFICER, Role.COMMUNITY_SECRETARY))
TRANSPORTER = register_role("transporter", _("Transporter"), granted_by=(Role.STREET_OFFICER,))
LAB_STAFF = register_role("lab_staff", _("Laboratory staff"))

ROUND_SITE = "round_site"  # scope kind: the round and testing site of a collector's staffing
OWN_LAB = "own_lab"  # scope kind: the tubes and bags of the laboratories the account works for

VIEW_TESTING = policy.action("view_testing", _("see testing rounds, tubes, bags and coverage (no names)"),
                             "epidemic", 110)
MANAGE_TESTING = policy.action("manage_testing", _("run testing rounds: sites, staff, exemptions, results, positives"),
                               "epidemic", 111)
REGISTER_SAMPLES = policy.action("register_samples", _("register samples into tubes"), "epidemic", 112)
HANDOVER_BAGS = policy.action("handover_bags", _("seal bags and scan their hand-overs"), "epidemic", 113)
LOAD_RESULTS = policy.action("load_results", _("load laboratory results"), "epidemic", 114)
