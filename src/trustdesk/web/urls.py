"""URL configuration: each app's pages under its own prefix, the desk at the root."""

from __future__ import annotations

from typing import Any

from django.templatetags.static import static
from django.urls import URLPattern, URLResolver, include, path
from django.views.generic import RedirectView


class FaviconView(RedirectView):
    """Browsers ask for /favicon.ico whatever the page links; send them to the site's icon."""

    permanent = True

    def get_redirect_url(self, *args: Any, **kwargs: Any) -> str:
        return static("trustdesk/favicon.svg")


urlpatterns: list[URLPattern | URLResolver] = [
    # The desk: every role's home page is its work.
    path("", include("trustdesk.web.desk.urls")),
    path("favicon.ico", FaviconView.as_view(), name="favicon"),
    path("accounts/", include("trustdesk.web.accounts.urls")),
    path("lists/", include("trustdesk.web.lists.urls")),
    path("monitoring/", include("trustdesk.web.watch.urls")),
    path("jobs/", include("trustdesk.web.jobs.urls")),
    path("audit/", include("trustdesk.web.core.urls")),
    path("engagements/", include("trustdesk.web.cases.urls")),
    path("engagements/<uuid:public_id>/assessment/", include("trustdesk.web.assessments.urls")),
    path("engagements/", include("trustdesk.web.mitigations.urls")),
    path("engagements/", include("trustdesk.web.documents.urls")),
    path("engagements/", include("trustdesk.web.decisions.urls")),
    path("partners/", include("trustdesk.web.partners.urls")),
    path("triage/", include("trustdesk.web.triage.urls")),
    path("notifications/", include("trustdesk.web.notify.urls")),
    path("policy/versions/", include("trustdesk.web.packs.urls")),
    path("policy/", include("trustdesk.web.reference.urls")),
    path("guidance/", include("trustdesk.web.hub.urls")),
    path("self-assessment/", include("trustdesk.web.selfassess.urls")),
    path("leadership/", include("trustdesk.web.leadership.urls")),
    path("api/", include("trustdesk.web.api.urls")),
    # /healthz, /readyz and /metrics, where load balancers and Prometheus look.
    path("", include("trustdesk.web.monitoring.urls")),
]

handler403 = "trustdesk.web.accounts.views.forbidden"
