"""WSGI entry point for `frontline serve` (gunicorn) and any other WSGI server."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "frontline.settings")
application = get_wsgi_application()

# Without a broker, background work and the scheduled tasks run in a thread of this process.
from frontline.core import background  # noqa: E402 — after Django's set-up

background.start()

# The objects made so far (Django, the URLconf with every view and API router, the policy's tables) live as
# long as the process: moved out of the garbage collector's sight, they are not walked again by every full
# collection a request's many short-lived objects set off (a third of the Python time of a batch of 1,000
# entrance checks went to such collections).
import gc  # noqa: E402

from django.urls import get_resolver  # noqa: E402

get_resolver().url_patterns  # noqa: B018 — loads every view and API router now, before the freeze
gc.collect()
gc.freeze()
