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

# Entrance checks, control zones, cases and contacts, control measures.
CHECKPOINT_STAFF = register_role("checkpoint_staff", _("Checkpoint staff"),
                                 granted_by=(Role.STREET_OFFICER, Role.COMMUNITY_SECRETARY))
EPIDEMIOLOGIST = register_role("epidemiologist", _("Epidemiologist"), granted_by=(Role.STREET_OFFICER,))

CHECKPOINT_SITE = "checkpoint_site"  # scope kind: the checkpoint site of a checkpoint staff's duty

VIEW_SCANS = policy.action("view_scans", _("see entrance checks: flows and the people stopped (masked)"),
                           "epidemic", 120)
RECORD_SCANS = policy.action("record_scans", _("record entrance checks at a checkpoint"), "epidemic", 121)
MANAGE_CHECKPOINTS = policy.action("manage_checkpoints", _("post checkpoint staff and run checkpoints"),
                                   "epidemic", 122)
VIEW_ZONES = policy.action("view_zones", _("see control zones and their history"), "epidemic", 130)
MANAGE_ZONES = policy.action("manage_zones", _("declare, raise and lift control zones"), "epidemic", 131)
CONFIRM_STEP_DOWN = policy.action("confirm_step_down", _("confirm a control zone's step-down"), "epidemic", 132)
VIEW_CASES = policy.action("view_cases", _("see cases, contacts and control measures"), "epidemic", 140)
MANAGE_CASES = policy.action("manage_cases", _("open cases and record their contacts"), "epidemic", 141)
MANAGE_MEASURES = policy.action("manage_measures", _("place people under control measures, assign isolation rooms, "
                                                     "release"), "epidemic", 142)
RECORD_HEALTH = policy.action("record_health", _("record daily health of people under a measure"), "epidemic", 143)
