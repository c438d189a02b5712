"""Suite-wide options: the second database pass runs only what can differ on its database.

`scripts/test` runs the suite on SQLite, then again on PostgreSQL with `--database-tests-only`.
A test that never opens the test database (the screening and policy engines, documents, scripts)
runs the same code on either pass, so the second pass leaves it out and says how many it left.
A test that reads the database's settings without opening it is marked `per_database`.
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
    """Whether `item` opens the test database or reads its settings."""
    if item.get_closest_marker("django_db") or item.get_closest_marker("per_database"):
        return True
    return bool(DATABASE_FIXTURES & set(getattr(item, "fixturenames", ())))


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if not config.getoption("--database-tests-only"):
        return
    kept = [item for item in items if uses_database(item)]
    left = [item for item in items if not uses_database(item)]
    if left:
        config.hook.pytest_deselected(items=left)
        items[:] = kept


def pytest_report_header(config: pytest.Config) -> str | None:
    if config.getoption("--database-tests-only"):
        return "database tests only: tests that never use the test database ran on the first pass"
    return None
