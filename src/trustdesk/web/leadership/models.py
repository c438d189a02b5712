"""A governing-body report asked for a period: who asked, its run, and the files it produced."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse


class BoardReport(models.Model):
    """One generation of the report; the files are kept so the governing body's copy stays put.

    The PDF and CSV live in the database rather than on a disk: any web process serves the
    download that any worker produced, with no shared file system between them.
    """

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    period_start = models.DateField()
    period_end = models.DateField()
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField(auto_now_add=True)
    run = models.ForeignKey(
        "jobs.TaskRun", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    pdf = models.BinaryField(null=True, blank=True, editable=False)
    csv = models.TextField(blank=True, editable=False)
    # The headline figures as printed (decisions, engagements by tier …): what a reader checks
    # against the dashboard without opening the PDF.
    figures = models.JSONField(default=dict, blank=True)
    generated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-requested_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(period_end__gte=F("period_start")),
                name="leadership_report_period_ordered",
            ),
        ]

    def __str__(self) -> str:
        return f"Board report {self.period_start} to {self.period_end}"

    def get_absolute_url(self) -> str:
        return reverse("leadership:report-detail", kwargs={"public_id": self.public_id})

    @property
    def ready(self) -> bool:
        return self.generated_at is not None
