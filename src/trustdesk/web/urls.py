"""URL configuration: each app's pages under its own prefix; the home page until a dashboard."""

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
    # The account page is the one page every role has; the dashboards replace it here later.
    path("", RedirectView.as_view(pattern_name="accounts:account"), name="home"),
    path("favicon.ico", FaviconView.as_view(), name="favicon"),
    path("accounts/", include("trustdesk.web.accounts.urls")),
    path("lists/", include("trustdesk.web.lists.urls")),
    path("jobs/", include("trustdesk.web.jobs.urls")),
    path("audit/", include("trustdesk.web.core.urls")),
    path("engagements/", include("trustdesk.web.cases.urls")),
    path("partners/", include("trustdesk.web.partners.urls")),
    path("triage/", include("trustdesk.web.triage.urls")),
    path("notifications/", include("trustdesk.web.notify.urls")),
    path("policy/", include("trustdesk.web.reference.urls")),
    path("guidance/", include("trustdesk.web.hub.urls")),
    path("api/", include("trustdesk.web.api.urls")),
    # /healthz, /readyz and /metrics, where load balancers and Prometheus look.
    path("", include("trustdesk.web.monitoring.urls")),
]

handler403 = "trustdesk.web.accounts.views.forbidden"
