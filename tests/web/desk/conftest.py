"""The engagement tests' cast (Rita, Tom, Cara, Chad, Olga, Alan, Aude, Ada, Otto) and `advance`."""

from tests.web.cases.conftest import Cast, advance, cast, triage_answers

__all__ = ["Cast", "advance", "cast", "triage_answers"]
