"""Suite-wide options: the second database pass runs only what can differ on its database.

`scripts/test` runs the suite on SQLite, then again on PostgreSQL with `--database-tests-only`.
The second pass leaves out (and counts as deselected):
- a test that never opens the test database (the screening and policy engines, documents,
  scripts): it runs the same code on either pass. One that reads the database's settings
  without opening it is marked `per_database` and kept;
- a browser test marked `presentation`: it checks what a page looks like to its reader (axe,
  layout at phone width, the content-security policy), which the database under the page
  cannot change. Browser tests of what a page does (a case from triage to decision, an upload,
  a search as it is typed) run on both.
"""

from __future__ import annotations

import pytest

# Any of these in a test's fixture closure gives it the test database. (Not `django_db_blocker`:
# pytest-django's own autouse fixtures put it in every closure.)
DATABASE_FIXTURES = frozenset({"db", "transactional_db", "django_db_setup", "live_server"})


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--database-tests-only",
        action="store_true",
        default=False,
        help="leave out tests that never use the test database (they ran on the first pass)",
    )


def uses_database(item: pytest.Item) -> bool:
    """Whether what `item` checks can depend on the database under it."""
    if item.get_closest_marker("presentation"):
        return False
    if item.get_closest_marker("django_db") or item.get_closest_marker("per_database"):
        return True
    return bool(DATABASE_FIXTURES & set(getattr(item, "fixturenames", ())))


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if not config.getoption("--database-tests-only"):
        return
    kept, left = [], []
    for item in items:
        (kept if uses_database(item) else left).append(item)
    if left:
        config.hook.pytest_deselected(items=left)
        items[:] = kept


def pytest_report_header(config: pytest.Config) -> str | None:
    if config.getoption("--database-tests-only"):
        return (
            "database tests only: tests that never use the test database, and browser tests "
            "of presentation, ran on the first pass"
        )
    return None
