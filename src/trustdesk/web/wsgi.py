"""WSGI entry point: `gunicorn trustdesk.web.wsgi:application` in production."""

from __future__ import annotations

import os
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.wsgi import get_wsgi_application

from trustdesk.web.conf.static import uncollected

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "trustdesk.web.settings")

application = get_wsgi_application()

# A production server started before `trustdesk collectstatic` would answer every page with a
# 500; it stops here with the reason instead.
_problem = uncollected(
    storage=settings.STORAGES["staticfiles"]["BACKEND"], root=Path(settings.STATIC_ROOT)
)
if _problem:
    raise ImproperlyConfigured(_problem)
