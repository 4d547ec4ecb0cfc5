"""The parts of mass testing, each declaring what it adds in a module of its own (so they grow apart)."""
from . import plugin_api  # noqa: F401
