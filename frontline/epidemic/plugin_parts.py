"""The parts of mass testing, each declaring what it adds in a module of its own (so they grow apart)."""
from . import plugin_rounds  # noqa: F401
from . import plugin_collect  # noqa: F401
from . import plugin_custody  # noqa: F401
