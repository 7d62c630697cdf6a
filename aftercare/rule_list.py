"""The rule ids a clinic changes by: listed with kind, timing and title, and guessed from its words.

A profile changes built-in rules by id (`no-chemical-treatments`), and a clinic cannot read our
TOML to find them. Three doors to the same list:

  ``rule_rows(catalog, procedure=None) -> list[RuleRow]``   what `aftercare procedures --rules` prints
  ``markdown_table(catalog) -> str``                         the table in docs/profiles.md (a test keeps
                                                             it in sync; ``python -m aftercare.rule_list
                                                             docs/profiles.md`` rewrites it)
  ``rule_hint(name, protocol) -> str``                       "did you mean" for an unknown rule id: by
                                                             the words clinics use ("hair dye",
                                                             "ibuprofen", "gym"), the rule's title,
                                                             spelling; else the procedure's ids
"""

from __future__ import annotations

import re
import sys
from collections.abc import Mapping, Sequence
from typing import NamedTuple

from aftercare.model import Protocol, Rule

TABLE_START = "<!-- rule-table:start (generated: python -m aftercare.rule_list docs/profiles.md) -->"
TABLE_END = "<!-- rule-table:end -->"

# What a clinic calls a rule -> the rule id. Words only, no timings: these name what a rule is
# about, so that "no-hair-dye" finds the chemical treatments rule and not "no-nsaids" by spelling.
SYNONYMS: dict[str, str] = {}
for _rule, _words in {
    "no-chemical-treatments": "colour color coloring colouring dye dyeing tint bleach bleaching perm "
                              "perms perming relaxer relaxers straightening chemical chemicals keratin",
    "no-sweating": "sweat sweating exercise exercising gym workout sport sports running run sauna "
                   "hot-yoga yoga jogging fitness training",
    "no-nsaids": "nsaid nsaids painkiller painkillers ibuprofen aspirin naproxen diclofenac advil "
                 "motrin anti-inflammatory antiinflammatory inflammatory",
    "no-shampoo": "shampoo wash washing hairwash shower",
    "gentle-shampoo": "gentle lukewarm",
    "no-swimming": "swim swimming pool chlorine",
    "no-scalp-massage": "massage rubbing rub",
    "no-hair-products": "products product gel spray wax styling mousse pomade",
    "minoxidil-resume": "minoxidil rogaine regaine",
    "sun-protection": "sun sunscreen sunburn uv",
    "next-session": "session sessions appointment booking repeat",
    "maintenance": "maintenance maintain yearly",
    "shedding": "shed shedding",
    "numbness": "numb numbness anaesthetic anesthetic",
    "redness": "red redness swelling",
    "results": "results growth",
}.items():
    for _word in _words.split():
        SYNONYMS[_word] = _rule
# Words every id or title shares, which tell no rule apart.
_STOP = {"no", "not", "hair", "the", "your", "of", "or", "and", "a", "to", "may", "be", "can", "do",
         "avoid", "after", "is", "fine", "take", "some", "scalp", "rule", "ask", "about"}


class RuleRow(NamedTuple):
    procedure: str
    id: str
    kind: str
    timing: str  # in the profile grammar, so it can be copied: "0 min – 24 h"
    title: str


def timing_text(rule: Rule) -> str:
    """`0 min – 24 h`, `4 w – 6 w`, `day 3 (no end)`: the rule's timing as a profile writes it."""
    if rule.end is None:
        return f"{rule.start} (no end)"
    return f"{rule.start} – {rule.end}"


def rule_rows(catalog: Mapping[str, Protocol], procedure: str | None = None) -> list[RuleRow]:
    ids = [procedure] if procedure is not None else sorted(catalog)
    return [RuleRow(pid, r.id, r.kind.value, timing_text(r), r.title)
            for pid in ids for r in catalog[pid].rules]


def text_table(rows: Sequence[RuleRow]) -> list[str]:
    """Aligned lines for the terminal, one procedure after the other."""
    from aftercare.textsafe import clean

    out: list[str] = []
    width = max((len(r.id) for r in rows), default=0)
    kind_width = max((len(r.kind) for r in rows), default=0)
    time_width = max((len(r.timing) for r in rows), default=0)
    last = None
    for row in rows:
        if row.procedure != last:
            if last is not None:
                out.append("")
            out.append(f"{row.procedure}:")
            last = row.procedure
        out.append(f"  {row.id:<{width}}  {row.kind:<{kind_width}}  {row.timing:<{time_width}}  "
                   f"{clean(row.title)}")
    return out


def markdown_table(catalog: Mapping[str, Protocol]) -> str:
    lines = [TABLE_START, "", "| procedure | rule id | kind | built-in timing | title |",
             "|---|---|---|---|---|"]
    for row in rule_rows(catalog):
        title = row.title.replace("|", "\\|")
        lines.append(f"| `{row.procedure}` | `{row.id}` | {row.kind} | `{row.timing}` | {title} |")
    return "\n".join([*lines, "", TABLE_END])


def replace_table(document: str, table: str) -> str:
    """`document` with the generated block between the markers replaced by `table`."""
    start, end = document.index(TABLE_START), document.index(TABLE_END) + len(TABLE_END)
    return document[:start] + table + document[end:]


# --- did you mean ------------------------------------------------------------------------------------------


def _words(text: str) -> list[str]:
    return [w for w in re.findall(r"[a-z]+(?:-[a-z]+)?|[a-z]+", text.lower().replace("-", " "))
            if w not in _STOP]


def _title_words(rule: Rule) -> set[str]:
    words = set(_words(rule.title)) | set(_words(rule.id))
    return {w.rstrip("s") for w in words if len(w) > 2}


def close_rules(name: str, protocol: Protocol) -> list[str]:
    """The rule ids `name` most likely means, best first (empty when none is close)."""
    ids = [r.id for r in protocol.rules]
    lowered = name.lower()
    if lowered in ids:
        return [lowered]
    scores: dict[str, int] = {}
    words = _words(name)
    for word in (*words, lowered.replace("-", " ").strip()):
        target = SYNONYMS.get(word) or SYNONYMS.get(word.replace(" ", "-"))
        if target in ids:
            scores[target] = scores.get(target, 0) + 3
    for rule in protocol.rules:
        shared = {w.rstrip("s") for w in words} & _title_words(rule)
        if shared:
            scores[rule.id] = scores.get(rule.id, 0) + len(shared)
    if scores:
        best = max(scores.values())
        return [rid for rid in ids if scores.get(rid) == best]
    import difflib  # only on the error path

    return difflib.get_close_matches(lowered, ids, n=1, cutoff=0.75)


def rule_hint(name: str, protocol: Protocol) -> str:
    """' (did you mean 'x'?)', or the procedure's rule ids when nothing is close."""
    from aftercare.i18n import _

    close = close_rules(name, protocol)
    if close:
        return _(" (did you mean {name}?)").format(name=_(" or ").join(repr(c) for c in close[:2]))
    return _(" ({procedure}'s rules: {rules}; see `aftercare procedures --rules {procedure}`)").format(
        procedure=protocol.id, rules=", ".join(r.id for r in protocol.rules))


def main(argv: Sequence[str] | None = None) -> int:
    """`python -m aftercare.rule_list FILE`: rewrite the generated rule table in FILE."""
    from pathlib import Path

    from aftercare.protocols import load_catalog

    args = sys.argv[1:] if argv is None else list(argv)
    if len(args) != 1:
        print("usage: python -m aftercare.rule_list docs/profiles.md", file=sys.stderr)
        return 2
    path = Path(args[0])
    path.write_text(replace_table(path.read_text(encoding="utf-8"), markdown_table(load_catalog())),
                    encoding="utf-8")
    print(f"Rewrote the rule table in {path}.")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
