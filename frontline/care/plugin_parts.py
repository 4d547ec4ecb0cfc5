"""The parts of the care app, each declaring what it adds in a module of its own (so they grow apart)."""
from . import (  # noqa: F401
    plugin_area,
    plugin_orders,
    plugin_poster,
    plugin_requests,
    plugin_stations,
    plugin_stock,
)
