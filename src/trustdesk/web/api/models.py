"""API tokens: bearer secrets of which only a SHA-256 digest and a short visible prefix are kept.

The secret is shown once, when the token is created, and cannot be recovered from the database:
a leaked backup or a reader of this table cannot call the API as anyone. The prefix lets a
person recognise a token in a list ("tdk_3f9aQ…") without it being usable.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models


class ApiToken(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(max_length=100)  # what the owner uses it for, e.g. "grants sync"
    prefix = models.CharField(max_length=12)  # the secret's first characters, for recognition
    digest = models.CharField(max_length=64, unique=True)  # hex SHA-256 of the whole secret
    created_at = models.DateTimeField(auto_now_add=True)
    # Updated at most once a minute (see services.api_token_touch), so reads stay cheap.
    last_used_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.CharField(max_length=200, blank=True)  # actor label, as on the trail

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"
