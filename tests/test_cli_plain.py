"""`aftercare` and `aftercare ui` without options skip argparse (cli._plain_args: ~14 M instructions
of the app's start-up); what they are given must be exactly what the parser gives them."""

from __future__ import annotations

import subprocess
import sys

import pytest

from aftercare.cli import _plain_args
from aftercare.cli_parser import build_parser, named_command


@pytest.mark.parametrize("argv", [[], ["ui"], ["status"]])
def test_the_plain_app_commands_get_what_argparse_would_give(argv):
    parsed = build_parser(named_command(argv)).parse_args(argv)
    assert vars(_plain_args(argv)) == vars(parsed)


@pytest.mark.parametrize("argv", [["ui", "--now", "tomorrow 09:00"], ["--lang", "ko", "ui"], ["--lang=ko"],
                                  ["--profile", "clinic.toml"], ["ui", "--help"], ["--version"],
                                  ["status", "--json"], ["ui", "extra"], ["--"]])
def test_anything_else_goes_through_argparse(argv):
    assert _plain_args(argv) is None


def test_opening_the_app_imports_no_argparse():
    # What `aftercare ui` runs before its command (the language's resolver included) imports no parser.
    code = ("import sys; import aftercare.cli as c; args = c._plain_args(['ui']); c._parse_language(['ui']); "
            "print('argparse' in sys.modules, 'aftercare.cli_parser' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.split() == ["False", "False"]
