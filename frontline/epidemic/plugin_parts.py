"""The parts of mass testing, each declaring what it adds in a module of its own (so they grow apart)."""
from . import (  # noqa: F401
    plugin_api,
    plugin_collect,
    plugin_coverage,
    plugin_custody,
    plugin_results,
    plugin_rounds,
    plugin_zones,
)
