"""Shipped content: procedure protocols, source list, example clinic profiles (package data).

Read straight from the installed package folder (wheels install package data as files);
importlib.resources would add a few milliseconds of imports to every plain command.
"""

import os

CONTENT_DIR = os.path.dirname(os.path.abspath(__file__))


def content_path(*parts: str) -> str:
    return os.path.join(CONTENT_DIR, *parts)
