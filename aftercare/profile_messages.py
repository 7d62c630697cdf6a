"""Messages about a clinic profile, for clinic staff: where (`FILE:LINE:COL: field.path`) and what
was found, quoted but bounded (a profile may hold huge values), and what the TOML meant."""

from __future__ import annotations

import re
from collections.abc import Sequence

from aftercare.i18n import _
from aftercare.protocols import Problem, _type, quoted
from aftercare.toml_positions import scan_positions


def field_path(path: Sequence[str | int]) -> str:
    """`procedures.mesotherapy.own_rules[0].title`; odd keys are quoted like TOML would."""
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            text = part if re.fullmatch(r"[A-Za-z0-9_-]+", part) else _quoted(part)
            out += f".{text}" if out else text
    return out


def _quoted(text: str) -> str:
    import json

    return json.dumps(text[:60] + ("…" if len(text) > 60 else ""))


def format_problem(problem: Problem, file: str | None = None) -> str:
    """One line: `FILE:LINE:COL: field.path: message` (parts that are unknown are left out)."""
    head = []
    if file:
        head.append(file)
    if problem.line is not None:
        head.append(str(problem.line))
        if problem.column is not None:
            head.append(str(problem.column))
    where = ":".join(head)
    text = f"{field_path(problem.path)}: {problem.message}" if problem.path else problem.message
    return f"{where}: {text}" if where else text


def shown(value: object) -> str:
    """A found value, quoted but bounded (a profile may hold huge values): protocols.quoted, but a
    list named by its type ("an array")."""
    return _type(value) if isinstance(value, list) else str(quoted(value))


def as_written(value: object) -> str | None:
    """The TOML a clinic meant when it quoted a number or true/false ("3" -> 3), else None.

    `sessions = "3"` is a text to TOML; "found '3', expected a number" leaves a reader puzzled, so
    the message says that the quotes are the problem."""
    if not isinstance(value, str):
        return None
    bare = value.strip()
    if re.fullmatch(r"[0-9]{1,6}", bare) or bare in ("true", "false"):
        return bare
    return None


def found(value: object) -> str:
    """'found 0' / 'found the text '3'; write 3 without quotes' — the start of a message."""
    bare = as_written(value)
    if bare is not None:
        return _("found the text {value}; write {bare} without quotes").format(value=shown(value),
                                                                             bare=bare)
    return _("found {value}").format(value=shown(value))


def locate(problems: list[Problem], text: str) -> None:
    """Give each problem the line and column of the deepest part of its path found in the text."""
    positions = scan_positions(text)
    for i, p in enumerate(problems):
        if p.line is not None:
            continue
        path = p.path
        while path and path not in positions:
            path = path[:-1]
        line, column = positions.get(path, (1, 1))
        problems[i] = p._replace(line=line, column=column)
    problems.sort(key=lambda p: (p.line or 0, p.column or 0))  # in file order, for the reader
