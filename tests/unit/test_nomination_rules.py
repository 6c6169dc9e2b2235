"""Pure nomination rules: prerequisite, quota, freeze, double award, the dossier and the moves
along a configured chain (pass, return, disclosure window, vote threshold, decision)."""

from datetime import UTC, date, datetime, timedelta

import pytest

from thidua_common.contracts.nomination import Nominee
from thidua_common.errors import DomainError
from thidua_common.http.app import domain_status
from thidua_common.i18n import t
from thidua_intake.commendation_config.models import AwardKind, ConfigWrite
from thidua_intake.nominations import rules
from thidua_intake.nominations.models import ActionWrite

LDTT, CSTD = "lao-dong-tien-tien", "chien-si-thi-dua-co-so"
NAMES = {LDTT: "Lao động tiên tiến", CSTD: "Chiến sĩ thi đua cơ sở"}
CHAIN = [
    {"id": "tham-dinh", "name_vi": "Thẩm định hồ sơ", "role": "board_officer", "service_days": 9, "kind": "review"},
    {"id": "cong-khai", "name_vi": "Công khai", "role": "board_officer", "service_days": 0, "kind": "disclosure"},
    {"id": "hoi-dong", "name_vi": "Hội đồng xét", "role": "council_member", "service_days": 2, "kind": "vote"},
    {"id": "quyet-dinh", "name_vi": "Chủ tịch quyết định", "role": "chairperson", "service_days": 5, "kind": "decision"},
]


def award(**overrides) -> AwardKind:
    return AwardKind.model_validate(
        {
            "id": CSTD,
            "name_vi": NAMES[CSTD],
            "nominee_kind": "individual",
            "chain": CHAIN,
            "disclosure_days": 10,
            "vote_threshold": 0.8,
            "rules": [
                {"kind": "prerequisite", "requires_award_kind": LDTT, "consecutive_years": 2},
                {"kind": "quota", "of_award_kind": LDTT, "max_share": 0.15},
                {"kind": "freeze_on"},
                {"kind": "no_double_award"},
            ],
            **overrides,
        }
    )


def person(pid="nv-01", unit="so-noi-vu") -> dict:
    return {"kind": "individual", "unit_id": unit, "person_id": pid}


def held(kind, year, nominee) -> dict:
    return {"award_kind": kind, "year": year, "nominee": nominee}


def ldtt_holders(year, count, unit="so-noi-vu") -> list[dict]:
    return [held(LDTT, year, person(f"nv-{i:02d}", unit)) for i in range(1, count + 1)]


def codes(errors) -> list[str]:
    return [e.key for e in errors]


def check(awards=(), nominations=(), flags=(), nominee=None, year=2024, a=None):
    return rules.check_rules(a or award(), nominee or person(), year, list(awards), list(nominations), list(flags), NAMES)


# -- rules ------------------------------------------------------------------------------------
def test_two_consecutive_years_of_lao_dong_tien_tien_are_required():
    awards = ldtt_holders(2024, 10) + [held(LDTT, 2022, person())]
    errors = check(awards)
    assert codes(errors) == ["rule.prerequisite"]
    text = t(errors[0].key, "vi", **errors[0].params)
    assert text.startswith("Chưa đủ 2 năm liên tục đạt Lao động tiên tiến")
    assert "2023" in text
    assert check(awards + [held(LDTT, 2023, person())]) == []


def test_prerequisite_counts_the_same_person_only():
    awards = ldtt_holders(2024, 10) + [held(LDTT, 2023, person("nv-02"))]
    assert codes(check(awards)) == ["rule.prerequisite"]


def test_quota_is_a_share_of_the_units_holders_that_year():
    base = ldtt_holders(2024, 13) + [held(LDTT, 2023, person())]  # 13 holders × 15% = 1.95 → 1
    assert check(base) == []
    taken = [{"nomination_id": "dn-1", "status": "in_progress", "award_kind": CSTD, "year": 2024,
              "nominee": person("nv-05")}]
    errors = check(base, taken)
    assert codes(errors) == ["rule.quota"]
    text = t(errors[0].key, "vi", **errors[0].params)
    assert text.startswith("Vượt tỷ lệ 15%") and "tối đa 1" in text
    assert "15%" in t(errors[0].key, "en", **errors[0].params)
    # a failed or withdrawn nomination frees its place; another unit's holders do not count
    assert check(base, [{**taken[0], "status": "failed"}]) == []
    assert codes(check(base + ldtt_holders(2024, 20, "so-y-te"), taken)) == ["rule.quota"]


def test_quota_counts_awards_already_decided():
    base = ldtt_holders(2024, 7) + [held(LDTT, 2023, person())]  # 7 × 15% = 1.05 → 1
    assert codes(check(base + [held(CSTD, 2024, person("nv-03"))])) == ["rule.quota"]


def test_a_pending_discipline_freezes_the_award():
    base = ldtt_holders(2024, 10) + [held(LDTT, 2023, person())]
    flag = {"unit_id": "so-noi-vu", "person_id": "nv-01", "kind": "discipline", "active": True, "reason": "Vi phạm"}
    errors = check(base, flags=[flag])
    assert codes(errors) == ["rule.freeze.discipline"]
    assert t(errors[0].key, "vi", **errors[0].params).startswith("Đang bị xem xét kỷ luật")
    assert check(base, flags=[{**flag, "active": False}]) == []
    assert check(base, flags=[{**flag, "person_id": "nv-09"}]) == []  # someone else
    assert codes(check(base, flags=[{**flag, "person_id": None, "kind": "inspection"}])) == ["rule.freeze.inspection"]


def test_a_collective_freezes_on_anyone_in_it():
    a = award(id="tap-the-ldxs", name_vi="Tập thể lao động xuất sắc", nominee_kind="collective",
              rules=[{"kind": "freeze_on", "flags": ["discipline", "complaint"]}])
    unit = {"kind": "collective", "unit_id": "so-noi-vu", "person_id": None}
    flag = {"unit_id": "so-noi-vu", "person_id": "nv-07", "kind": "complaint", "active": True, "reason": "Đơn tố cáo"}
    assert codes(check(flags=[flag], nominee=unit, a=a)) == ["rule.freeze.complaint"]
    assert check(flags=[{**flag, "kind": "inspection"}], nominee=unit, a=a) == []  # not configured to freeze


def test_no_double_award():
    base = ldtt_holders(2024, 20) + [held(LDTT, 2023, person())]
    errors = check(base + [held(CSTD, 2024, person())])
    assert "rule.double_award" in codes(errors)
    assert t("rule.double_award", "vi", **errors[-1].params).startswith("Đã được khen thưởng cho thành tích này")
    pending = [{"nomination_id": "dn-9", "status": "returned", "award_kind": CSTD, "year": 2024, "nominee": person()}]
    assert codes(check(base, pending)) == ["rule.double_pending"]
    assert check(base, pending, nominee=None) != []
    # the nomination itself is excluded when checked again
    assert rules.check_rules(award(), person(), 2024, base, pending, [], NAMES, exclude="dn-9") == []


def test_filing_needs_the_right_nominee_and_every_required_document():
    docs = [{"kind": "cover_request", "document_id": "f1"}, {"kind": "achievement_report", "document_id": "f2"}]
    errors = rules.check_filing(award(), Nominee(kind="individual", unit_id="u1"), docs)
    assert codes(errors) == ["nomination.person_required", "nomination.missing_document"]
    assert errors[1].params == {"kind": "vote_minutes"}
    minutes = {"kind": "vote_minutes", "document_id": "f3"}
    errors = rules.check_filing(award(), Nominee(kind="collective", unit_id="u1"), docs + [minutes])
    assert codes(errors) == ["nomination.nominee_kind"]


def test_a_required_document_counts_only_as_an_uploaded_file():
    # issue 11: a reference typed by the filer (name, link, hash) is not the document itself
    uploaded = [{"kind": "cover_request", "document_id": "f1"}, {"kind": "achievement_report", "document_id": "f2"}]
    typed = {"kind": "vote_minutes", "name": "bb.pdf", "url": "https://x.test/bb.pdf", "sha256": "a" * 64, "size": 1}
    errors = rules.check_filing(award(), Nominee(kind="individual", unit_id="u1", person_id="p1"), uploaded + [typed])
    assert codes(errors) == ["dossier.missing_file"] and errors[0].params == {"kind": "vote_minutes"}
    assert errors[0].reason("vi") == "Hồ sơ thiếu tài liệu bắt buộc loại 'vote_minutes' dưới dạng tệp đã tải lên."


def test_configuration_chains_end_with_one_decision():
    with pytest.raises(ValueError):
        award(chain=CHAIN[:3])
    with pytest.raises(ValueError):
        award(chain=[CHAIN[0], CHAIN[0], CHAIN[3]])
    with pytest.raises(ValueError):
        ConfigWrite.model_validate({"award_kinds": [award().model_dump(), award().model_dump()]})


# -- the chain --------------------------------------------------------------------------------
MONDAY = datetime(2024, 2, 5, 2, 0, tzinfo=UTC)  # 09:00 in Vietnam
TET = {date(2024, 2, d) for d in range(8, 15)}
BOARD = rules.Actor("can-bo-ban", frozenset({"board_officer"}))
COUNCIL = rules.Actor("hoi-dong", frozenset({"council_member"}))
CHAIR = rules.Actor("chu-tich", frozenset({"chairperson"}))
LEADER = rules.Actor("lanh-dao", frozenset({"unit_leader"}), "so-noi-vu")


def filed(a=None, now=MONDAY) -> dict:
    doc = {"nomination_id": "dn-1", "nominee": person(), "comments": [], "stages": [], "status": "in_progress"}
    rules.start(doc, a or award(), now, TET)
    return doc


def act(doc, actor, now=MONDAY, a=None, flags=(), **body):
    return rules.act(doc, a or award(), ActionWrite.model_validate(body), actor, now, TET, flags)


def test_a_stage_is_due_in_working_days_and_records_the_days_spent():
    doc = filed()
    assert doc["stage"] == "tham-dinh"
    assert doc["stages"][0]["due_on"] == "2024-02-23"  # 9 working days across Tết
    later = MONDAY + timedelta(days=10)  # Thursday 15/02, the first day after Tết
    out = act(doc, BOARD, later, action="pass")
    assert out.change.kind == "passed" and out.doc["stage"] == "cong-khai"
    assert out.doc["stages"][0]["working_days"] == 3.0
    assert out.doc["stages"][1]["due_on"] == "2024-02-29"  # the 10-day disclosure window
    assert doc["stage"] == "tham-dinh"  # the input is not changed


def test_only_the_stage_role_may_act_and_only_with_legal_actions():
    doc = filed()
    with pytest.raises(DomainError) as e:
        act(doc, COUNCIL, action="pass")
    assert domain_status(e.value) == 403
    with pytest.raises(DomainError) as e:
        act(doc, BOARD, action="vote", vote={"members": 9, "yes": 9, "no": 0})
    assert (domain_status(e.value), e.value.key) == (409, "nomination.illegal_action")
    with pytest.raises(DomainError) as e:
        act(doc, BOARD, action="pass", stage="hoi-dong")
    assert (domain_status(e.value), e.value.key) == (409, "nomination.stage_mismatch")
    with pytest.raises(DomainError) as e:
        act(doc, BOARD, action="return", reason="")
    assert domain_status(e.value) == 422


def test_return_and_resubmit_reenter_the_returning_stage():
    doc = act(filed(), BOARD, action="pass").doc
    doc = act(doc, BOARD, MONDAY + timedelta(days=25), action="pass").doc  # window closed
    assert doc["stage"] == "hoi-dong"
    returned = act(doc, COUNCIL, action="return", reason="Thiếu biên bản họp xét").doc
    assert returned["status"] == "returned" and returned["stages"][-1]["outcome"] == "returned"
    with pytest.raises(DomainError) as e:
        act(returned, COUNCIL, action="vote", vote={"members": 9, "yes": 9, "no": 0})
    assert e.value.key == "nomination.not_open"
    docs = [{"kind": k, "document_id": k} for k in ("cover_request", "achievement_report")]
    with pytest.raises(DomainError) as e:
        rules.resubmit(returned, award(), docs, None, "", LEADER, MONDAY, TET)
    assert e.value.key == "nomination.missing_document"
    out = rules.resubmit(returned, award(), docs + [{"kind": "vote_minutes", "document_id": "bb"}], "Bổ sung", "đã bổ sung", LEADER, MONDAY, TET)
    assert out.doc["status"] == "in_progress" and out.doc["stage"] == "hoi-dong"
    assert out.doc["stages"][-1]["left_at"] is None and out.doc["achievement"] == "Bổ sung"


def test_disclosure_window_takes_comments_only_while_open():
    doc = act(filed(), BOARD, action="pass").doc
    out = act(doc, COUNCIL, action="comment", reason="Đồng ý")
    assert out.doc["comments"][0]["text"] == "Đồng ý"
    with pytest.raises(DomainError) as e:
        act(doc, BOARD, action="pass")
    assert e.value.key == "nomination.window_open"
    late = MONDAY + timedelta(days=25)
    with pytest.raises(DomainError) as e:
        act(doc, COUNCIL, late, action="comment", reason="Muộn")
    assert (domain_status(e.value), e.value.key) == (409, "nomination.window_closed")
    assert act(doc, BOARD, late, action="pass").doc["stage"] == "hoi-dong"


def test_a_vote_below_the_threshold_fails_with_the_reason():
    quick = award(disclosure_days=0)
    doc = act(act(filed(quick), BOARD, action="pass", a=quick).doc, BOARD, action="pass", a=quick).doc
    out = act(doc, COUNCIL, action="vote", vote={"members": 10, "yes": 7, "no": 3})
    assert out.doc["status"] == "failed" and out.doc["vote"]["passed"] is False
    assert "thấp hơn ngưỡng 80%" in out.change.reason
    with pytest.raises(DomainError) as e:
        act(doc, COUNCIL, action="vote", vote={"members": 5, "yes": 4, "no": 2})
    assert domain_status(e.value) == 422
    passed = act(doc, COUNCIL, action="vote", vote={"members": 10, "yes": 8, "no": 1, "abstain": 1})
    assert passed.doc["stage"] == "quyet-dinh" and passed.doc["vote"]["passed"] is True
    decided = act(passed.doc, CHAIR, action="decide",
                  decision={"number": "123/QĐ-UBND", "date": "2024-03-01", "signer": "Chủ tịch UBND tỉnh"})
    assert decided.decided and decided.doc["status"] == "decided" and decided.doc["stage"] is None
    with pytest.raises(DomainError):
        act(decided.doc, CHAIR, action="withdraw", reason="Rút hồ sơ")


def test_a_flag_raised_mid_chain_freezes_it_and_withdraw_needs_the_nominating_unit():
    doc = filed()
    flag = {"unit_id": "so-noi-vu", "person_id": "nv-01", "kind": "inspection", "active": True, "reason": "Thanh tra"}
    with pytest.raises(DomainError) as e:
        act(doc, BOARD, action="pass", flags=[flag])
    assert (domain_status(e.value), e.value.key) == (409, "nomination.frozen")
    with pytest.raises(DomainError) as e:
        act(doc, rules.Actor("x", frozenset({"unit_leader"}), "so-y-te"), action="withdraw", reason="Rút hồ sơ")
    assert domain_status(e.value) == 403
    assert act(doc, LEADER, action="withdraw", reason="Rút hồ sơ").doc["status"] == "withdrawn"


def test_overdue_counts_working_days_past_the_due_date():
    doc = filed()  # due 23/02/2024
    assert rules.overdue_days(doc, date(2024, 2, 23), TET) == 0
    assert rules.overdue_days(doc, date(2024, 2, 26), TET) == 1
    assert rules.overdue_days(doc, date(2024, 3, 4), TET) == 6
    assert rules.overdue_days({**doc, "status": "returned"}, date(2024, 3, 4), TET) == 0
