"""Step 8, finished: every error sentence and the command line's help in the patient's language.

The guard scans the source: an error raised with an English literal that does not pass through
`_()`, or a help text not marked for the catalog, fails here before it reaches a patient.
"""

from __future__ import annotations

import argparse
import ast
import inspect
import re
from pathlib import Path

import pytest

from aftercare import i18n
from aftercare.cli_parser import ARGPARSE_MESSAGES, ARGPARSE_WORDS, translate_argparse

pytestmark = pytest.mark.usefixtures("seoul_in_english")

ROOT = Path(__file__).resolve().parent.parent
# Raised for the patient (exit 2 or 1 with one sentence). ContentError is not here: it reports our
# own shipped content (content/procedures, content/triage.toml) to the people who maintain it.
PATIENT_ERRORS = {"UserError", "RecordBusy", "RecordInaccessible", "ArgumentTypeError",
                  "ArgumentError"}
# Words that may stand in an untranslated literal: the program's name and its commands.
NAMES = re.compile(r"\baftercare\b")
HANGUL_OR_KANA = re.compile(r"[\uac00-\ud7a3\u3040-\u30ff]")


def _literal_text(node: ast.expr) -> str | None:
    """The literal words of a string expression (f-string parts, `+` of literals), else None."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr):
        return "".join(v.value for v in node.values if isinstance(v, ast.Constant))
    if isinstance(node, ast.BinOp) and isinstance(node.op, (ast.Add, ast.Mod)):
        parts = [_literal_text(node.left), _literal_text(node.right)]
        return "".join(p for p in parts if p) if any(p is not None for p in parts) else None
    return None


def _is_english(text: str) -> bool:
    return bool(re.search(r"[A-Za-z]{2,}", NAMES.sub("", text)))


def _name(call: ast.Call) -> str | None:
    f = call.func
    return f.id if isinstance(f, ast.Name) else f.attr if isinstance(f, ast.Attribute) else None


# A clinic profile's problems, made by `checker.add(path, message)` and `Problem(path, message, …)`
# (and ProfileError's frame): read by clinic staff in the patient's language (`profile check`,
# `profile import`). Scanned in these modules only (aftercare.protocols: its checker reads a
# profile's rules too); `add` elsewhere is a set's.
PROFILE_MODULES = ("aftercare/profile_", "aftercare/langtag.py", "aftercare/protocols.py")
PROBLEM_MAKERS = {"add", "Problem"}


def english_literals(source: str, problems: bool = False) -> list[tuple[int, str]]:
    """(line, what) for each error or help text given as an English literal, not through `_()`;
    with `problems`, a profile problem's message too."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.Call):
            continue
        name = _name(node)
        checked: list[ast.expr] = []
        if name in PATIENT_ERRORS or name in ("error", "say", "_say"):  # parser.error(...), say(...)
            checked += node.args[:1] if name != "_say" else node.args[1:2]
        if name == "print" and any(k.arg == "file" for k in node.keywords):  # to stderr
            checked += node.args[:1]
        checked += [k.value for k in node.keywords if k.arg in ("help", "description", "epilog")]
        if problems and name in PROBLEM_MAKERS and len(node.args) >= 2:  # (path, message, ...)
            message = node.args[1]
            # `x if cond else "…"`, `"…" + x`: each branch or part is a message of its own.
            checked += [message.body, message.orelse] if isinstance(message, ast.IfExp) else [message]
        for arg in checked:
            text = _literal_text(arg)
            if text is not None and _is_english(text) and not HANGUL_OR_KANA.search(text):
                found.append((node.lineno, f"{name}: {text[:70]!r}"))
    return found


# Not for patients: the script that rewrites the rule table of docs/profiles.md.
MAINTAINERS_ONLY = {"aftercare/rule_list.py"}


def test_no_error_or_help_text_is_english_only() -> None:
    wrong = []
    for folder in ("aftercare", "screens"):
        for path in sorted((ROOT / folder).glob("*.py")):
            if f"{folder}/{path.name}" in MAINTAINERS_ONLY:
                continue
            where = f"{folder}/{path.name}"
            wrong += [f"{where}:{line}: {what}" for line, what in english_literals(
                path.read_text(encoding="utf-8"), problems=where.startswith(PROFILE_MODULES))]
    assert not wrong, ("English-only error or help texts (wrap them in _() or N_() and add ko/ja "
                       "entries):\n" + "\n".join(wrong))


@pytest.mark.parametrize("source", [
    'raise UserError(f"No treatment has the id {x!r}.")',
    'raise UserError("The record is busy; " + "try again.")',
    'raise RecordBusy("The record is locked; try again.")',
    'parser.error("the value is wrong")',
    'p.add_argument("--x", help="what x does")',
    'print(f"aftercare: cannot continue: {exc}", file=sys.stderr)',
])
def test_the_guard_sees_an_english_sentence(source: str) -> None:
    # A guard on the guard: each of these forms, in the code, would reach a Korean patient as is.
    assert english_literals(source)


@pytest.mark.parametrize("source", [
    'raise UserError(_("No treatment has the id {id!r}.").format(id=x))',
    'p.add_argument("--x", help=N_("what x does"))',
    'say(f"aftercare: {exc}")',
    'raise UserError(problem)',
])
def test_the_guard_lets_translated_text_through(source: str) -> None:
    assert not english_literals(source)


@pytest.mark.parametrize("source", [
    'c.add(path, f"found {shown(zone)}, expected an IANA time zone{hint}")',
    'self.add((*path, key), "is empty or only invisible characters; a text is required")',
    'c.add(path, found(v) if as_written(v) else f"found {shown(v)}, expected {N}")',
    'out.append(Problem(p, f"has no {missing} text", line, column))',
])
def test_the_guard_sees_an_english_profile_problem(source: str) -> None:
    assert english_literals(source, problems=True)
    assert not english_literals(source)  # outside the profile modules: the content checker


@pytest.mark.parametrize("source", [
    'c.add(path, _("found {value}, expected a table").format(value=_type(v)))',
    'c.add(path, found(v) if as_written(v) else _("found {value}").format(value=shown(v)))',
    'c.problems.append(Problem((), deep[1], line, column))',
    'seen.add(w.text)',
])
def test_the_guard_lets_a_translated_profile_problem_through(source: str) -> None:
    assert not english_literals(source, problems=True)


# --- end to end, in Korean and Japanese --------------------------------------------------------


def _one_sentence(result, lang: str) -> str:
    assert result.code == 2, (result.code, result.out, result.err)
    assert result.out == ""
    lines = result.err.splitlines()
    assert len(lines) == 1, result.err
    assert lines[0].startswith("aftercare: ")
    script = {"ko": r"[\uac00-\ud7a3]", "ja": r"[\u3040-\u30ff\u4e00-\u9fff]"}[lang]
    assert re.search(script, lines[0]), lines[0]
    return lines[0]


def test_remove_with_an_unknown_id_says_so_in_korean(run_cli, home) -> None:
    line = _one_sentence(run_cli(["remove", "abc123", "--lang", "ko"], home), "ko")
    assert line == "aftercare: id 'abc123'인 시술이 없습니다. 아직 기록된 시술이 없습니다."


def test_add_with_an_unknown_procedure_says_so_in_japanese(run_cli, home) -> None:
    line = _one_sentence(run_cli(["add", "botox", "--lang", "ja"], home), "ja")
    assert line.startswith("aftercare: 不明な施術: 'botox'。使える施術: exosome-injection, ")


@pytest.mark.parametrize(("args", "expected"), [
    (["--lang", "ko", "bogus"], "aftercare: 인수 COMMAND: 잘못된 선택: 'bogus' (가능한 값: 'procedures', "),
    (["--lang", "ko", "add"],
     "aftercare: 다음 인수가 필요합니다: procedure. 도움말: 'aftercare add --help'."),
    (["status", "--bad", "--lang", "ko"], "aftercare: 알 수 없는 인수: --bad. 도움말: 'aftercare --help'."),
    (["--lang", "ja", "add", "prp", "--at"],
     "aftercare: 引数 --at: 値を一つ指定してください。ヘルプ: 'aftercare add --help'"),
    (["--lang", "ja", "remind", "--once", "--install"],
     "aftercare: 引数 --install: 次の引数とは一緒に使えません: --once。ヘルプ: 'aftercare remind --help'"),
])
def test_argparse_errors_are_one_sentence_in_the_language(run_cli, home, args, expected) -> None:
    lang = args[args.index("--lang") + 1]
    assert _one_sentence(run_cli(args, home), lang).startswith(expected)


def test_the_record_language_is_heard_before_parsing(run_cli, home) -> None:
    # No --lang: the record's setting decides, for argparse's errors too.
    assert run_cli(["settings", "language", "ko"], home).code == 0
    assert _one_sentence(run_cli(["add"], home), "ko").startswith("aftercare: 다음 인수가 필요합니다")


def test_quiet_hours_and_export_errors_in_korean(run_cli, home, tmp_path) -> None:
    line = _one_sentence(run_cli(["settings", "quiet", "22:00", "--lang", "ko"], home), "ko")
    assert line.startswith("aftercare: 조용한 시간에는 시작과 끝이 필요합니다(입력: '22:00').")
    run_cli(["add", "prp", "--at", "2026-11-30 10:00", "--now", "2026-11-30 15:00"], home)
    line = _one_sentence(run_cli(["export", "--ics", str(tmp_path), "--lang", "ko",
                                  "--now", "2026-11-30 15:00"], home), "ko")
    assert line.startswith(f"aftercare: 폴더입니다: {str(tmp_path)!r}.")


@pytest.mark.parametrize(("lang", "usage", "options", "help_line"), [
    ("ko", "사용법: aftercare add ", "옵션:", "  -h, --help    이 도움말을 보여 주고 끝내기"),
    ("ja", "使い方: aftercare add ", "オプション:", "  -h, --help    このヘルプを表示して終了"),
])
def test_help_is_in_the_language(run_cli, home, lang, usage, options, help_line) -> None:
    from rich.cells import cell_len

    result = run_cli(["add", "--help", "--lang", lang], home)
    assert result.code == 0
    lines = result.out.splitlines()
    assert lines[0].startswith(usage)
    assert options in lines and help_line in lines
    assert all(cell_len(line) <= 80 for line in lines)  # wrapped in terminal cells
    # The usage's next line lines up under the first argument, past the wide prefix.
    first_arg = cell_len(lines[0].split("[", 1)[0])
    assert lines[1].startswith(" " * first_arg + "[") or lines[1].startswith(" " * first_arg + "p")
    assert not any(re.search(r"[a-z]{3,} [a-z]{3,} [a-z]{3,}", line) for line in lines), result.out


def test_help_in_english_is_argparse_s_own() -> None:
    from aftercare.cli_parser import build_parser

    text = build_parser("add").format_help()
    assert text.startswith("usage: aftercare ") and "\noptions:\n" in text
    assert "show this help message and exit" in text


def test_every_argparse_template_we_translate_is_one_argparse_uses() -> None:
    # A Python that rewords a message would leave it English: this says which one.
    source = inspect.getsource(argparse)
    missing = [t for t in (*ARGPARSE_MESSAGES, *ARGPARSE_WORDS) if repr(t) not in source
               and f'"{t}"' not in source]
    assert not missing, missing


@pytest.mark.parametrize("lang", ["ko", "ja"])
def test_argparse_translations_keep_their_values(lang: str) -> None:
    spec = re.compile(r"%\(\w+\)[rs]|%[rs]")
    for template in ARGPARSE_MESSAGES:
        translated = i18n.gettext_in(lang, template)
        assert translated != template, template
        assert sorted(spec.findall(translated)) == sorted(spec.findall(template)), (template, translated)


def test_translate_argparse_fills_the_values_and_leaves_the_unknown_alone() -> None:
    i18n.set_language("ko")
    message = "argument --shedding: invalid choice: 'lots' (choose from 'none', 'some', 'heavy')"
    assert translate_argparse(message) == (
        "인수 --shedding: 잘못된 선택: 'lots' (가능한 값: 'none', 'some', 'heavy')")
    assert translate_argparse("something argparse never says") == "something argparse never says"


def test_errors_found_by_reading_each_command_once(run_cli, home, tz) -> None:
    line = _one_sentence(run_cli(["checkin", "--redness", "5", "--lang", "ko"], home), "ko")
    assert line == ("aftercare: 인수 --redness: '5': 0–3 단계가 아닙니다(0 없음, 1 약함, 2 중간, 3 심함). "
                    "도움말: 'aftercare checkin --help'.")
    empty = run_cli(["status", "--lang", "ko"], home).out.splitlines()
    assert empty[1] == "  aftercare add PROCEDURE --at WHEN [--zone ZONE]   ('aftercare procedures' 참고)"
    # A POSIX rule, refused: no IANA name to store. Set through the `tz` fixture, whose teardown
    # runs tzset() and tzlocal's reload after $TZ is back; monkeypatch.setenv restored only the
    # variable, and later tests saw a wrong local zone (test_courses lost "(10:00 Seoul time)").
    tz("EST5EDT,M3.2.0,M11.1.0")
    line = _one_sentence(run_cli(["status", "--lang", "ja"], home), "ja")
    assert line.startswith("aftercare: タイムゾーン TZ='EST5EDT,M3.2.0,M11.1.0' は IANA の")
