"""Reading a pack file into a :class:`~trustdesk.policy.models.Pack`, reporting every problem.

A pack author fixes a pack faster when one run lists all of its problems, each naming the file,
the place inside it and what is wrong; so nothing here stops at the first error.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import yaml
from pydantic import ValidationError

from trustdesk.policy.models import Pack

#: A pack is a few hundred kilobytes at most; anything far larger is a mistake or an attack.
MAX_PACK_BYTES = 2_000_000


@dataclass(frozen=True, order=True)
class PackError:
    """One problem in one pack file: ``file``, dotted ``path`` inside it, and the ``problem``."""

    file: str
    path: str
    problem: str

    def __str__(self) -> str:
        return f"{self.file}: {self.path or '(top)'}: {self.problem}"


class PackInvalid(Exception):
    """A pack cannot be used; ``errors`` holds every problem found, in file order."""

    def __init__(self, errors: Sequence[PackError]) -> None:
        self.errors = list(errors)
        lines = "\n".join(str(e) for e in self.errors)
        super().__init__(f"{len(self.errors)} problem(s):\n{lines}")


def read_yaml(path: Path, *, max_bytes: int = MAX_PACK_BYTES) -> object:
    """Parses a YAML file with the safe loader (no object construction), after a size check."""
    try:
        size = path.stat().st_size
        if size > max_bytes:
            raise PackInvalid(
                [PackError(str(path), "", f"file is {size} bytes; the limit is {max_bytes}")]
            )
        raw = path.read_bytes()
    except OSError as exc:
        raise PackInvalid(
            [PackError(str(path), "", f"cannot read the file: {exc.strerror}")]
        ) from exc
    return parse_yaml(raw, file=str(path), max_bytes=max_bytes)


# PyYAML's safe loader on LibYAML's C parser where the wheel has it (the same plain-data rules,
# about ten times faster: a pack of reference tables takes seconds to read in pure Python).
_SAFE_LOADER: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def parse_yaml(raw: bytes, *, file: str, max_bytes: int = MAX_PACK_BYTES) -> object:
    """Parses YAML bytes with the safe loader: plain data only, never Python objects."""
    if len(raw) > max_bytes:
        raise PackInvalid(
            [PackError(file, "", f"file is {len(raw)} bytes; the limit is {max_bytes}")]
        )
    try:
        return yaml.load(raw.decode("utf-8"), Loader=_SAFE_LOADER)  # noqa: S506 - a safe loader
    except UnicodeDecodeError as exc:
        raise PackInvalid([PackError(file, "", "file is not UTF-8 text")]) from exc
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark is not None else ""
        problem = getattr(exc, "problem", None) or str(exc)
        raise PackInvalid([PackError(file, where, f"not valid YAML: {problem}")]) from exc


def _is_union_tag(part: str) -> bool:
    return part[:1].isupper() or "[" in part or part in ("int", "float", "str", "bool", "list")


def _describe(loc: Iterable[int | str], data: object) -> str:
    """Turns a pydantic location into ``rules[2](nro-stra).when.any[0]``, naming items by id."""
    out = ""
    node: object = data
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
            node = node[part] if isinstance(node, list) and part < len(node) else None
            if isinstance(node, Mapping) and isinstance(node.get("id"), str):
                out += f"({node['id']})"
        else:
            in_file = isinstance(node, Mapping) and part in node
            if not in_file and _is_union_tag(part):
                continue  # a union member's tag (``int``, ``ThresholdRef``), not a key in the file
            out += f".{part}" if out else part
            node = node.get(part) if isinstance(node, Mapping) else None
    return out


def errors_from_validation(file: str, exc: ValidationError, data: object) -> list[PackError]:
    """Every pydantic error as a :class:`PackError`, deduplicated and in a stable order."""
    seen: dict[tuple[str, str], None] = {}
    for err in exc.errors(include_url=False):
        seen[(_describe(err["loc"], data), err["msg"])] = None
    return [PackError(file, path, msg) for path, msg in seen]


def parse_pack(data: object, *, file: str) -> Pack:
    """Validates already-parsed YAML into a pack; raises :class:`PackInvalid` with every problem."""
    if not isinstance(data, Mapping):
        raise PackInvalid([PackError(file, "", "a pack must be a mapping of keys to values")])
    if "lineage" in data:
        raise PackInvalid(
            [PackError(file, "lineage", "is set by the registry, not by a pack file")]
        )
    try:
        return Pack.model_validate(data)
    except ValidationError as exc:
        raise PackInvalid(errors_from_validation(file, exc, data)) from exc


def load_pack_file(path: Path) -> Pack:
    """Reads and shape-checks one pack file (cross-references are checked by ``validate``)."""
    return parse_pack(read_yaml(path), file=str(path))
