"""A circle of `after`s is refused with a message that names the rules in it.

Until this test, both the profile check and the content check said "'no-shampoo' leads back to
'no-shampoo'" for `no-shampoo.after = "no-sweating"` and `no-sweating.after = "no-shampoo"`: the
other rule of the circle was never named, so staff could not tell which key to change.
"""

from __future__ import annotations

from aftercare.profile_check import check
from aftercare.profile_messages import format_problem
from aftercare.protocols import parse_protocol

HEAD = """\
schema = 1

[clinic]
name = "Test Clinic"
phone = "+1 212-555-0100"
timezone = "America/New_York"

"""


def _lines(body: str) -> list[str]:
    return [format_problem(p, "p.toml") for p in check((HEAD + body).encode())]


def test_two_rules_following_each_other_are_named_both() -> None:
    body = ('[procedures.mesotherapy.rules.no-shampoo]\nafter = "no-sweating"\n'
            '[procedures.mesotherapy.rules.no-sweating]\nafter = "no-shampoo"\n')
    circle = "; rules cannot follow each other in a circle"
    assert _lines(body) == [
        f"p.toml:9:1: procedures.mesotherapy.rules.no-shampoo.after: 'no-sweating' leads back to "
        f"'no-shampoo'{circle}",
        f"p.toml:11:1: procedures.mesotherapy.rules.no-sweating.after: 'no-shampoo' leads back to "
        f"'no-sweating'{circle}",
    ]


def test_a_rule_following_itself_and_a_chain_into_a_circle() -> None:
    body = ('[procedures.mesotherapy.rules.no-shampoo]\nafter = "no-shampoo"\n'
            '[procedures.mesotherapy.rules.no-swimming]\nafter = "no-sweating"\n'
            '[procedures.mesotherapy.rules.no-sweating]\nafter = "no-scalp-massage"\n'
            '[procedures.mesotherapy.rules.no-scalp-massage]\nafter = "no-sweating"\n')
    circle = "; rules cannot follow each other in a circle"
    assert _lines(body) == [
        f"p.toml:9:1: procedures.mesotherapy.rules.no-shampoo.after: 'no-shampoo' leads back to "
        f"'no-shampoo'{circle}",
        # no-swimming is not in the circle: it leads into one
        f"p.toml:11:1: procedures.mesotherapy.rules.no-swimming.after: 'no-sweating' leads back to "
        f"'no-sweating'{circle}",
        f"p.toml:13:1: procedures.mesotherapy.rules.no-sweating.after: 'no-scalp-massage' leads back "
        f"to 'no-sweating'{circle}",
        f"p.toml:15:1: procedures.mesotherapy.rules.no-scalp-massage.after: 'no-sweating' leads back "
        f"to 'no-scalp-massage'{circle}",
    ]


def test_the_content_check_names_the_other_rule_too() -> None:
    from aftercare.protocols import known_sources

    def rule(rid: str, after: str) -> dict:
        return {"id": rid, "kind": "restriction", "end": "48 h", "title": "T", "why": "W",
                "source": "cooley-exosome", "after": after}

    data = {"schema": 1, "id": "demo", "name": "Demo", "summary": "A demo",
            "rules": [rule("a", "b"), rule("b", "a")]}
    result, problems = parse_protocol(data, frozenset(known_sources()))
    assert result is None
    assert {p.dotted: p.message for p in problems} == {
        "rules.a.after": "'b' leads back to 'a'", "rules.b.after": "'a' leads back to 'b'"}
