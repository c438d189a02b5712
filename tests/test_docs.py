"""The documentation names every list source and download address the code uses, and its
examples work as written."""

import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from trustdesk.cli import main
from trustdesk.web.lists.sources import SOURCES

ROOT = Path(__file__).resolve().parents[1]
LISTS_DOC = (ROOT / "docs" / "lists.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("key", sorted(SOURCES))
def test_lists_doc_describes_every_source_and_url(key: str) -> None:
    info = SOURCES[key]

    assert f"## `{key}`" in LISTS_DOC
    for download in info.downloads:
        assert download.url in LISTS_DOC


def test_readme_gives_the_two_commands_and_ci_runs_the_test_one() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")

    assert "```sh\n./scripts/run\n```" in readme
    assert "```sh\n./scripts/test\n```" in readme
    assert "exec ./scripts/test\n" in ci


EXAMPLE_ANSWERS = "docs/examples/triage-answers.yaml"


@pytest.mark.django_db  # the command reads stored travel advice where a database exists
def test_the_example_answers_file_triages_under_gb_base_and_the_docs_link_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.chdir(ROOT)  # the path as the docs give it, from the checkout

    result = CliRunner().invoke(main, ["triage", "--pack", "gb-base", EXAMPLE_ANSWERS])

    assert result.exit_code == 0, result.output
    assert re.search(r"^Due-diligence tier: ", result.output, re.MULTILINE)
    assert "Processes that apply:" in result.output
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    packs_doc = (ROOT / "docs" / "policy-packs.md").read_text(encoding="utf-8")
    assert f"]({EXAMPLE_ANSWERS})" in readme
    assert "](examples/triage-answers.yaml)" in packs_doc
    assert f"trustdesk triage --pack gb-base {EXAMPLE_ANSWERS}" in packs_doc
