"""The sampling terminals' API (sampling_api.py), mounted under /api/v1/."""

from frontline.core import plugins

from .sampling_api import router

plugins.api_routers.register(plugins.ApiRouter("epidemic_samples", router))
