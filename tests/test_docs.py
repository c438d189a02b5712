"""The documentation names every list source and download address the code uses."""

from pathlib import Path

import pytest

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
