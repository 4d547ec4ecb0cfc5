"""The parts of the care app, each declaring what it adds in a module of its own (so they grow apart)."""
from . import plugin_stock  # noqa: E402, F401
