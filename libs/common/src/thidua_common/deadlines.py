"""Deadlines of unit reports and reviews, reminders, the escalation ladder, quiet hours and the
daily digest (issue 15, items 1 and 2). Pure rules: no I/O, no clock (every function takes the
day or moment it reasons about, so that a check can run "as of" any day).

Conventions (working days as in thidua_common.calendar):
- A period's report is due `report_due_working_days` working days after the period's last day.
- A review is due `review_due_working_days` working days after the wait started (submission,
  reopening or appeal).
- A step of a ladder fires once, on the first check when the report or review is at least
  `after_working_days` late (negative: a reminder that many working days before the due date).
  A report submitted (or a review decided) stops the ladder: no step fires after it.
- Mails go out outside quiet hours (local time of the tenant, Asia/Ho_Chi_Minh by default): what
  falls inside them is delayed to their end, never dropped. One digest per recipient and local day
  gathers every item instead of one mail each.
"""

from collections import defaultdict
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from zoneinfo import ZoneInfo

from .calendar import add_working_days, next_working_day, working_days_between
from .contracts.period import period_bounds

VN_TZ = ZoneInfo("Asia/Ho_Chi_Minh")
DEFAULT_REPORT_DUE_WORKING_DAYS = 10
DEFAULT_REVIEW_DUE_WORKING_DAYS = 10  # the review queue's default (reviews/queue/rules.py)
DEFAULT_QUIET_START = time(21, 0)
DEFAULT_QUIET_END = time(7, 0)

REPORT = "report"
REVIEW = "review"
# a ladder whose last step is this many working days behind does not start any more
STALE_AFTER_WORKING_DAYS = 5


# -- due dates ---------------------------------------------------------------------------------------
def report_due_date(period: str, working_days: int, holidays: Collection[date] = ()) -> date:
    """When a unit's report for `period` (YYYY, YYYY-Qn or YYYY-MM) is due."""
    _, last, _ = period_bounds(period)
    return add_working_days(last, working_days, holidays)


def review_due_date(waiting_since: date, working_days: int, holidays: Collection[date] = ()) -> date:
    return add_working_days(waiting_since, working_days, holidays)


def working_days_late(due: date, on: date, holidays: Collection[date] = ()) -> int:
    """How many working days after `due` the day `on` is (0 when on time or early)."""
    return max(0, working_days_between(due, on, holidays))


def is_late(due: date, done_on: date) -> bool:
    """A report submitted (or a review decided) on `done_on` (its local day) is late when that day
    is after its due date: one rule that intake's check, reporting's timeliness figures and the
    review reports all apply (reporting does not hold the tenant's holidays). How late is counted
    in working days (working_days_late): 0 for a report sent on the week-end after a Friday due date."""
    return done_on > due


# -- the ladder --------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Step:
    """One rung: who is told (a role, relative to the unit of the report or the reviewer) and
    when, in working days relative to the due date (negative: a reminder before it)."""

    role: str
    after_working_days: int

    @property
    def kind(self) -> str:
        return "reminder" if self.after_working_days <= 0 else "escalated"


# unit reporter (reminded before, then told on the first late day) -> unit leader -> cluster head -> board
DEFAULT_REPORT_LADDER: tuple[Step, ...] = (
    Step("unit_reporter", -2),
    Step("unit_reporter", 1),
    Step("unit_leader", 3),
    Step("cluster_head", 5),
    Step("board_officer", 8),
)
# reviewer -> the reviewer's head -> board
DEFAULT_REVIEW_LADDER: tuple[Step, ...] = (
    Step("reviewer", -1),
    Step("reviewer_head", 2),
    Step("board_officer", 5),
)


def validate_ladder(steps: Sequence[Step]) -> None:
    """A ladder climbs: thresholds strictly increase (else two rungs would fire as one)."""
    if not steps:
        raise ValueError("a ladder needs at least one step")
    for before, after in zip(steps, steps[1:], strict=False):
        if after.after_working_days <= before.after_working_days:
            raise ValueError("steps must be in increasing order of after_working_days")


def position(due: date, today: date, holidays: Collection[date] = ()) -> int:
    """Working days of `today` relative to `due`: negative before it, 0 on it, n when n late."""
    return working_days_between(due, today, holidays)


def steps_due(
    steps: Sequence[Step],
    due: date,
    today: date,
    fired: Collection[int] = (),
    done_on: date | None = None,
    holidays: Collection[date] = (),
) -> list[int]:
    """Indexes of the steps to fire on `today`: reached and not fired yet. Nothing once the report
    is in (or the review decided), nor when today is more than STALE_AFTER_WORKING_DAYS past the
    last step (a campaign entered with its history must not escalate every old period). When a check was missed and several rungs
    were reached at once, only the highest one fires (the caller records the lower ones as passed
    over): escalating to a head and then, minutes later, to the board's officer would be a flood."""
    if done_on is not None:
        return []  # the report is in (even when the check runs as of an earlier day): nobody to chase
    at = position(due, today, holidays)
    if at > steps[-1].after_working_days + STALE_AFTER_WORKING_DAYS:
        return []  # long past the last step: a campaign entered late, or history; not a flood for the board
    reached = [i for i, s in enumerate(steps) if s.after_working_days <= at and i not in fired]
    if not reached:
        return []
    reminders = [i for i in reached if steps[i].after_working_days <= 0]
    escalations = [i for i in reached if steps[i].after_working_days > 0]
    if escalations:  # a reminder overtaken by lateness is pointless
        return [escalations[-1]]
    return [reminders[-1]]


def passed_over(steps: Sequence[Step], firing: int, fired: Collection[int] = ()) -> list[int]:
    """The lower rungs not fired when `firing` fires: recorded so that they never fire later."""
    return [i for i in range(firing) if i not in fired]


def step_day(step: Step, due: date, holidays: Collection[date] = ()) -> date:
    """The first day on which `step` fires (to show the ladder in the API)."""
    n = step.after_working_days
    if n >= 0:
        return add_working_days(due, n, holidays)
    day = due
    remaining = -n
    while remaining:
        day -= timedelta(days=1)
        if next_working_day(day, holidays) == day:
            remaining -= 1
    return day


# -- quiet hours -------------------------------------------------------------------------------------
@dataclass(frozen=True)
class QuietHours:
    start: time = DEFAULT_QUIET_START
    end: time = DEFAULT_QUIET_END
    tz: tzinfo = VN_TZ

    def contains(self, moment: datetime) -> bool:
        local = _aware(moment).astimezone(self.tz).time()
        if self.start == self.end:
            return False  # no quiet hours
        if self.start < self.end:  # e.g. 12:00-13:30
            return self.start <= local < self.end
        return local >= self.start or local < self.end  # across midnight, e.g. 21:00-07:00

    def send_at(self, moment: datetime) -> datetime:
        """`moment` itself outside quiet hours, else the end of the quiet hours (delayed, not
        dropped), in UTC."""
        moment = _aware(moment)
        if not self.contains(moment):
            return moment.astimezone(UTC)
        local = moment.astimezone(self.tz)
        end = datetime.combine(local.date(), self.end, tzinfo=self.tz)
        if end <= local:
            end = datetime.combine(local.date() + timedelta(days=1), self.end, tzinfo=self.tz)
        return end.astimezone(UTC)


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


# -- the digest --------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Notice:
    """One fact for one recipient: a reminder or an escalation of one report or review."""

    recipient: str  # an email address
    kind: str  # reminder | escalated
    subject: str  # report | review
    key: str  # what it is about (campaign/unit/period), for ordering and deduplication
    created_at: datetime


def digest_groups(notices: Iterable[Notice], quiet: QuietHours | None = None) -> dict[tuple[str, date], list[Notice]]:
    """One digest per recipient and local day of delivery (after quiet hours): the notices of a
    night are in the morning's digest. Inside a digest: escalations first, then by key; the same
    key and kind twice (a check rerun) is kept once."""
    quiet = quiet or QuietHours()
    groups: dict[tuple[str, date], dict[tuple[str, str], Notice]] = defaultdict(dict)
    for n in notices:
        day = quiet.send_at(n.created_at).astimezone(quiet.tz).date()
        groups[(n.recipient.lower(), day)].setdefault((n.kind, n.key), n)
    return {
        k: sorted(v.values(), key=lambda n: (n.kind != "escalated", n.key, n.created_at)) for k, v in groups.items()
    }


# -- timeliness --------------------------------------------------------------------------------------
def on_time_rate(outcomes: Iterable[bool]) -> float | None:
    """Share of reports in on time (True) among those due; None when none was due."""
    values = list(outcomes)
    return None if not values else round(sum(values) / len(values), 4)


# -- when a digest goes out --------------------------------------------------------------------------
def parse_quiet_hours(text: str, tz: tzinfo = VN_TZ) -> QuietHours:
    """ "21:00-07:00" (local time); empty: no quiet hours."""
    if not text:
        return QuietHours(time(0), time(0), tz)
    start, end = text.split("-")
    return QuietHours(time.fromisoformat(start), time.fromisoformat(end), tz)


def digest_time(first_noticed: datetime, daily_at: time, window: timedelta, quiet: QuietHours) -> datetime:
    """When a digest whose first item was noticed at `first_noticed` goes out (UTC): a rolling
    window after it when one is set, otherwise the next daily digest time (local) at or after it;
    either way outside quiet hours."""
    first = _aware(first_noticed)
    if window > timedelta(0):
        return quiet.send_at(first + window)
    local = first.astimezone(quiet.tz)
    at = datetime.combine(local.date(), daily_at, tzinfo=quiet.tz)
    if at < local:
        at = datetime.combine(local.date() + timedelta(days=1), daily_at, tzinfo=quiet.tz)
    return quiet.send_at(at)
