"""The engagement tests' cast (Olga officer, Alan approver, Aude auditor, Ada admin, Rita …)."""

from tests.web.cases.conftest import Cast, cast

__all__ = ["Cast", "cast"]
