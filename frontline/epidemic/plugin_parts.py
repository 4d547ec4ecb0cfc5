"""The parts of mass testing, each declaring what it adds in a module of its own (so they grow apart)."""
from . import (
    plugin_collect,  # noqa: F401
    plugin_coverage,  # noqa: F401
    plugin_results,  # noqa: F401
    plugin_rounds,  # noqa: F401
)
