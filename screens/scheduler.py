"""Reminders while the app runs: APScheduler on Textual's event loop, and a wall-clock check.

The record is the source of truth; this module only decides *when to look*:

* one APScheduler 3 job (`AsyncIOScheduler` on Textual's loop, an `async def` job, so it runs on
  the loop and may start workers) at the next reminder's instant (`Delivery.next_at`), re-added
  after every look (at start, after each firing, after every record change) with settings that
  never drop a late job: APScheduler's default `misfire_grace_time=1` silently skips a job that
  fires more than a second late, which is exactly what a suspended laptop makes it do;
* a check every `CHECK_S` seconds of the loop's clock, because asyncio's clock (and so
  APScheduler's wake-up and Textual's timers) stands still while the laptop sleeps: it looks at the
  record too, and when wall time moved more than `DRIFT_S` beyond the loop's monotonic time since
  the last check (the laptop slept, or the clock was set), it re-adds the job and wakes the
  scheduler.

Each look is `aftercare.delivery.claim_due` in a thread worker (file I/O under the record's lock).
Exactly once is claim_due's business (its pending claim inside `Store.update`), so overlapping
looks, a second app and `aftercare remind` may all run at once. What it returns is shown as our own
toast (screens.reminder_toast: markup off, with Done and Snooze) with a terminal bell, confirmed
with `delivery.settle` once the toast is posted (a crash before that leaves it pending, to be
shown again), then as a desktop notification from the same worker thread
(`Notifier(fallback=False)`: up to 5 s, never prints over the screen). What was missed while
nothing ran arrives as claim_due's one catch-up summary.

APScheduler is imported on the first look, after the first paint, never at start-up.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from aftercare.clock import Clock, SystemClock
from aftercare.i18n import _
from aftercare.textsafe import clean

if TYPE_CHECKING:
    from apscheduler.schedulers.asyncio import AsyncIOScheduler

    from aftercare.delivery import Delivery, Note
    from aftercare.model import Plan
    from aftercare.notify import Notifier
    from aftercare.screens.app import AftercareApp

CHECK_S = 30.0
# More than this between wall-clock and monotonic time since the last check means a suspend.
DRIFT_S = 5.0
JOB_ID = "aftercare-next-reminder"
WORKER_GROUP = "reminders"


class InAppReminders:
    """The app's reminder delivery. `start()` once after the first paint; `record_changed()` after
    every record change; `stop()` when the app closes."""

    def __init__(self, app: AftercareApp, *, monotonic: Callable[[], float] = time.monotonic,
                 scheduler_clock: Clock | None = None, notifier: Notifier | None = None) -> None:
        self.app = app
        self.scheduler: AsyncIOScheduler | None = None
        self.next_at: datetime | None = None  # the next reminder, on the app's clock
        self.wakeups = 0  # suspends (clock drifts) noticed so far
        self._monotonic = monotonic
        # The clock APScheduler itself reads (it has no injectable clock): the real one.
        self._scheduler_clock = scheduler_clock or SystemClock()
        self._notifier = notifier
        self._mark: tuple[datetime, float] | None = None
        self._started = False
        self._stopped = False
        # Looks overlap (a firing, the periodic check, a record change): only the newest one
        # started may move the job, so a slow older look cannot undo a newer answer.
        self._looks = 0
        self._applied = 0
        # One look at a time (see check): whether one is running, and whether another was asked for.
        self._looking = False
        self._again = False

    # --- lifecycle -----------------------------------------------------------------------------

    def start(self) -> None:
        if self._started:
            return
        self._started = True
        self._mark = (self.app.ctx.now(), self._monotonic())
        self.app.set_interval(CHECK_S, self.periodic_check, name="reminder-check")
        self.check()

    def stop(self) -> None:
        self._stopped = True
        if self.scheduler is not None and self.scheduler.running:
            self.scheduler.shutdown(wait=False)

    def record_changed(self) -> None:
        """A treatment added or removed, a rule muted, a claim by another process: look again."""
        if self._started:
            self.check()

    # --- looking -------------------------------------------------------------------------------

    def periodic_check(self) -> None:
        """Every CHECK_S of loop time: look at the record, and wake the scheduler after a sleep."""
        wall, mono = self.app.ctx.now(), self._monotonic()
        if self._mark is not None:
            drift = (wall - self._mark[0]).total_seconds() - (mono - self._mark[1])
            if abs(drift) > DRIFT_S:
                self.wakeups += 1
                self.app.log.info(f"reminders: wall clock moved {drift:.0f} s beyond the loop's; "
                                  "rescheduling")
                self._schedule(self.next_at)  # re-map the job onto the clock as it is now
                if self.scheduler is not None and self.scheduler.running:
                    self.scheduler.wakeup()
        self._mark = (wall, mono)
        self.check()

    async def fire(self) -> None:
        """The APScheduler job. `async def`, so it runs on Textual's loop (a plain `def` job would
        run on APScheduler's thread pool, where touching the app is unsafe)."""
        self.check()

    def check(self) -> None:
        """Claim and show what is due, in a thread worker; then move the job to the next one."""
        if self._stopped or not self.app.is_running:
            return
        if self._looking:
            # A look reads the record and works out every treatment's reminders. At start-up three
            # came at once (the first look, the record read back after its own claim, the travel
            # note's write), each holding its copy: with 200 treatments that stacking was most of the
            # app's peak memory. What is asked for meanwhile is one more look, after this one.
            self._again = True
            return
        self._looking = True
        self._looks += 1
        zone = self.app.local_zone  # read here: a cached property is best filled on the loop
        look = self._looks
        # The plans the app already holds, reused by the claim where the record left them
        # unchanged: with 200 treatments, rebuilding them in every look was a third of its memory.
        known = {view.treatment.id: view.plan for view in self.app.views}
        self.app.run_worker(lambda: self._claim(look, zone, known), thread=True, group=WORKER_GROUP,
                            name="claim due reminders", exit_on_error=False)

    def _claim(self, look: int, zone: ZoneInfo, known: Mapping[str, Plan]) -> None:
        """In a worker thread: the claim (under the record's lock), then showing it; then the look
        asked for meanwhile, if any (started from the loop before this worker ends)."""
        try:
            self._claim_and_show(look, zone, known)
        finally:
            self._call(self._look_done)

    def _look_done(self) -> None:
        self._looking = False
        if self._again:
            self._again = False
            self.check()

    def _claim_and_show(self, look: int, zone: ZoneInfo, known: Mapping[str, Plan]) -> None:
        from aftercare.delivery import claim_due, settle
        from aftercare.store import RecordBusy, RecordUnreadable

        try:
            delivery = claim_due(self.app.ctx, zone, known=known)
        except RecordBusy:  # another writer held the lock too long: the next check retries
            return
        except RecordUnreadable as exc:
            self._call(self.app.announce_unreadable, exc)
            return
        except OSError as exc:
            self._call(self.app.notify, _("Reminders could not be checked: {error}").format(
                error=clean(exc.strerror or str(exc))), severity="error", markup=False)
            return
        # call_from_thread returns once the toasts are posted: only then is it delivered. If the
        # app closed first, the claim stays pending and `aftercare remind` shows it once we are gone.
        if not self._call(self._show, look, delivery):
            return
        try:
            settle(self.app.ctx, delivery)
        except (RecordBusy, OSError):  # stays pending: re-shown by another process after the lease
            pass
        if delivery:
            notifier = self._desktop()
            for note in delivery.notes():
                notifier.send(note.title, note.body, note.urgent)

    def _call(self, callback: Callable[..., object], *args: object, **kwargs: object) -> bool:
        try:
            self.app.call_from_thread(callback, *args, **kwargs)
            return True
        except RuntimeError:  # the app closed meanwhile
            return False

    def _desktop(self) -> Notifier:
        if self._notifier is None:
            from aftercare.notify import Notifier

            # fallback=False: the toast is the fallback; printing would tear the app's screen.
            self._notifier = Notifier(fallback=False)
        return self._notifier

    # --- on the loop ---------------------------------------------------------------------------

    def _show(self, look: int, delivery: Delivery) -> None:
        for note in delivery.notes():
            self.toast(note)
        if delivery:  # the claim changed the record: show it now, not at the next poll
            self.app.poll_record()
        if look >= self._applied:
            self._applied = look
            self._schedule(delivery.next_at)

    def toast(self, note: Note) -> None:
        """Our own toast, with Done and Snooze (screens.reminder_toast), and a bell."""
        self.app.notices.add(note)
        self.app.bell()

    def _schedule(self, next_at: datetime | None) -> None:
        """(Re-)add the one job at `next_at`, or remove it when nothing is left to remind."""
        self.next_at = next_at
        if self._stopped:
            return
        scheduler = self._scheduler()
        if next_at is None:
            if scheduler.get_job(JOB_ID) is not None:
                scheduler.remove_job(JOB_ID)
            return
        from apscheduler.triggers.date import DateTrigger

        scheduler.add_job(
            self.fire, DateTrigger(run_date=self._on_scheduler_clock(next_at), timezone=UTC),
            id=JOB_ID, name="next reminder", replace_existing=True,
            misfire_grace_time=None,  # never drop a job for firing late (after a sleep)
            coalesce=True,  # several missed runs are one look
            max_instances=1,
        )

    def _on_scheduler_clock(self, instant: datetime) -> datetime:
        """`instant` on the app's clock as a moment on APScheduler's (real) clock. They are the
        same clock in use; a pretend clock (tests) keeps the time left instead, so a job never
        fires in a burst for a moment the app's clock has not reached."""
        clock = self.app.ctx.clock
        if isinstance(clock, SystemClock):
            return instant
        left = max(instant - clock.now(), timedelta(0))
        return self._scheduler_clock.now() + left

    def _scheduler(self) -> AsyncIOScheduler:
        if self.scheduler is None:
            from apscheduler.schedulers.asyncio import AsyncIOScheduler  # first look, after paint

            # The running loop is Textual's (this runs on it); UTC keeps tzlocal out of it.
            self.scheduler = AsyncIOScheduler(timezone=UTC, job_defaults={
                "misfire_grace_time": None, "coalesce": True, "max_instances": 1})
            self.scheduler.start()
        return self.scheduler
