from __future__ import annotations

from collections.abc import Callable

import pytest
from pytest_django.fixtures import Settings as SettingsWrapper

from tests import factories
from trustdesk.web.accounts.models import User
from trustdesk.web.conf import auth as auth_conf

# The sign-in settings of conf/auth.py that settings.py composes. Applied here as well so these
# tests exercise exactly those values (not django-axes' defaults) whatever else a test changes.
_COMPOSED = [
    "AUTH_PASSWORD_VALIDATORS",
    "AXES_FAILURE_LIMIT",
    "AXES_COOLOFF_TIME",
    "AXES_LOCKOUT_PARAMETERS",
    "AXES_RESET_ON_SUCCESS",
    "AXES_ENABLE_ACCESS_FAILURE_LOG",
    "AXES_LOCKOUT_CALLABLE",
    "AXES_ENABLE_ADMIN",
    "AXES_CLIENT_IP_CALLABLE",
]


@pytest.fixture(autouse=True)
def _auth_settings(settings: SettingsWrapper) -> None:
    for name in _COMPOSED:
        setattr(settings, name, getattr(auth_conf, name))
    settings.TRUSTDESK_OIDC = None


MakeUser = Callable[..., User]


@pytest.fixture
def make_user(db: None) -> MakeUser:
    """Users as fixtures: rows set up directly, as a test's starting state (no audit needed)."""
    return factories.make_user
