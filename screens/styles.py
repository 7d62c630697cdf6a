"""The second stylesheet: screens.tcss, the rules of every screen but the dashboard (their CSS_PATH).

aftercare.tcss (the app's CSS_PATH) holds the dashboard's rules and the shared ones, so the first
frame parses only those. screens.tcss is added to the app's stylesheet where it is parsed alone:
after the dashboard's first frame, or before the first screen that needs it comes earlier (the
onboarding of a first run). Textual's own loading at a screen's first push (its CSS_PATH not yet
read) would parse every stylesheet again and restyle every widget; this finds it read. Its rules
style nothing the dashboard shows, so nothing already on screen is restyled.
"""

from __future__ import annotations

from pathlib import Path

from textual.app import App

SCREENS_CSS = "screens.tcss"


def read_screens_css(app: App) -> None:
    # The path as Textual resolves a screen's CSS_PATH (and finds it with has_source).
    path = str((Path(__file__).parent / SCREENS_CSS).resolve())
    if not app.stylesheet.has_source(path):
        app.stylesheet.read(path)
        app.stylesheet.parse()
