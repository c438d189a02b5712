"""The Dockerfile and compose.yaml are consistent with the code (docker cannot run here).

Each reference they make is checked against the repository: files copied, the extra installed,
the commands run, the WSGI application, the variables set, the volumes and secrets used.
"""

from __future__ import annotations

import importlib
import re
import shlex
import tomllib
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.test_configuration_doc import documented
from trustdesk.cli import main

ROOT = Path(__file__).resolve().parents[1]


def _compose() -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load((ROOT / "compose.yaml").read_text(encoding="utf-8"))
    return data


def _dockerfile() -> list[str]:
    """Instructions, continuation lines joined, comments dropped."""
    text = (ROOT / "Dockerfile").read_text(encoding="utf-8")
    text = re.sub(r"\\\n\s*", " ", text)
    return [line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#")]


def _is_documented(name: str) -> bool:
    names = documented()
    return name in names or (name.endswith("_FILE") and name.removesuffix("_FILE") in names)


def _assert_trustdesk_command(argv: list[str]) -> None:
    """`trustdesk SUB …` names a subcommand of the CLI."""
    assert argv[0] == "trustdesk", argv
    assert argv[1] in main.commands, f"`trustdesk {argv[1]}` is not a trustdesk command"


SERVICES = ["db", "redis", "migrate", "web", "worker", "scheduler"]


def test_compose_runs_the_database_queue_web_workers_and_scheduler() -> None:
    services = _compose()["services"]

    assert sorted(services) == sorted(SERVICES)
    assert services["db"]["image"].startswith("postgres:")
    assert services["redis"]["image"].startswith("redis:")
    assert services["worker"]["command"] == ["trustdesk", "worker"]
    assert services["scheduler"]["command"] == ["trustdesk", "scheduler"]
    assert services["migrate"]["command"] == ["trustdesk", "migrate"]


@pytest.mark.parametrize("name", SERVICES)
def test_each_service_has_an_image_and_a_healthcheck(name: str) -> None:
    service = _compose()["services"][name]

    assert service.get("image") or service.get("build")
    if service.get("restart") == "no":  # a one-shot job: its exit status is its health
        assert service["healthcheck"] == {"disable": True}
    else:
        assert service["healthcheck"]["test"][0] in {"CMD", "CMD-SHELL"}
        assert service["healthcheck"]["interval"]
    if "command" in service and service["command"][0] == "trustdesk":
        _assert_trustdesk_command(service["command"])


def test_trustdesk_services_build_this_repository_and_wait_for_their_dependencies() -> None:
    services = _compose()["services"]
    for name in ["migrate", "web", "worker", "scheduler"]:
        service = services[name]
        assert service["build"] == "."
        assert service["depends_on"]["db"]["condition"] == "service_healthy"
        assert service["depends_on"]["redis"]["condition"] == "service_healthy"
        if name != "migrate":
            assert service["depends_on"]["migrate"]["condition"] == (
                "service_completed_successfully"
            )


def test_every_variable_compose_sets_is_in_the_configuration_reference() -> None:
    services = _compose()["services"]
    used = {
        key
        for service in services.values()
        for key in (service.get("environment") or {})
        if key.startswith("TRUSTDESK_")
    }

    assert {"TRUSTDESK_DATABASE_URL_FILE", "TRUSTDESK_REDIS_URL", "TRUSTDESK_BEHIND_PROXY"} <= used
    assert sorted(n for n in used if not _is_documented(n)) == []


def test_volumes_and_secrets_used_are_declared() -> None:
    compose = _compose()
    for service in compose["services"].values():
        for volume in service.get("volumes", []):
            source = volume.split(":", 1)[0]
            assert source in compose["volumes"], source
        for secret in service.get("secrets", []):
            assert secret in compose["secrets"], secret
    home = compose["services"]["web"]["environment"]["TRUSTDESK_HOME"]
    assert f"trustdesk-home:{home}" in compose["services"]["worker"]["volumes"]


def test_dockerfile_is_multi_stage_on_python_slim_and_runs_as_a_user() -> None:
    lines = _dockerfile()
    froms = [line for line in lines if line.startswith("FROM ")]
    user = [line for line in lines if line.startswith("USER ")]

    assert froms == ["FROM python:3.11-slim AS build", "FROM python:3.11-slim"]
    assert len(user) == 1
    assert user[0] not in {"USER root", "USER 0"}
    assert lines.index(user[0]) < next(i for i, line in enumerate(lines) if line.startswith("CMD"))


def test_dockerfile_copies_existing_paths_and_installs_the_production_extra() -> None:
    lines = _dockerfile()
    extras = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"][
        "optional-dependencies"
    ]

    for line in lines:
        if line.startswith("COPY ") and "--from=" not in line:
            for source in shlex.split(line)[1:-1]:
                assert (ROOT / source).exists(), source
    install = next(line for line in lines if "pip install" in line)
    assert "'.[production]'" in install
    assert any(dep.startswith("gunicorn") for dep in extras["production"])


def test_dockerfile_collects_static_files_and_starts_gunicorn_with_trustdesks_config() -> None:
    lines = _dockerfile()
    collect = next(line for line in lines if "collectstatic" in line)
    cmd: list[str] = yaml.safe_load(next(line for line in lines if line.startswith("CMD "))[4:])

    assert collect.endswith("trustdesk collectstatic")
    # trustdesk writes owner-only files: collected as root, the server could not read them
    assert lines.index(collect) > lines.index(next(x for x in lines if x.startswith("USER ")))
    _assert_trustdesk_command(["trustdesk", "collectstatic"])
    assert cmd[0] == "gunicorn"
    # trustdesk's config logs each request once, with its request id; gunicorn's would repeat it
    assert cmd[cmd.index("-c") + 1] == "python:trustdesk.web.gunicorn_conf"
    assert "--access-logfile" not in cmd
    importlib.import_module("trustdesk.web.gunicorn_conf")
    module, _, attribute = cmd[-1].partition(":")
    assert module == "trustdesk.web.wsgi"
    assert attribute == "application"
    assert (ROOT / "src" / "trustdesk" / "web" / "wsgi.py").is_file()
    env_names = set(re.findall(r"\b(TRUSTDESK_[A-Z0-9_]+)=", "\n".join(lines)))
    assert sorted(n for n in env_names if not _is_documented(n)) == []


def test_the_wsgi_application_the_image_runs_exists() -> None:
    module = importlib.import_module("trustdesk.web.wsgi")

    assert callable(module.application)
