"""A GOV.UK Content API for travel advice, as JSON shaped like the real one, on a local server.

The index lists each country under ``links.children`` (``base_path``, ``title``,
``details.country``); each country item carries ``details.alert_status`` and its update times.
Tests change a country's codes with :meth:`FakeFCDO.set` and break single items with routes of
their own.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from tests.web.lists.httpserver import LocalHTTPServer, body

WHOLE_ALL = "avoid_all_travel_to_whole_country"
WHOLE_ESSENTIAL = "avoid_all_but_essential_travel_to_whole_country"
PARTS_ALL = "avoid_all_travel_to_parts"
PARTS_ESSENTIAL = "avoid_all_but_essential_travel_to_parts"

#: slug -> (FCDO name, alert codes, public_updated_at); real slugs, names and shapes.
COUNTRIES: dict[str, tuple[str, list[str], str]] = {
    "russia": ("Russia", [WHOLE_ALL], "2026-10-30T16:02:11.000+00:00"),
    "cuba": ("Cuba", [WHOLE_ESSENTIAL], "2026-11-12T09:40:00.000+00:00"),
    "israel": ("Israel", [PARTS_ALL, PARTS_ESSENTIAL], "2026-11-18T11:15:43.000+00:00"),
    "thailand": ("Thailand", [PARTS_ESSENTIAL], "2026-09-02T08:01:37.000+01:00"),
    "france": ("France", [], "2026-08-14T13:26:05.000+01:00"),
    "kosovo": ("Kosovo", [], "2026-07-29T10:00:00.000+01:00"),
}


@dataclass
class FakeFCDO:
    """The index and the country items of ``countries``, served by ``server`` under /api/content."""

    server: LocalHTTPServer
    countries: dict[str, tuple[str, list[str], str]] = field(
        default_factory=lambda: dict(COUNTRIES)
    )

    def __post_init__(self) -> None:
        self.publish()

    @property
    def base_url(self) -> str:
        return self.server.url("/api/content")

    def publish(self) -> None:
        """(Re)serve the index and every country item from ``countries``."""
        self.server.route("/api/content/foreign-travel-advice", body(self._index(), **_JSON))
        for slug in self.countries:
            self.server.route(self.path(slug), body(self._item(slug), **_JSON))

    def set(
        self, slug: str, alerts: list[str], updated: str = "2026-11-21T12:00:00.000+00:00"
    ) -> None:
        name = self.countries[slug][0] if slug in self.countries else slug.title()
        self.countries[slug] = (name, alerts, updated)
        self.publish()

    def path(self, slug: str) -> str:
        return f"/api/content/foreign-travel-advice/{slug}"

    def _index(self) -> bytes:
        children = [
            {
                "api_path": f"/api/content/foreign-travel-advice/{slug}",
                "base_path": f"/foreign-travel-advice/{slug}",
                "content_id": f"00000000-0000-0000-0000-{n:012d}",
                "document_type": "travel_advice",
                "locale": "en",
                "public_updated_at": updated,
                "schema_name": "travel_advice",
                "title": f"{name} travel advice",
                "web_url": f"https://www.gov.uk/foreign-travel-advice/{slug}",
                "details": {"country": {"name": name, "slug": slug, "synonyms": []}},
            }
            for n, (slug, (name, _, updated)) in enumerate(sorted(self.countries.items()))
        ]
        return json.dumps(
            {
                "base_path": "/foreign-travel-advice",
                "document_type": "travel_advice_index",
                "schema_name": "travel_advice_index",
                "title": "Foreign travel advice",
                "locale": "en",
                "details": {"email_signup_link": "/foreign-travel-advice/email-signup"},
                "links": {"children": children},
            }
        ).encode()

    def _item(self, slug: str) -> bytes:
        name, alerts, updated = self.countries[slug]
        return json.dumps(
            {
                "base_path": f"/foreign-travel-advice/{slug}",
                "document_type": "travel_advice",
                "schema_name": "travel_advice",
                "title": f"{name} travel advice",
                "locale": "en",
                "first_published_at": "2012-10-11T09:55:21.000+01:00",
                "public_updated_at": updated,
                "updated_at": updated.replace(".000", ".431"),
                "details": {
                    "alert_status": alerts,
                    "change_description": "Latest update: information on safety and security.",
                    "country": {"name": name, "slug": slug, "synonyms": []},
                    "email_signup_link": f"/foreign-travel-advice/{slug}/email-signup",
                    "parts": [
                        {
                            "slug": "warnings-and-insurance",
                            "title": "Warnings and insurance",
                            "body": f"<p>Advice for {name}.</p>",
                        }
                    ],
                    "reviewed_at": updated,
                },
            }
        ).encode()


_JSON = {"content_type": "application/json; charset=utf-8"}
