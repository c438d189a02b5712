"""Production serves static files hashed, compressed and cached for good (DEBUG off)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from django.test import Client, override_settings

from trustdesk.cli import main
from trustdesk.web.conf import static as static_conf

pytestmark = pytest.mark.django_db


@pytest.fixture
def production_static(tmp_path: Path) -> Iterator[Path]:
    """Production's static settings, with STATIC_ROOT in a temporary directory."""
    root = tmp_path / "static"
    with override_settings(
        DEBUG=False,
        STATIC_ROOT=root,
        STORAGES=static_conf.storages(collected=True),
        WHITENOISE_USE_FINDERS=False,
        WHITENOISE_AUTOREFRESH=False,
        WHITENOISE_MAX_AGE=static_conf.MAX_AGE,
    ):
        yield root


def test_collectstatic_writes_hashed_and_compressed_files(production_static: Path) -> None:
    result = CliRunner().invoke(main, ["collectstatic"])

    assert result.exit_code == 0, result.output
    assert f"Static files in {production_static}, hashed and compressed." in result.output
    hashed = list((production_static / "trustdesk").glob("site.*.css"))
    assert [p.name for p in hashed if re.fullmatch(r"site\.[0-9a-f]{12}\.css", p.name)]
    assert (production_static / "staticfiles.json").is_file()


def test_a_page_links_its_stylesheet_by_hashed_name_served_for_a_year(
    production_static: Path,
) -> None:
    CliRunner().invoke(main, ["collectstatic"], catch_exceptions=False)
    client = Client()  # a new client builds WhiteNoise's file table from the collected root

    page = client.get("/accounts/login/")
    link = re.search(
        r'<link rel="stylesheet" href="(/static/trustdesk/site\.[0-9a-f]{12}\.css)"',
        page.content.decode(),
    )
    assert link, page.content.decode()[:500]
    plain = client.get(link[1])
    compressed = client.get(link[1], HTTP_ACCEPT_ENCODING="gzip")

    assert plain.status_code == 200
    assert plain["Cache-Control"] == "max-age=315360000, public, immutable"
    assert compressed.status_code == 200
    assert compressed["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in compressed["Vary"]


def test_a_file_without_a_hash_is_cached_for_the_configured_time(
    production_static: Path,
) -> None:
    CliRunner().invoke(main, ["collectstatic"], catch_exceptions=False)

    response = Client().get("/static/trustdesk/site.css")

    assert response.status_code == 200
    assert response["Cache-Control"] == f"max-age={static_conf.MAX_AGE}, public"


def test_uncollected_files_are_missing_in_production(production_static: Path) -> None:
    """Why `trustdesk serve` collects and the container collects at build: otherwise 404."""
    production_static.mkdir()

    response = Client().get("/static/trustdesk/site.css")

    assert response.status_code == 404
