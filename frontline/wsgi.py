"""WSGI entry point for `frontline serve` (gunicorn) and any other WSGI server."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "frontline.settings")
application = get_wsgi_application()

# Without a broker, background work and the scheduled tasks run in a thread of this process.
from frontline.core import background  # noqa: E402 — after Django's set-up

background.start()
