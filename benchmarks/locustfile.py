"""Locust users for `benchmarks/load_web.py`: demo users who sign in and walk the main pages.

Run by `load_web.py` (which starts the server and says where the sign-ins are); on its own:

    TRUSTDESK_LOAD_USERS=users.json locust -f benchmarks/locustfile.py --host http://127.0.0.1:8000

`users.json` is a list of {"username", "password", "token"?}: the demo's sign-ins (`trustdesk demo
--json`), with an API token where the API exists. Each simulated user signs in once through the
real form (GET for the CSRF token, then POST), reads the navigation to learn what its role may
see, and then browses: lists of engagements and organisations, their detail pages (ids taken from
the lists it was shown), an organisation search, the watch lists and, with a token, the JSON API.
Requests are named by route ("/engagements/[id]/") so each line of the figures is one endpoint.

The measured minute starts when the last user has signed in, and the run stops itself
TRUSTDESK_LOAD_SECONDS later, so the figures are for that many signed-in users browsing at
once; the sign-ins before it are timed too, apart. Every request's start, name, time and
outcome is written to TRUSTDESK_LOAD_SAMPLES (JSON) when the run stops, for exact percentiles.

Nothing here imports trustdesk: Locust runs in a virtualenv of its own.
"""

from __future__ import annotations

import itertools
import json
import os
import random
import re
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from locust import HttpUser, between, events, task
from locust.env import Environment
from locust.exception import StopUser

USERS: list[dict[str, Any]] = json.loads(
    Path(os.environ["TRUSTDESK_LOAD_USERS"]).read_text(encoding="utf-8")
)
_NEXT = itertools.count()
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
ENGAGEMENT = re.compile(r'href="/engagements/([0-9a-f-]{36})/"')
ORGANISATION = re.compile(r'href="/partners/organisations/([0-9a-f-]{36})/"')
SEARCHES = ("Beihang", "university", "北京航空航天大学", "institute", "Wessex", "harbin")
SECONDS = float(os.environ.get("TRUSTDESK_LOAD_SECONDS", "60"))
SAMPLES = os.environ.get("TRUSTDESK_LOAD_SAMPLES")


@dataclass
class Run:
    """What the whole run shares: the raw samples and when the measured window began."""

    environment: Environment | None = None
    samples: list[tuple[float, str, str, float, str]] = field(default_factory=list)
    signed_in: int = 0
    window_start: float | None = None
    window_end: float | None = None


RUN = Run()


def _keep_environment(environment: Environment, **_: Any) -> None:
    RUN.environment = environment


def _record(
    request_type: str,
    name: str,
    response_time: float,
    exception: BaseException | None = None,
    start_time: float | None = None,
    **_: Any,
) -> None:
    error = "" if exception is None else str(exception)[:200]
    RUN.samples.append((start_time or 0.0, request_type, name, response_time, error))


def _signed_in() -> None:
    """Count a user in; when all are, start the measured window and schedule the stop."""
    RUN.signed_in += 1
    environment = RUN.environment
    if environment is None or environment.parsed_options is None:
        return
    if RUN.signed_in == environment.parsed_options.num_users and RUN.window_start is None:
        RUN.window_start = time.time()

        def stop() -> None:
            RUN.window_end = time.time()
            if environment.runner is not None:
                environment.runner.quit()

        # Locust has gevent patch threading: this timer is a greenlet beside the users.
        threading.Timer(SECONDS, stop).start()


def _write_samples(**_: Any) -> None:
    if SAMPLES:
        data = {
            "signed_in": RUN.signed_in,
            "window_start": RUN.window_start,
            "window_end": RUN.window_end,
            "samples": RUN.samples,
        }
        Path(SAMPLES).write_text(json.dumps(data), encoding="utf-8")


events.init.add_listener(_keep_environment)
events.request.add_listener(_record)
events.quitting.add_listener(_write_samples)


def _pick(items: list[str]) -> str:
    return random.choice(items)  # noqa: S311  # spreading reads over records, not security


class DemoUser(HttpUser):
    # Think time between page views: a person reading a page, not a script hammering one URL.
    wait_time = between(1, 3)

    def on_start(self) -> None:
        account = USERS[next(_NEXT) % len(USERS)]
        self.username: str = account["username"]
        self.token: str | None = account.get("token")
        self.engagements: list[str] = []
        self.organisations: list[str] = []
        self.sees_lists = False
        self._sign_in(account["password"])

    def _sign_in(self, password: str) -> None:
        form = self.client.get("/accounts/login/", name="/accounts/login/ [GET]")
        found = CSRF.search(form.text)
        if found is None:
            raise StopUser("no CSRF token on the sign-in page")
        data = {
            "username": self.username,
            "password": password,
            "csrfmiddlewaretoken": found.group(1),
            "next": "/accounts/me/",
        }
        with self.client.post(
            "/accounts/login/",
            data=data,
            name="/accounts/login/ [POST]",
            allow_redirects=False,
            catch_response=True,
        ) as response:
            if response.status_code != 302 or "/accounts/login/" in response.headers.get(
                "Location", ""
            ):
                response.failure(f"sign-in of {self.username} refused ({response.status_code})")
                raise StopUser
            response.success()
        account = self._page("/accounts/me/", "/accounts/me/")
        self.sees_lists = 'href="/lists/"' in account
        _signed_in()

    def _page(self, path: str, name: str) -> str:
        """GET a page; anything but a 200 that is still signed in counts as an error."""
        with self.client.get(path, name=name, catch_response=True) as response:
            if response.status_code != 200:
                response.failure(f"HTTP {response.status_code}")
            elif "/accounts/login/" in response.url:
                response.failure("signed out: sent to the sign-in page")
            else:
                response.success()
            return response.text or ""

    def _api(self, path: str, name: str) -> Any:
        headers = {"Authorization": f"Bearer {self.token}", "Accept": "application/json"}
        with self.client.get(path, name=name, headers=headers, catch_response=True) as response:
            if response.status_code != 200:
                response.failure(f"HTTP {response.status_code}")
                return None
            response.success()
            return response.json()

    @task(3)
    def engagement_list(self) -> None:
        html = self._page("/engagements/", "/engagements/")
        self.engagements = ENGAGEMENT.findall(html) or self.engagements

    @task(4)
    def engagement_detail(self) -> None:
        if not self.engagements:
            self.engagement_list()
        if self.engagements:
            self._page(f"/engagements/{_pick(self.engagements)}/", "/engagements/[id]/")

    @task(2)
    def organisation_list(self) -> None:
        html = self._page("/partners/organisations/", "/partners/organisations/")
        self.organisations = ORGANISATION.findall(html) or self.organisations

    @task(1)
    def organisation_search(self) -> None:
        self._page(
            f"/partners/organisations/?q={_pick(list(SEARCHES))}", "/partners/organisations/?q="
        )

    @task(3)
    def organisation_detail(self) -> None:
        if not self.organisations:
            self.organisation_list()
        if self.organisations:
            self._page(
                f"/partners/organisations/{_pick(self.organisations)}/",
                "/partners/organisations/[id]/",
            )

    @task(1)
    def watch_lists(self) -> None:
        if self.sees_lists:  # researchers and champions have no watch-list pages
            self._page("/lists/", "/lists/")

    @task(2)
    def api_engagements(self) -> None:
        if self.token is None:
            return
        page = self._api("/api/engagements", "/api/engagements")
        items = page.get("items", []) if isinstance(page, dict) else []
        if items:
            item = _pick([str(i["id"]) for i in items if "id" in i] or [""])
            if item:
                self._api(f"/api/engagements/{item}", "/api/engagements/[id]")

    @task(2)
    def api_organisations(self) -> None:
        if self.token is None:
            return
        page = self._api("/api/organisations", "/api/organisations")
        items = page.get("items", []) if isinstance(page, dict) else []
        if items:
            item = _pick([str(i["id"]) for i in items if "id" in i] or [""])
            if item:
                self._api(f"/api/organisations/{item}", "/api/organisations/[id]")
