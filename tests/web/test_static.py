"""Production serves static files hashed, compressed and cached for good (DEBUG off)."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from click.testing import CliRunner
from django.db import connection
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


def _production_process(home: Path, code: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("TRUSTDESK_")}
    clean.pop("DJANGO_SETTINGS_MODULE", None)
    env = {
        **clean,
        "TRUSTDESK_HOME": str(home),
        "TRUSTDESK_DATABASE_URL": "postgres://x@127.0.0.1:9/x",  # selects production; unused
        "TRUSTDESK_SECRET_KEY": "s" * 50,
    }
    return subprocess.run(  # noqa: S603  # this interpreter, a fixed script
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=False
    )


def test_a_web_process_refuses_to_start_before_collectstatic(tmp_path: Path) -> None:
    """Without the manifest every page would be a 500; gunicorn's import says why instead."""
    started = _production_process(tmp_path, "import trustdesk.web.wsgi")

    assert started.returncode == 1
    assert started.stderr.strip().splitlines()[-1] == (
        "django.core.exceptions.ImproperlyConfigured: static files are not collected in "
        f"{tmp_path.resolve() / 'static'}: run `trustdesk collectstatic` once per release, "
        "before the web processes start (docs/deployment.md#static-files)"
    )


def test_after_collectstatic_the_web_process_starts(tmp_path: Path) -> None:
    collected = _production_process(
        tmp_path, "from trustdesk.cli import main; main(['collectstatic'])"
    )
    started = _production_process(tmp_path, "import trustdesk.web.wsgi")

    assert "hashed and compressed" in collected.stdout, collected.stderr
    assert started.returncode == 0, started.stderr


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)  # the server, another process, writes to the database
def test_serve_collects_before_listening_outside_the_embedded_default(tmp_path: Path) -> None:
    """`trustdesk serve` on a production configuration serves hashed files with no other step."""
    db = connection.settings_dict
    if connection.vendor != "postgresql":
        pytest.skip("production runs on PostgreSQL; this suite's database is SQLite")
    port = _free_port()
    clean = {k: v for k, v in os.environ.items() if not k.startswith("TRUSTDESK_")}
    clean.pop("DJANGO_SETTINGS_MODULE", None)
    host, db_port = db["HOST"] or "127.0.0.1", db["PORT"] or 5432
    env = {
        **clean,
        "TRUSTDESK_HOME": str(tmp_path),
        "TRUSTDESK_DATABASE_URL": f"postgres://{db['USER']}@{host}:{db_port}/{db['NAME']}",
        "TRUSTDESK_SECRET_KEY": "s" * 50,
        "TRUSTDESK_HTTPS": "false",
        "TRUSTDESK_SERVE_RUNS_SCHEDULE": "false",  # no list download from this test
    }
    command = [sys.executable, "-m", "trustdesk.cli"]
    server = subprocess.Popen(  # noqa: S603  # this interpreter, the project's own command
        [*command, "serve", "--port", str(port), "--no-demo"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    try:
        page = _get_when_up(f"http://127.0.0.1:{port}/accounts/login/", server)
        link = re.search(r'href="(/static/trustdesk/site\.[0-9a-f]{12}\.css)"', page.text)
        assert link, page.text[:500]
        stylesheet = httpx.get(f"http://127.0.0.1:{port}{link[1]}")
    finally:
        server.terminate()
        _, stderr = server.communicate(timeout=10)

    assert stylesheet.status_code == 200
    assert stylesheet.headers["cache-control"] == "max-age=315360000, public, immutable"
    assert "hashed and compressed" in stderr.decode()


def _get_when_up(url: str, server: subprocess.Popen[bytes]) -> httpx.Response:
    deadline = time.monotonic() + 60
    while True:
        try:
            return httpx.get(url)
        except httpx.TransportError:
            if server.poll() is not None:
                pytest.fail(f"the server stopped: {server.communicate()[1].decode()[-3000:]}")
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)
