"""Token lifecycle: created with a secret shown once, used, revoked, expired; CSRF for sessions."""

from __future__ import annotations

import hashlib
import json
from datetime import timedelta
from io import StringIO

import pytest
import time_machine
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from tests.web.api.conftest import ApiClient, api_client
from tests.web.cases.conftest import Cast
from trustdesk.web.api import services
from trustdesk.web.api.models import ApiToken
from trustdesk.web.core.models import AuditEvent

pytestmark = pytest.mark.django_db
URL = "/api/organisations"


def test_create_keeps_only_a_digest_and_a_prefix(cast: Cast) -> None:
    created = services.api_token_create(actor=cast.rita, owner=cast.rita, name=" grants  sync ")
    token = ApiToken.objects.get()
    assert created.secret.startswith("tdk_")
    assert token.digest == hashlib.sha256(created.secret.encode()).hexdigest()
    assert token.prefix == created.secret[:12]
    assert token.name == "grants sync"
    assert created.secret not in json.dumps([list(ApiToken.objects.values())], default=str)


def test_create_and_revoke_are_audited_without_the_secret(cast: Cast) -> None:
    created = services.api_token_create(actor=cast.rita, owner=cast.rita, name="sync")
    services.api_token_revoke(actor=cast.rita, token=created.token)
    events = list(AuditEvent.objects.order_by("sequence"))
    assert [e.action for e in events] == [
        "trustdesk.api_token.created",
        "trustdesk.api_token.revoked",
    ]
    assert events[0].data["prefix"] == created.token.prefix
    assert created.secret not in json.dumps([e.data for e in events])


def test_users_create_tokens_only_for_themselves(cast: Cast) -> None:
    with pytest.raises(PermissionDenied, match=services.OTHERS_TOKEN):
        services.api_token_create(actor=cast.ada, owner=cast.rita, name="x")


def test_only_owner_or_user_manager_revokes(cast: Cast) -> None:
    created = services.api_token_create(actor=cast.rita, owner=cast.rita, name="x")
    with pytest.raises(PermissionDenied):
        services.api_token_revoke(actor=cast.olga, token=created.token)
    revoked = services.api_token_revoke(actor=cast.ada, token=created.token)
    assert revoked.revoked_by == f"user:{cast.ada.public_id}"
    with pytest.raises(services.ApiTokenError, match=services.ALREADY_REVOKED):
        services.api_token_revoke(actor=cast.rita, token=created.token)


@pytest.mark.parametrize("days", [0, services.MAX_DAYS + 1])
def test_expiry_is_bounded(cast: Cast, days: int) -> None:
    with pytest.raises(services.ApiTokenError, match=services.BAD_EXPIRY):
        services.api_token_create(actor=cast.rita, owner=cast.rita, name="x", days=days)


def test_a_valid_token_authenticates_and_notes_its_use(cast: Cast) -> None:
    client = api_client(cast.rita)
    response = client.get(URL)
    assert response.status_code == 200
    assert ApiToken.objects.get().last_used_at is not None


def test_no_credentials_is_401_unauthenticated(cast: Cast) -> None:
    response = Client().get(URL)
    assert response.status_code == 401
    assert response.json()["code"] == "unauthenticated"
    assert response["WWW-Authenticate"] == "Bearer"


def test_unknown_token_is_401_invalid_token(cast: Cast) -> None:
    response = ApiClient("tdk_not-a-real-token").get(URL)
    assert response.status_code == 401
    assert response.json() == {"code": "invalid_token", "message": "This API token is not valid."}


def test_revoked_token_is_401_token_revoked(cast: Cast) -> None:
    created = services.api_token_create(actor=cast.rita, owner=cast.rita, name="x")
    client = ApiClient(created.secret)
    assert client.get(URL).status_code == 200
    services.api_token_revoke(actor=cast.rita, token=created.token)
    response = client.get(URL)
    assert response.status_code == 401
    assert response.json()["code"] == "token_revoked"


def test_expired_token_is_401_token_expired(cast: Cast) -> None:
    created = services.api_token_create(actor=cast.rita, owner=cast.rita, name="x", days=1)
    with time_machine.travel(timezone.now() + timedelta(days=1, seconds=1)):
        response = ApiClient(created.secret).get(URL)
    assert response.status_code == 401
    assert response.json()["code"] == "token_expired"


def test_deactivated_owner_is_401_user_inactive(cast: Cast) -> None:
    client = api_client(cast.rita)
    cast.rita.is_active = False
    cast.rita.save(update_fields=["is_active"])
    response = client.get(URL)
    assert response.status_code == 401
    assert response.json()["code"] == "user_inactive"


def test_bearer_writes_need_no_csrf_token(cast: Cast) -> None:
    client = api_client(cast.rita)  # enforce_csrf_checks=True
    response = client.post(URL, {"name": "Example University", "kind": "university"})
    assert response.status_code == 201


def test_session_writes_need_the_csrf_token(cast: Cast) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(cast.rita)
    body = {"name": "Example University", "kind": "university"}
    refused = client.post(URL, body, content_type="application/json")
    assert refused.status_code == 403
    assert refused.json()["code"] == "csrf_failed"
    client.get("/api/docs")  # sets the CSRF cookie, as the docs page does for its calls
    token = client.cookies["csrftoken"].value
    accepted = client.post(URL, body, content_type="application/json", HTTP_X_CSRFTOKEN=token)
    assert accepted.status_code == 201


def test_session_reads_need_no_csrf_token(cast: Cast) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(cast.rita)
    assert client.get(URL).status_code == 200


def test_management_command_prints_the_secret_once(cast: Cast) -> None:
    out = StringIO()
    call_command("api_token_create", "rita", "--name", "grants sync", "--json", stdout=out)
    row = json.loads(out.getvalue())
    token = ApiToken.objects.get()
    assert row["prefix"] == token.prefix
    assert row["owner"] == "rita"
    assert ApiClient(row["secret"]).get(URL).status_code == 200
    event = AuditEvent.objects.get(action="trustdesk.api_token.created")
    assert event.actor is None
    assert event.actor_label.startswith("cli:")


def test_management_command_revokes_by_prefix(cast: Cast) -> None:
    created = services.api_token_create(actor=cast.rita, owner=cast.rita, name="x")
    out = StringIO()
    call_command("api_token_revoke", created.token.prefix, stdout=out)
    assert "Revoked" in out.getvalue()
    assert ApiClient(created.secret).get(URL).json()["code"] == "token_revoked"
