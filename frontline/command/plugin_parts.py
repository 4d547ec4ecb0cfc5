"""The parts of the command app, each declaring what it adds in a module of its own (so they grow apart)."""
from . import (  # noqa: F401
    plugin_brief,
    plugin_dashboard,
    plugin_map,
    plugin_report,
    plugin_wall,
)
