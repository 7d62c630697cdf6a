"""A clinic profile applied to a built-in protocol: the effective protocol a treatment follows, and
the profile written back with its effective rules spelled out (a round trip; `profile show`)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from aftercare.i18n import _
from aftercare.model import (
    KINDS_NEEDING_END,
    Alternative,
    Kind,
    Level,
    Protocol,
    ReminderSpec,
    Rule,
    RuleTexts,
    Warning,
)
from aftercare.profile_format import (
    MAX_AFTER_CHAIN,
    NO_END,
    SAME_DAY,
    SCHEMA_VERSION,
    SESSION_RULE,
    ProcedureSettings,
    Profile,
    ProfileChecker,
    ProfileError,
    RuleOverride,
)
from aftercare.profile_messages import field_path, locate, shown
from aftercare.protocols import CLINIC_SOURCE, _did_you_mean, known_sources, load_catalog, start_after_end
from aftercare.rule_list import rule_hint
from aftercare.texts import merged, texts_of, with_texts
from aftercare.timing import Offset

# --- applying a procedure's settings to its built-in protocol ----------------------------------------


def apply_settings(c: ProfileChecker, base: Protocol, settings: ProcedureSettings,
           general: tuple[Warning, ...]) -> Protocol:
    """The effective protocol; problems (unknown rule ids, windows inverted...) go to `c`."""
    by_id = {r.id: r for r in base.rules}
    rules: dict[str, Rule] = dict(by_id)
    where: dict[str, tuple] = {}  # rule id -> the profile path that changed or added it
    disabled: set[str] = set()
    explicit_after: set[str] = set()  # rules whose `after` the clinic wrote (checked below)

    for o in settings.overrides:
        base_rule = by_id.get(o.rule_id)
        if base_rule is None:
            # By meaning first ("no-hair-dye" is the chemical treatments rule), spelling last; the
            # procedure's ids when nothing is close, so that nine guesses are never needed.
            hint = rule_hint(o.rule_id, base)
            c.add(o.path, _("{procedure} has no rule {rule}{hint}; built-in rules are changed by id, "
                            "and a rule of the clinic's own goes in [[{table}.own_rules]]").format(
                                procedure=base.id, rule=shown(o.rule_id), hint=hint,
                                table=field_path(settings.path)))
            continue
        if not o.enabled:
            disabled.add(o.rule_id)
            del rules[o.rule_id]
            continue
        rule = _overridden(c, base_rule, o)
        rules[o.rule_id] = rule
        where[o.rule_id] = o.path
        if o.after is not None:
            explicit_after.add(o.rule_id)

    for rpath, rule in settings.own_rules:
        if rule.id in by_id:
            c.add((*rpath, "id"), _("{rule} is a built-in rule of {procedure}; change it under "
                                    "[{table}] instead").format(
                                        rule=shown(rule.id), procedure=base.id,
                                        table=field_path((*settings.path, "rules", rule.id))))
            continue
        if rule.id in where:
            c.add((*rpath, "id"), _("rule id {rule} is used twice").format(rule=shown(rule.id)))
            continue
        rules[rule.id] = rule
        where[rule.id] = rpath
        if rule.after:
            explicit_after.add(rule.id)

    if settings.course is not None:
        if settings.course.sessions is not None or settings.course.interval is not None:
            _apply_course(c, base, settings, rules, where, disabled)
        if settings.course.maintenance is not None:
            _apply_maintenance(c, base, settings, rules, where, disabled)

    # A rule that followed a rule the clinic turned off simply starts at its own time.
    for rid, rule in list(rules.items()):
        if rule.after in disabled and rid not in explicit_after:
            rules[rid] = rule._replace(after="")
    _check_after(c, rules, {rid: where[rid] for rid in explicit_after})

    ordered = [rules[r.id] for r in base.rules if r.id in rules]
    ordered += [r for rid, r in rules.items() if rid not in by_id]
    warnings = list(base.warnings)
    seen = {w.text for w in warnings}
    for w in (*general, *settings.warnings):
        if w.text not in seen:
            warnings.append(w)
            seen.add(w.text)
    return base._replace(rules=tuple(ordered), warnings=tuple(warnings))


def _overridden(c: ProfileChecker, rule: Rule, o: RuleOverride) -> Rule:
    start = o.start or rule.start
    end = None if o.end_same_day else (o.end or rule.end)
    if o.end_same_day and rule.kind in KINDS_NEEDING_END:
        c.add((*o.path, "end"), _("found {value!r}, but a {kind} rule needs an end time").format(
            value=SAME_DAY, kind=rule.kind.value))
        end = rule.end
    if end is not None and start_after_end(start, end):
        # Say which side is the built-in one: the clinic changed one and cannot see the other.
        if "end" not in o.given:
            c.add((*o.path, "start"), _("the new start ({start}) comes after the rule ends: the "
                                        "built-in end is {end}; set `end` too, at or after the "
                                        "start").format(start=start, end=end))
        elif "start" not in o.given:
            c.add((*o.path, "end"), _("the new end ({end}) comes before the rule starts: the "
                                      "built-in start is {start}; set `start` too, or an end at or "
                                      "after it").format(start=start, end=end))
        else:
            c.add((*o.path, "end"), _("the rule would end ({end}) before it starts ({start}); the end "
                                      "must be at or after the start").format(start=start, end=end))
    if o.sessions is not None and rule.kind is not Kind.SESSION:
        c.add((*o.path, "sessions"), _("only a session rule has sessions; {rule!r} is a {kind} "
                                       "rule").format(rule=rule.id, kind=rule.kind.value))
    timing_changed = (start, end) != (rule.start, rule.end)
    texts = texts_of(rule)
    source, alternatives = rule.source, rule.alternatives
    clinic_set = set(rule.clinic_set)
    if timing_changed:
        chosen = _chosen(rule, start, end)
        source, alternatives = _retimed(rule, start, end)
        # The clinic settled what the sources disagree on: the note about that disagreement (or
        # about how the source's words were read) no longer applies, and a cited alternative
        # brings its own wording, so sentence and source never mix.
        texts = texts._replace(note="")
        if chosen is not None:
            texts = merged(texts, chosen.texts)
        clinic_set.add("timing")
    shown_now = with_texts(rule._replace(start=start, end=end), texts)
    text_changed = any(v is not None and v != getattr(shown_now, k) and v != getattr(texts, k)
                       for k, v in (("title", o.title), ("why", o.why), ("allowed", o.allowed)))
    if rule.end is None and o.end is not None and rule.kind is Kind.RESTRICTION:
        # An instruction the source gives no duration ("avoid NSAIDs") that the clinic gives an
        # end ("1 w") becomes a timed restriction (a countdown instead of an item the patient
        # ticks off). What it forbids is still the source's, so it keeps citing it; the end is
        # the clinic's (from_clinic, clinic_set, and the open original stays as an alternative).
        source = rule.source
    if text_changed:
        source = CLINIC_SOURCE
    given = RuleTexts(o.title or "", o.why or "", o.allowed or "", "",
                      tuple(r.text for r in o.reminders) if o.reminders is not None else None)
    texts = merged(texts, given)
    if o.allowed == "":
        texts = texts._replace(allowed="")
    if o.note is not None:
        texts = texts._replace(note=o.note)
    new = rule._replace(
        start=start, end=end,
        reminders=o.reminders if o.reminders is not None else rule.reminders,
        sessions=o.sessions if o.sessions is not None else rule.sessions,
        after=o.after if o.after is not None else rule.after,
        source=source, alternatives=alternatives, from_clinic=True,
        clinic_set=frozenset(clinic_set),
    )
    return with_texts(new, texts)


def _given(o: RuleOverride) -> RuleTexts:
    """The texts a change wrote (empty where it wrote none), to merge over a rule's."""
    return RuleTexts(o.title or "", o.why or "", o.allowed or "", "",
                     tuple(r.text for r in o.reminders) if o.reminders is not None else None)


def _chosen(rule: Rule, start: Offset, end: Offset | None) -> Alternative | None:
    return next((a for a in rule.alternatives if (a.start, a.end) == (start, end)), None)


def _retimed(rule: Rule, start: Offset, end: Offset | None) -> tuple[str, tuple[Alternative, ...]]:
    """(source, alternatives) of `rule` given a new timing.

    The clinic settled what sources disagree on: if it picked a cited alternative, the rule now
    cites that source; the built-in timing stays on record as an alternative with its source."""
    chosen = _chosen(rule, start, end)
    from aftercare.i18n import _

    default = Alternative(rule.start, rule.end, rule.source, _("{span} (the built-in default)"),
                          texts_of(rule))
    alternatives = tuple(a for a in rule.alternatives if a is not chosen) + (default,)
    return (chosen.source if chosen else CLINIC_SOURCE), alternatives


def _apply_course(c: ProfileChecker, base: Protocol, settings: ProcedureSettings,
                  rules: dict[str, Rule], where: dict[str, tuple], disabled: set[str]) -> None:
    course = settings.course
    assert course is not None
    session = next((r for r in rules.values() if r.kind is Kind.SESSION), None)
    base_session = next((r for r in base.rules if r.kind is Kind.SESSION), None)
    if session is None and base_session is not None and base_session.id in disabled:
        c.add(course.path, _("the rule {rule!r} is turned off, so a course has nothing to set; "
                             "remove one of them").format(rule=base_session.id))
        return
    override = next((o for o in settings.overrides if session and o.rule_id == session.id), None)
    if course.interval is not None and override is not None and override.given & {"start", "end"}:
        c.add((*course.path, "interval"),
              _("the next session's timing is set twice, here and in {where}; keep one").format(
                  where=field_path((*settings.path, "rules", override.rule_id))))
        return
    if course.sessions is not None and override is not None and "sessions" in override.given:
        c.add((*course.path, "sessions"),
              _("the number of sessions is set twice, here and in {where}; keep one").format(
                  where=field_path((*settings.path, "rules", override.rule_id, "sessions"))))
        return
    sessions = course.sessions
    # Placeholders, rendered from the timing the course sets (aftercare.texts).
    # Whole sentences, so that each language words them (texts.render fills the placeholders).
    if sessions and course.interval is not None:
        why = _("Your clinic runs this treatment as a course of {sessions} sessions, one every {span}. "
                "Your clinic sets the exact dates.")
    elif sessions:
        why = _("Your clinic runs this treatment as a course of {sessions} sessions. Your clinic sets "
                "the exact dates.")
    elif course.interval is not None:
        why = _("Your clinic runs this treatment as a course, one every {span}. Your clinic sets the "
                "exact dates.")
    else:
        why = _("Your clinic runs this treatment as a course. Your clinic sets the exact dates.")
    if session is None:
        if course.interval is None:
            c.add((*course.path, "interval"),
                  _("is missing: {procedure} has no built-in next-session rule, so the course needs "
                    "an interval such as \"2 w\"").format(procedure=base.id))
            return
        if SESSION_RULE in rules:  # a clinic's own rule of another kind has the id the course adds
            c.add((*where[SESSION_RULE], "id"), _("rule id {rule} is the one the course adds: give "
                                                 "this rule another id").format(rule=shown(SESSION_RULE)))
            return
        rules[SESSION_RULE] = with_texts(Rule(
            id=SESSION_RULE, kind=Kind.SESSION, title="Next session", why=why,
            source=CLINIC_SOURCE, start=course.interval, end=course.interval_end,
            sessions=sessions, from_clinic=True, clinic_set=frozenset({"timing"}),
        ), RuleTexts("Next session", why))
        where[SESSION_RULE] = course.path
        return
    changes: dict[str, Any] = {"from_clinic": True}
    texts = texts_of(session)
    clinic_set = set(session.clinic_set)
    if course.interval is not None and (course.interval, course.interval_end) != (session.start, session.end):
        chosen = _chosen(session, course.interval, course.interval_end)
        # The built-in timing stays on record with the built-in source and words, not the clinic's.
        built_in = next((r for r in base.rules if r.id == session.id), session)
        source, alternatives = _retimed(built_in, course.interval, course.interval_end)
        changes.update(start=course.interval, end=course.interval_end, alternatives=alternatives,
                       source=source)
        texts = texts._replace(note="") if override is None or override.note is None else texts
        if chosen is not None:
            texts = merged(texts, chosen.texts)
            if override is not None:  # what the clinic wrote in rules.<id> stays over the source's words
                texts = merged(texts, _given(override))
                if session.source == CLINIC_SOURCE:  # its words changed the texts (_overridden)
                    changes["source"] = CLINIC_SOURCE
        clinic_set.add("timing")
    if sessions is not None:
        changes["sessions"] = sessions
        changes["source"] = CLINIC_SOURCE
        clinic_set.add("timing")
    if override is None or override.why is None:
        texts = texts._replace(why=why)
        changes["source"] = CLINIC_SOURCE
    changes["clinic_set"] = frozenset(clinic_set)
    rules[session.id] = with_texts(session._replace(**changes), texts)
    where.setdefault(session.id, course.path)


def _apply_maintenance(c: ProfileChecker, base: Protocol, settings: ProcedureSettings,
                       rules: dict[str, Rule], where: dict[str, tuple], disabled: set[str]) -> None:
    """`[procedures.<id>.course] maintenance`: when maintenance is due after the course's last
    session (the plan holds it on the last session once the course has its minimum, as Step 6
    does for the built-in maintenance rules); sets the procedure's maintenance rule, or adds one."""
    course = settings.course
    assert course is not None and course.maintenance is not None
    path = (*course.path, "maintenance")
    current = next((r for r in rules.values() if r.kind is Kind.MAINTENANCE), None)
    built_in = next((r for r in base.rules if r.kind is Kind.MAINTENANCE), None)
    if current is None and built_in is not None and built_in.id in disabled:
        c.add(path, _("the rule {rule!r} is turned off, so maintenance has nothing to set; remove "
                      "one of them").format(rule=built_in.id))
        return
    override = next((o for o in settings.overrides if current and o.rule_id == current.id), None)
    if override is not None and override.given & {"start", "end"}:
        c.add(path, _("the maintenance timing is set twice, here and in {where}; keep one").format(
            where=field_path((*settings.path, "rules", override.rule_id))))
        return
    session = next((r for r in rules.values() if r.kind is Kind.SESSION), None)
    if session is None or session.sessions is None:
        # Maintenance follows the *last* session: without a course length there is none.
        c.add(path, _("{procedure} has no number of sessions, so the course never ends and "
                      "maintenance would never be due; give sessions = N (and an interval) in this "
                      "table too").format(procedure=base.id))
        return
    timing = (course.maintenance, course.maintenance_end)
    why = "After the course, your clinic sees you for maintenance every {span}. Your clinic sets the dates."
    if current is None:
        if "maintenance" in rules:  # a clinic's own rule of another kind has the id this adds
            c.add((*where["maintenance"], "id"), _("rule id {rule} is the one the course adds: "
                                                  "give this rule another id").format(
                                                      rule=shown("maintenance")))
            return
        rule = Rule(id="maintenance", kind=Kind.MAINTENANCE, title="Maintenance session", why=why,
                    source=CLINIC_SOURCE, start=timing[0], end=timing[1], from_clinic=True,
                    reminders=(ReminderSpec("start", "Your maintenance session is due: check the date "
                                                     "with your clinic."),),
                    clinic_set=frozenset({"timing"}))
        rules[rule.id] = with_texts(rule, texts_of(rule))
        where[rule.id] = course.path
        return
    if timing == (current.start, current.end):
        rules[current.id] = current._replace(from_clinic=True)
        return
    chosen = _chosen(current, *timing)
    source, alternatives = _retimed(current, *timing)
    texts = texts_of(current)._replace(note="")
    if chosen is not None:
        texts = merged(texts, chosen.texts)
    elif override is None or override.why is None:
        texts = texts._replace(why=why)  # the source's sentence would cite its own timing
    rules[current.id] = with_texts(current._replace(
        start=timing[0], end=timing[1], source=source, alternatives=alternatives, from_clinic=True,
        clinic_set=frozenset({*current.clinic_set, "timing"})), texts)
    where.setdefault(current.id, course.path)


def _check_after(c: ProfileChecker, rules: Mapping[str, Rule], where: Mapping[str, tuple]) -> None:
    for rid, rule in rules.items():
        if not rule.after or rid not in where:
            continue
        path = (*where[rid], "after")
        if rule.after not in rules:
            hint = _did_you_mean(rule.after, set(rules))
            c.add(path, _("names {rule}, which is not a rule of this procedure{hint}").format(
                rule=shown(rule.after), hint=hint))
            continue
        seen, current = {rid}, rule
        while current.after and current.after in rules:
            if current.after in seen:
                c.add(path, _("{rule!r} leads back to {back!r}; rules cannot follow each other in a "
                              "circle").format(rule=rule.after, back=current.after))
                break
            if len(seen) > MAX_AFTER_CHAIN:
                c.add(path, _("starts a chain of more than {most} rules that follow one another "
                              "(after = ...); shorten it").format(most=MAX_AFTER_CHAIN))
                break
            seen.add(current.after)
            current = rules[current.after]


def effective_protocol(base: Protocol, profile: Profile) -> Protocol:
    """`base` with the clinic's changes: overrides applied, rules turned off removed, the clinic's
    own rules added (`Rule.from_clinic` is True for every rule the clinic changed or added), the
    course applied to the next-session rule, and the clinic's warnings after the built-in ones.

    A procedure the clinic does not offer is returned unchanged. Raises ProfileError when the
    changes do not fit `base` (say, a rule id this version no longer has).
    """
    settings = profile.procedures.get(base.id)
    if settings is None:
        return base
    cached = profile.protocols.get(base.id)
    validated_with = profile.bases.get(base.id)
    if cached is not None and validated_with is not None and (validated_with is base
                                                             or validated_with == base):
        return cached
    c = ProfileChecker(frozenset(known_sources()))
    protocol = apply_settings(c, base, settings, profile.clinic.warnings)
    if c.problems:
        text = profile.raw.decode("utf-8-sig", "replace")
        locate(c.problems, text)
        raise ProfileError(c.problems)
    return protocol


# --- writing a profile back (round trip, and a starting point for clinics) ---------------------------


def _rule_table(rule: Rule) -> dict[str, Any]:
    table: dict[str, Any] = {"id": rule.id, "kind": rule.kind.value, "start": str(rule.start)}
    if rule.end is not None:
        table["end"] = str(rule.end)
    texts = texts_of(rule)  # the templates: written back, they render the same
    table |= {"title": texts.title, "why": texts.why, "source": rule.source}
    for key in ("allowed", "note"):
        if getattr(texts, key):
            table[key] = getattr(texts, key)
    if rule.after:
        table["after"] = rule.after
    if rule.scope != "session":
        table["scope"] = rule.scope
    if rule.sessions:
        table["sessions"] = list(rule.sessions)
    if rule.alternatives:
        table["alternatives"] = [
            ({"id": a.id} if a.id else {}) | {"start": str(a.start), "source": a.source}
            | ({"end": str(a.end)} if a.end else {}) | ({"note": a.note} if a.note else {})
            for a in rule.alternatives
        ]
    if rule.reminders:
        table["reminders"] = _reminder_tables(rule)
    return table


def _reminder_tables(rule: Rule) -> list[dict[str, Any]]:
    templates = texts_of(rule).reminders or ()
    return [_reminder_table(r._replace(text=templates[i] if i < len(templates) else r.text))
            for i, r in enumerate(rule.reminders)]


def _reminder_table(r: ReminderSpec) -> dict[str, Any]:
    # The id too: our translations of a built-in reminder are found by it.
    return (({"id": r.id} if r.id else {}) | {"at": r.moment, "text": r.text}
            | ({"lead": str(r.lead)} if r.lead else {})
            | ({"urgent": True} if r.urgent else {}))


def profile_document(profile: Profile, catalog: Mapping[str, Protocol] | None = None) -> dict[str, Any]:
    """The profile with its *effective* protocols spelled out: every changed rule as a full override,
    every rule turned off as `enabled = false`, every rule of the clinic's own in full. Written with
    tomli-w it validates and gives the same plans."""
    catalog = load_catalog() if catalog is None else catalog
    clinic = profile.clinic
    doc: dict[str, Any] = {"schema": SCHEMA_VERSION, "clinic": {
        k: getattr(clinic, k) for k in ("name", "phone", "email", "address", "hours", "emergency",
                                        "timezone", "language") if getattr(clinic, k)}}
    if profile.quiet_hours:
        doc["reminders"] = {"quiet_hours": list(profile.quiet_hours)}
    if clinic.warnings:
        doc["contact_if"] = [_warning_table(w) for w in clinic.warnings]
    general = {w.text for w in clinic.warnings}
    procedures: dict[str, Any] = {}
    for pid in profile.offered:
        base = catalog[pid]
        effective = effective_protocol(base, profile)
        table: dict[str, Any] = {}
        overrides: dict[str, Any] = {}
        eff = {r.id: r for r in effective.rules}
        for rule in base.rules:
            new = eff.get(rule.id)
            if new is None:
                overrides[rule.id] = {"enabled": False}
            elif new.from_clinic:
                texts = texts_of(new)
                o: dict[str, Any] = {
                    "start": str(new.start), "end": str(new.end) if new.end else NO_END,
                    "title": texts.title, "why": texts.why, "allowed": texts.allowed,
                    "note": texts.note, "reminders": _reminder_tables(new),
                }
                if new.kind is Kind.SESSION and new.sessions:
                    o["sessions"] = list(new.sessions)
                if new.after:
                    o["after"] = new.after
                overrides[rule.id] = o
        if overrides:
            table["rules"] = overrides
        own = [_rule_table(r) for r in effective.rules if r.id not in {b.id for b in base.rules}]
        if own:
            table["own_rules"] = own
        extra = [w for w in effective.warnings[len(base.warnings):] if w.text not in general]
        if extra:
            table["contact_if"] = [_warning_table(w) for w in extra]
        procedures[pid] = table
    doc["procedures"] = procedures
    return doc


def _warning_table(w: Warning) -> dict[str, Any]:
    level = {"level": w.level.value} if w.severity is Level.CALL_NOW else {}
    return {"text": w.text} | ({"urgent": True} if w.urgent else level) | (
        {"source": w.source} if w.source != CLINIC_SOURCE else {})
