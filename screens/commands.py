"""Command palette entries: every action bound to a key on the current screen, by its name.

Built from the bindings the screen has right now (the Footer's source as well), so a new binding
gets its palette entry without anyone remembering to add one.
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import partial

from textual.command import DiscoveryHit, Hit, Hits, Provider

from aftercare.i18n import _

# Already offered by Textual's own provider under the same name.
SKIP = frozenset({"quit", "command_palette"})
# Bound but never in the footer: offered here, and listed in help. (Reminders and Clinic are
# footer bindings now, shown when the width allows: see screens/footer.py.)
PALETTE_ONLY: frozenset[str] = frozenset({"journal"})
# App actions without a key of their own: (name, what it does, action).
UNBOUND = (
    (_("Import a clinic profile…"),
     _("Follow the file your clinic sent you: its timings, phone and warnings"), "import_profile"),
)


class AftercareCommands(Provider):
    def _commands(self) -> Iterator[tuple[str, str, object]]:
        seen: set[str] = set()
        for active in self.screen.active_bindings.values():
            binding = active.binding
            shown = binding.show or binding.action in PALETTE_ONLY
            if not (shown and binding.description and active.enabled) or binding.action in SKIP:
                continue
            if binding.description in seen:
                continue
            seen.add(binding.description)
            key = binding.key_display or binding.key.split(",")[0]
            run = partial(self.app.run_action, binding.action, active.node)
            about = binding.tooltip or binding.description
            yield binding.description, _("{about} (key: {key})").format(about=about, key=key), run
        for name, about, action in UNBOUND:
            yield name, about, partial(self.app.run_action, action)

    async def discover(self) -> Hits:
        for name, help_text, run in self._commands():
            yield DiscoveryHit(name, run, help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for name, help_text, run in self._commands():
            score = matcher.match(name)
            if score > 0:
                yield Hit(score, matcher.highlight(name), run, help=help_text)
