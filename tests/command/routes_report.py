"""The access matrix's entry for the work report: a file of an area (write_report: the desks of the area; 404 for an
area that is not theirs, 403 for those who see it but may not write its report)."""

from frontline.command.policy import WRITE_REPORT


def entries(matrix):
    community = matrix._obj("community")
    pages = {
        "command_report": matrix.Route(WRITE_REPORT, lambda o, where, user: {"pk": o[where].community.pk, "fmt": "md"},
                                       community),
    }
    return pages, {}
