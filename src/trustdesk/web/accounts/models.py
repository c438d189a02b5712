"""Users and departments; a user's role decides what they may do, their department what they see."""

from __future__ import annotations

import uuid

from django.contrib.auth.models import AbstractUser
from django.db import models


class Department(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    name = models.CharField(max_length=200, unique=True)
    faculty = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class User(AbstractUser):
    """A person who signs in. One role each: the least-privileged one unless an admin says more."""

    class Role(models.TextChoices):
        RESEARCHER = "researcher", "Researcher"
        CHAMPION = "champion", "Department champion"
        OFFICER = "officer", "Research-security officer"
        APPROVER = "approver", "Approver"
        AUDITOR = "auditor", "Auditor"
        ADMIN = "admin", "Administrator"
        SENIOR_OWNER = "senior_owner", "Senior responsible owner"

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    role = models.CharField(max_length=20, choices=Role.choices, default=Role.RESEARCHER)
    department = models.ForeignKey(
        Department, null=True, blank=True, on_delete=models.PROTECT, related_name="members"
    )
    # Single sign-on identity: the provider's issuer and its stable subject claim. A returning SSO
    # user is found by these two, never by e-mail, which providers let people change and reuse.
    sso_issuer = models.CharField(max_length=300, blank=True)
    sso_subject = models.CharField(max_length=255, blank=True)

    class Meta:
        ordering = ["username"]
        constraints = [
            models.UniqueConstraint(
                fields=["sso_issuer", "sso_subject"],
                condition=~models.Q(sso_subject=""),
                name="accounts_user_sso_identity_unique",
            ),
        ]

    def __str__(self) -> str:
        return self.get_full_name() or self.username
