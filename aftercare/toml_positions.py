"""Where each key of a TOML text is: (line, column) by key path.

tomllib parses without positions; clinic staff checking a profile need "line 12, column 5" next to
each problem, so this small scanner walks a text that tomllib already accepted.
"""

from __future__ import annotations

import bisect
import re
import tomllib

MAX_SCAN_DEPTH = 40  # stop descending (but still skip) beyond this: profiles are not that deep
_BARE_KEY_RE = re.compile(r"[A-Za-z0-9_-]*")
_SCALAR_RE = re.compile(r"[^,\]}\r\n#]*")


def scan_positions(text: str) -> dict[tuple[str | int, ...], tuple[int, int]]:
    """Map each key path (and array element) of a *valid* TOML text to its first (line, column).

    tomllib gives no positions, so this small scanner walks the text the way TOML nests it: table
    headers, arrays of tables (numbered as tomllib numbers them), dotted keys, inline tables and
    arrays. It only runs on text tomllib accepted, so it can be lenient about errors.
    """
    return _Scanner(text).run()


class _Scanner:
    def __init__(self, text: str) -> None:
        self.s = text
        self.n = len(text)
        self.i = 0
        self.starts = [0] + [m.end() for m in re.finditer("\n", text)]
        self.pos: dict[tuple[str | int, ...], tuple[int, int]] = {}
        self.aot: dict[tuple[str | int, ...], int] = {}

    def where(self, index: int) -> tuple[int, int]:
        line = bisect.bisect_right(self.starts, index)
        return line, index - self.starts[line - 1] + 1

    def mark(self, path: tuple[str | int, ...], index: int) -> None:
        if path not in self.pos:
            self.pos[path] = self.where(index)

    def run(self) -> dict[tuple[str | int, ...], tuple[int, int]]:
        table: tuple[str | int, ...] = ()
        while True:
            self.skip(newlines=True)
            if self.i >= self.n:
                return self.pos
            if self.s.startswith("[[", self.i):
                at = self.i
                self.i += 2
                keys = self.key()
                self.i = self.s.find("]]", self.i)
                self.i = self.n if self.i < 0 else self.i + 2
                parent = self.resolve(keys[:-1])
                name, name_at = keys[-1]
                full = (*parent, name)
                self.mark(full, name_at)
                index = self.aot.get(full, -1) + 1
                self.aot[full] = index
                table = (*full, index)
                self.mark(table, at)
            elif self.s[self.i] == "[":
                self.i += 1
                keys = self.key()
                self.i = self.s.find("]", self.i)
                self.i = self.n if self.i < 0 else self.i + 1
                table = self.resolve(keys)
            else:
                before = self.i
                self.keyval(table, 0)
                if self.i == before:  # never stall on text the grammar above does not expect
                    self.i += 1

    def resolve(self, keys: list[tuple[str, int]]) -> tuple[str | int, ...]:
        path: tuple[str | int, ...] = ()
        for name, at in keys:
            path = (*path, name)
            self.mark(path, at)
            if path in self.aot:
                path = (*path, self.aot[path])
        return path

    def skip(self, newlines: bool) -> None:
        s, n = self.s, self.n
        while self.i < n:
            ch = s[self.i]
            if ch in " \t" or (newlines and ch in "\r\n"):
                self.i += 1
            elif ch == "#":
                end = s.find("\n", self.i)
                self.i = n if end < 0 else (end + 1 if newlines else end)
            else:
                return

    def key(self) -> list[tuple[str, int]]:
        keys = []
        while True:
            self.skip(newlines=False)
            at = self.i
            if self.i < self.n and self.s[self.i] in "\"'":
                end = self.string_end()
                raw = self.s[at:end]
                try:
                    name = tomllib.loads(f"k = {raw}")["k"]
                except (tomllib.TOMLDecodeError, KeyError):
                    name = raw[1:-1]
                self.i = end
            else:
                m = _BARE_KEY_RE.match(self.s, self.i)
                name = m.group(0) if m else ""
                self.i = m.end() if m else self.i
            keys.append((name, at))
            self.skip(newlines=False)
            if self.i < self.n and self.s[self.i] == ".":
                self.i += 1
                continue
            return keys

    def keyval(self, table: tuple[str | int, ...], depth: int) -> None:
        keys = self.key()
        path = table
        for name, at in keys:
            path = (*path, name)
            self.mark(path, at)
        self.skip(newlines=False)
        if self.i < self.n and self.s[self.i] == "=":
            self.i += 1
        self.skip(newlines=False)
        self.value(path, depth)

    def string_end(self) -> int:
        """Index just past the string starting at self.i (any of TOML's four kinds)."""
        s, i = self.s, self.i
        quote = s[i]
        if s.startswith(quote * 3, i):
            j = i + 3
            while j < self.n:
                if quote == '"' and s[j] == "\\":
                    j += 2
                    continue
                if s.startswith(quote * 3, j):
                    k = j + 3
                    while k < self.n and s[k] == quote and k - j < 5:  # up to two quotes of content
                        k += 1
                    return k
                j += 1
            return self.n
        j = i + 1
        while j < self.n and s[j] != quote and s[j] != "\n":
            j += 2 if quote == '"' and s[j] == "\\" else 1
        return min(j + 1, self.n)

    def value(self, path: tuple[str | int, ...], depth: int) -> None:
        if self.i >= self.n:
            return
        ch = self.s[self.i]
        if ch in "\"'":
            self.i = self.string_end()
        elif ch in "[{" and depth >= MAX_SCAN_DEPTH:
            self.skip_nested()
        elif ch == "[":
            self.i += 1
            index = 0
            while True:
                self.skip(newlines=True)
                if self.i >= self.n:
                    return
                if self.s[self.i] == "]":
                    self.i += 1
                    return
                before = self.i
                self.mark((*path, index), self.i)
                self.value((*path, index), depth + 1)
                index += 1
                self.skip(newlines=True)
                if self.i < self.n and self.s[self.i] == ",":
                    self.i += 1
                elif self.i == before:
                    self.i += 1
        elif ch == "{":
            self.i += 1
            while True:
                self.skip(newlines=True)
                if self.i >= self.n:
                    return
                if self.s[self.i] == "}":
                    self.i += 1
                    return
                if self.s[self.i] == ",":
                    self.i += 1
                    continue
                before = self.i
                self.keyval(path, depth + 1)
                if self.i == before:
                    self.i += 1
        else:
            m = _SCALAR_RE.match(self.s, self.i)
            self.i = m.end() if m else self.i + 1

    def skip_nested(self) -> None:
        """Skip one deeply nested array or inline table without recursion."""
        level = 0
        while self.i < self.n:
            ch = self.s[self.i]
            if ch in "\"'":
                self.i = self.string_end()
                continue
            if ch == "#":
                self.skip(newlines=True)
                continue
            self.i += 1
            if ch in "[{":
                level += 1
            elif ch in "]}":
                level -= 1
                if level == 0:
                    return
