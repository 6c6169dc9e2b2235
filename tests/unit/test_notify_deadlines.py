"""Issue 15: notify's digest of deadline reminders and escalations: one mail per recipient (all its
items together), never during quiet hours (delayed, not dropped), a redelivered event recorded once."""

from datetime import UTC, date, datetime, timedelta

from thidua_common.contracts import new_event
from thidua_common.contracts.deadline import DeadlineNotice
from thidua_common.contracts.registry import DEADLINE_ESCALATED, DEADLINE_REMINDER
from thidua_common.settings import Settings
from thidua_notify.deadline_digests import DeadlineDigests

from .fake_mongo import FakeDb
from .test_deadletters import Mailbox

NOON = datetime(2026, 11, 30, 5, 0, tzinfo=UTC)  # 12:00 in Hà Nội


def digests(mailbox, window=5.0, quiet="21:00-07:00"):
    settings = Settings(notify_deadline_digest_seconds=window, notify_quiet_hours=quiet, notify_backoff_seconds=1)
    return DeadlineDigests(FakeDb(), mailbox, settings)


def event(kind, unit, role, emails, late, step):
    notice = DeadlineNotice(
        subject="report", campaign_id="pt-cchc", campaign_name_vi="Cải cách hành chính", unit_id=unit,
        unit_name_vi={"u1": "Huyện Cư Jút", "u2": "Huyện Đắk Mil"}[unit], period="2026-Q3",
        due_on=date(2026, 10, 14), as_of=date(2026, 10, 14), working_days_late=late, step=step, step_role=role,
        final_step=False, recipients=[{"role": role, "unit_id": unit, "emails": emails}],
    )
    return new_event(type=kind, source="/test", tenant="daknong", subject=f"pt-cchc/{unit}/2026-Q3", data=notice)


async def test_one_digest_per_recipient_with_escalations_first():
    mailbox = Mailbox()
    d = digests(mailbox)
    reminder = event(DEADLINE_REMINDER, "u1", "unit_reporter", ["LEAD@dn.vn"], -2, 0)
    escalated = event(DEADLINE_ESCALATED, "u2", "cluster_head", ["lead@dn.vn"], 5, 3)
    other = event(DEADLINE_ESCALATED, "u2", "board_officer", ["board@dn.vn"], 5, 3)
    for e in (reminder, escalated, other):
        await d.on_notice(e, DeadlineNotice.model_validate(e.data), NOON)
    assert await d.on_notice(reminder, DeadlineNotice.model_validate(reminder.data), NOON) == 0  # again: once
    assert await d.gather(NOON + timedelta(seconds=4)) == 0  # the window is not over
    assert await d.gather(NOON + timedelta(seconds=5)) == 2
    while await d.send_one(NOON + timedelta(seconds=5)):
        pass
    mails = {m.recipient: m for m in mailbox.sent}
    assert set(mails) == {"lead@dn.vn", "board@dn.vn"}
    lead = mails["lead@dn.vn"]
    assert lead.subject == "[Thi Đua] Nhắc việc ngày 30/11/2026: 2 việc cần xử lý"
    lines = [line for line in lead.body.splitlines() if line.startswith("- ")]
    assert lines == [
        "- Báo cáo kỳ 2026-Q3 của Huyện Đắk Mil (phong trào «Cải cách hành chính») quá hạn 5 ngày làm việc "
        "(hạn: 14/10/2026); báo đến: cụm trưởng.",
        "- Báo cáo kỳ 2026-Q3 của Huyện Cư Jút (phong trào «Cải cách hành chính») đến hạn ngày 14/10/2026, "
        "còn 2 ngày làm việc.",
    ]
    assert not await d.send_one(NOON + timedelta(seconds=6))  # sent once


async def test_quiet_hours_delay_the_digest_to_the_morning():
    mailbox = Mailbox()
    d = digests(mailbox)
    night = datetime(2026, 11, 30, 15, 0, tzinfo=UTC)  # 22:00 local
    e = event(DEADLINE_ESCALATED, "u2", "unit_leader", ["lead@dn.vn"], 3, 2)
    await d.on_notice(e, DeadlineNotice.model_validate(e.data), night)
    assert await d.gather(night + timedelta(hours=1)) == 0
    assert not await d.send_one(night + timedelta(hours=1))
    morning = datetime(2026, 12, 1, 0, 0, tzinfo=UTC)  # 07:00 local
    assert await d.gather(morning) == 1
    assert await d.send_one(morning) and len(mailbox.sent) == 1
    assert "ngày 01/12/2026" in mailbox.sent[0].subject


async def test_the_daily_digest_waits_for_its_hour():
    mailbox = Mailbox()
    d = digests(mailbox, window=0)
    e = event(DEADLINE_REMINDER, "u1", "unit_reporter", ["u1@dn.vn"], -2, 0)
    await d.on_notice(e, DeadlineNotice.model_validate(e.data), NOON)
    assert await d.gather(NOON + timedelta(hours=12)) == 0
    assert await d.gather(datetime(2026, 12, 1, 0, 30, tzinfo=UTC)) == 1  # 07:30 local the next day


async def test_a_failed_send_is_retried():
    mailbox = Mailbox()
    mailbox.fail_next = 1
    d = digests(mailbox, quiet="")
    e = event(DEADLINE_REMINDER, "u1", "unit_reporter", ["u1@dn.vn"], -1, 0)
    await d.on_notice(e, DeadlineNotice.model_validate(e.data), NOON)
    await d.gather(NOON + timedelta(seconds=5))
    assert await d.send_one(NOON + timedelta(seconds=5)) and mailbox.sent == []
    assert await d.send_one(NOON + timedelta(seconds=7)) and len(mailbox.sent) == 1
