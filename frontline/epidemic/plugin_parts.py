"""The parts of the epidemic app, each declaring what it adds in a module of its own (so they grow apart)."""
from . import (  # noqa: F401
    plugin_api,
    plugin_cases,
    plugin_collect,
    plugin_coverage,
    plugin_custody,
    plugin_gate,
    plugin_isolation,
    plugin_results,
    plugin_rounds,
    plugin_scans,
    plugin_store,
    plugin_zones,
)
