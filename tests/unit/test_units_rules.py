"""thidua_intake.units.rules: the hierarchy stays a tree; renames keep history; merges and splits
rewrite units and the participant lists of campaigns (pure, no I/O)."""

from datetime import date

import pytest

from thidua_common.contracts.unit import UnitChanged
from thidua_common.errors import DomainError
from thidua_common.http.app import domain_status
from thidua_common.i18n import t
from thidua_intake.units import rules
from thidua_intake.units.models import UnitMerge, UnitRename, UnitSplit, UnitWrite

ACTOR = "board"


def unit(unit_id, parent=None, status="active", valid_from="2010-01-01", unit_type="district", **extra):
    doc = rules.new_unit(
        unit_id=unit_id,
        name_vi=f"Đơn vị {unit_id}",
        name_en="",
        unit_type=unit_type,
        parent_id=parent,
        email=f"{unit_id}@daknong.test",
        valid_from=date.fromisoformat(valid_from) if valid_from else None,
        change=rules.change("created", ACTOR, ""),
    )
    return {**doc, "status": status, **extra}


def refused(fn, *args, **kwargs) -> DomainError:
    with pytest.raises(DomainError) as info:
        fn(*args, **kwargs)
    return info.value


def fields(error: DomainError) -> dict[str, str]:
    return {e.field: e.key for e in error.errors}


# -- hierarchy ------------------------------------------------------------------------------
def test_find_cycle_follows_parents_to_the_root():
    assert rules.find_cycle({"xa": "huyen", "huyen": "tinh", "tinh": None}, "xa") is None
    assert rules.find_cycle({"xa": "huyen"}, "xa") is None  # unknown parent: the chain just ends


def test_find_cycle_returns_the_loop():
    assert rules.find_cycle({"tinh": "xa", "xa": "huyen", "huyen": "tinh"}, "tinh") == ["tinh", "xa", "huyen", "tinh"]
    assert rules.find_cycle({"a": "a"}, "a") == ["a", "a"]
    # a loop above the start (corrupt data) is reported, not followed forever
    assert rules.find_cycle({"x": "a", "a": "b", "b": "a"}, "x") == ["a", "b", "a"]


# -- PUT --------------------------------------------------------------------------------------
def put_body(**overrides):
    body = {"name_vi": "Huyện Cư Jút", "unit_type": "district", "parent_id": "tinh", "valid_from": "2010-01-01"}
    return UnitWrite.model_validate({**body, **overrides})


def test_put_creates_an_active_unit_with_its_first_name_span():
    doc = rules.plan_put("huyen-cu-jut", None, put_body(), unit("tinh", unit_type="province"), {"tinh": None}, ACTOR)
    assert doc["revision"] == 1 and doc["status"] == "active" and doc["parent_id"] == "tinh"
    assert doc["name_history"] == [{"name_vi": "Huyện Cư Jút", "valid_from": "2010-01-01", "valid_to": None}]
    assert doc["change"] == {"kind": "created", "by": ACTOR, "reason": "", "detail": {}}
    UnitChanged.model_validate(doc)  # the event carries exactly this


def test_put_with_nothing_changed_is_a_no_op_and_a_change_bumps_the_revision():
    current = rules.plan_put("h", None, put_body(), unit("tinh"), {"tinh": None}, ACTOR)
    assert rules.plan_put("h", current, put_body(), unit("tinh"), {"tinh": None}, ACTOR) is None
    updated = rules.plan_put("h", current, put_body(email="vanthu@cujut.test"), unit("tinh"), {"tinh": None}, ACTOR)
    assert updated["revision"] == 2 and updated["email"] == "vanthu@cujut.test"
    assert updated["change"]["kind"] == "updated"
    assert updated["change"]["detail"] == {"email": {"from": None, "to": "vanthu@cujut.test"}}
    corrected = rules.plan_put(
        "h", current, put_body(name_vi="Huyện Cư Jút (sửa)"), unit("tinh"), {"tinh": None}, ACTOR
    )
    assert [s["name_vi"] for s in corrected["name_history"]] == ["Huyện Cư Jút (sửa)"]  # a correction, no history


def test_put_refuses_unknown_or_inactive_parent_and_cycles():
    error = refused(rules.plan_put, "h", None, put_body(parent_id="khong-co"), None, {}, ACTOR)
    assert domain_status(error) == 422 and fields(error) == {"parent_id": "unit.not_found"}
    error = refused(rules.plan_put, "h", None, put_body(), unit("tinh", status="merged"), {"tinh": None}, ACTOR)
    assert domain_status(error) == 409 and fields(error) == {"parent_id": "unit.inactive"}
    # tinh ← huyen ← xa: making xa the parent of tinh loops
    tinh = unit("tinh", unit_type="province")
    error = refused(
        rules.plan_put,
        "tinh",
        tinh,
        put_body(parent_id="xa"),
        unit("xa", "huyen"),
        {"xa": "huyen", "huyen": "tinh", "tinh": None},
        ACTOR,
    )
    assert domain_status(error) == 422 and fields(error) == {"parent_id": "unit.cycle"}
    assert error.params["path"] == "tinh → xa → huyen → tinh"
    error = refused(rules.plan_put, "tinh", tinh, put_body(parent_id="tinh"), tinh, {}, ACTOR)
    assert fields(error) == {"parent_id": "unit.cycle"}


def test_put_refuses_a_unit_that_is_no_longer_active():
    gone = unit("h", parent="tinh", status="merged")
    error = refused(rules.plan_put, "h", gone, put_body(name_vi="Tên khác"), unit("tinh"), {"tinh": None}, ACTOR)
    assert domain_status(error) == 409 and error.key == "unit.inactive"


# -- rename -----------------------------------------------------------------------------------
def test_rename_closes_the_current_span_the_day_before():
    doc = rules.plan_rename(
        unit("tx-gia-nghia", valid_from="2005-06-01"),
        UnitRename(
            name_vi="Thành phố Gia Nghĩa", name_en="Gia Nghia City", effective=date(2020, 1, 1), reason="NQ 835"
        ),
        ACTOR,
    )
    assert doc["unit_id"] == "tx-gia-nghia" and doc["revision"] == 2 and doc["name_vi"] == "Thành phố Gia Nghĩa"
    assert doc["name_history"] == [
        {"name_vi": "Đơn vị tx-gia-nghia", "valid_from": "2005-06-01", "valid_to": "2019-12-31"},
        {"name_vi": "Thành phố Gia Nghĩa", "valid_from": "2020-01-01", "valid_to": None},
    ]
    assert doc["change"]["kind"] == "renamed" and doc["change"]["detail"]["from"] == "Đơn vị tx-gia-nghia"
    assert doc["valid_from"] == "2005-06-01"  # the same unit


def test_rename_refusals_name_the_field():
    u = unit("h", valid_from="2010-01-01")
    error = refused(rules.plan_rename, u, UnitRename(name_vi="Đơn vị h", effective=date(2020, 1, 1), reason="x"), ACTOR)
    assert fields(error) == {"name_vi": "unit.same_name"}
    error = refused(
        rules.plan_rename, u, UnitRename(name_vi="Mới", effective=date(2010, 1, 1), reason="x"), ACTOR
    )
    assert fields(error) == {"effective": "unit.effective_before"}
    assert error.errors[0].render("en")["reason"] == (
        "The effective date 2010-01-01 must be after 2010-01-01, when unit 'h' took effect."
    )
    error = refused(rules.plan_rename, u, UnitRename(name_vi="Mới", effective=date(2009, 5, 1), reason="x"), ACTOR)
    assert "01/05/2009" in error.errors[0].render("vi")["reason"]
    error = refused(
        rules.plan_rename,
        unit("h", status="split"),
        UnitRename(name_vi="Mới", effective=date(2020, 1, 1), reason="x"),
        ACTOR,
    )
    assert domain_status(error) == 409 and error.key == "unit.inactive"


# -- merge ------------------------------------------------------------------------------------
def merge_body(sources, into, effective="2025-07-01"):
    return UnitMerge.model_validate(
        {"sources": sources, "into": into, "effective": effective, "reason": "NQ 1671/NQ-UBTVQH15"}
    )


NEW = {"unit_id": "huyen-moi", "name_vi": "Huyện Mới", "unit_type": "district"}


def test_merge_into_a_new_unit():
    a, b = unit("a", parent="tinh"), unit("b", parent="tinh")
    successor, written, mapping = rules.plan_merge(
        merge_body(["a", "b"], NEW), {"a": a, "b": b}, None, unit("tinh"), {"tinh": None}, [], ACTOR
    )
    by_id = {d["unit_id"]: d for d in written}
    for sid in ("a", "b"):
        assert by_id[sid]["status"] == "merged" and by_id[sid]["successors"] == ["huyen-moi"]
        assert by_id[sid]["valid_to"] == "2025-06-30" and by_id[sid]["revision"] == 2
        assert by_id[sid]["name_history"][-1]["valid_to"] == "2025-06-30"
    assert successor["predecessors"] == ["a", "b"] and successor["valid_from"] == "2025-07-01"
    assert successor["parent_id"] == "tinh"  # the first source's parent by default
    assert successor["change"]["kind"] == "merged"
    assert successor["change"]["detail"] == {"sources": ["a", "b"], "into": "huyen-moi", "effective": "2025-07-01"}
    assert mapping == {
        s: [{"unit_id": "huyen-moi", "name_vi": "Huyện Mới", "unit_type": "district", "email": None}] for s in "ab"
    }
    for doc in written:
        UnitChanged.model_validate(doc)


def test_merge_into_one_of_the_sources_which_absorbs_the_others():
    a = unit("tinh-lam-dong", unit_type="province", predecessors=["older"])
    b = unit("tinh-dak-nong", unit_type="province")
    successor, written, mapping = rules.plan_merge(
        merge_body(["tinh-dak-nong", "tinh-lam-dong"], {"unit_id": "tinh-lam-dong"}),
        {"tinh-lam-dong": a, "tinh-dak-nong": b},
        a,
        None,
        {},
        [],
        ACTOR,
    )
    assert [d["unit_id"] for d in written] == ["tinh-dak-nong", "tinh-lam-dong"]
    assert successor["status"] == "active" and successor["revision"] == 2
    assert successor["predecessors"] == ["older", "tinh-dak-nong"]
    assert successor["valid_from"] == "2025-07-01" and successor["name_vi"] == a["name_vi"]
    assert successor["change"]["detail"]["previous_valid_from"] == "2010-01-01"
    assert written[0]["status"] == "merged" and written[0]["successors"] == ["tinh-lam-dong"]
    assert set(mapping) == {"tinh-dak-nong", "tinh-lam-dong"}


def test_merge_moves_active_children_of_the_sources_under_the_successor():
    a, b = unit("a", parent="tinh"), unit("b", parent="tinh")
    children = [
        unit("xa-1", parent="a", unit_type="commune"),
        unit("xa-2", parent="b", status="merged", unit_type="commune"),
    ]
    _, written, _ = rules.plan_merge(
        merge_body(["a", "b"], NEW), {"a": a, "b": b}, None, unit("tinh"), {"tinh": None}, children, ACTOR
    )
    moved = {d["unit_id"]: d for d in written}["xa-1"]
    assert moved["parent_id"] == "huyen-moi" and moved["change"]["kind"] == "updated"
    assert moved["change"]["detail"]["parent_id"] == {"from": "a", "to": "huyen-moi"}
    assert "xa-2" not in {d["unit_id"] for d in written}  # history stays as it was


def test_merge_refusals():
    a, b = unit("a", parent="tinh"), unit("b", parent="tinh")
    sources = {"a": a, "b": b}
    plan = rules.plan_merge
    error = refused(plan, merge_body(["a", "a"], NEW), {"a": a}, None, unit("tinh"), {}, [], ACTOR)
    assert domain_status(error) == 422 and fields(error) == {"sources.1": "unit.merge_self"}
    assert t(error.key, "vi", **error.params) == "Không thể hợp nhất đơn vị 'a' với chính nó."
    error = refused(plan, merge_body(["a", "khong-co"], NEW), {"a": a}, None, unit("tinh"), {}, [], ACTOR)
    assert fields(error) == {"sources.1": "unit.not_found"}
    error = refused(
        plan, merge_body(["a", "b"], NEW), {"a": a, "b": {**b, "status": "merged"}}, None, unit("tinh"), {}, [], ACTOR
    )
    assert domain_status(error) == 409 and fields(error) == {"sources.1": "unit.inactive"}
    error = refused(
        plan, merge_body(["a", "b"], NEW, effective="2010-01-01"), sources, None, unit("tinh"), {}, [], ACTOR
    )
    assert domain_status(error) == 422 and {e.key for e in error.errors} == {"unit.effective_before"}
    error = refused(plan, merge_body(["a", "b"], NEW), sources, unit("huyen-moi"), unit("tinh"), {}, [], ACTOR)
    assert domain_status(error) == 409 and fields(error) == {"into.unit_id": "unit.exists"}
    error = refused(plan, merge_body(["a", "b"], {"unit_id": "moi"}), sources, None, unit("tinh"), {}, [], ACTOR)
    assert fields(error) == {"into.name_vi": "field.missing", "into.unit_type": "field.missing"}
    error = refused(plan, merge_body(["a", "b"], {**NEW, "parent_id": "a"}), sources, None, a, {}, [], ACTOR)
    assert fields(error) == {"into.parent_id": "unit.parent_ends"}


def test_merge_refuses_a_parent_below_one_of_the_sources():
    # xa-1 sits under source a; it would move under the successor, whose parent it would be
    a, b = unit("a", parent="tinh"), unit("b", parent="tinh")
    xa = unit("xa-1", parent="a", unit_type="commune")
    error = refused(
        rules.plan_merge,
        merge_body(["a", "b"], {**NEW, "parent_id": "xa-1"}),
        {"a": a, "b": b},
        None,
        xa,
        {"xa-1": "a", "a": "tinh", "tinh": None},
        [xa],
        ACTOR,
    )
    assert fields(error) == {"into.parent_id": "unit.cycle"}
    assert error.params["path"] == "huyen-moi → xa-1 → huyen-moi"


# -- split ------------------------------------------------------------------------------------
def split_body(*targets, effective="2025-07-01"):
    return UnitSplit.model_validate({"into": list(targets), "effective": effective, "reason": "Đề án sắp xếp"})


def test_split_ends_the_source_and_creates_its_successors():
    source = unit("huyen-krong-no", parent="tinh")
    ended, written, mapping = rules.plan_split(
        source,
        split_body(
            {"unit_id": "xa-1", "name_vi": "Xã Một", "unit_type": "commune"}, {"unit_id": "xa-2", "name_vi": "Xã Hai"}
        ),
        {},
        {"tinh": unit("tinh")},
        ACTOR,
    )
    assert ended["status"] == "split" and ended["successors"] == ["xa-1", "xa-2"] and ended["valid_to"] == "2025-06-30"
    one, two = written[1:]
    assert one["predecessors"] == two["predecessors"] == ["huyen-krong-no"]
    assert one["unit_type"] == "commune" and two["unit_type"] == "district"  # type defaults to the source's
    assert one["parent_id"] == two["parent_id"] == "tinh" and one["valid_from"] == "2025-07-01"
    assert [p["unit_id"] for p in mapping["huyen-krong-no"]] == ["xa-1", "xa-2"]


def test_split_refusals():
    source = unit("s", parent="tinh")
    parents = {"tinh": unit("tinh")}
    error = refused(
        rules.plan_split,
        source,
        split_body({"unit_id": "s", "name_vi": "Xã"}, {"unit_id": "x", "name_vi": "Xã"}),
        {},
        parents,
        ACTOR,
    )
    assert fields(error) == {"into.0.unit_id": "unit.split_self"}
    error = refused(
        rules.plan_split,
        source,
        split_body({"unit_id": "x", "name_vi": "Xã"}, {"unit_id": "x", "name_vi": "Xã"}),
        {},
        parents,
        ACTOR,
    )
    assert fields(error) == {"into.1.unit_id": "unit.duplicate"}
    error = refused(
        rules.plan_split,
        source,
        split_body({"unit_id": "x", "name_vi": "Xã"}, {"unit_id": "y", "name_vi": "Xã"}),
        {"y": unit("y")},
        parents,
        ACTOR,
    )
    assert domain_status(error) == 409 and fields(error) == {"into.1.unit_id": "unit.exists"}
    error = refused(
        rules.plan_split,
        source,
        split_body({"unit_id": "x", "name_vi": "Xã", "parent_id": "s"}, {"unit_id": "y", "name_vi": "Xã"}),
        {},
        parents,
        ACTOR,
    )
    assert fields(error) == {"into.0.parent_id": "unit.parent_ends"}
    error = refused(
        rules.plan_split,
        {**source, "status": "merged"},
        split_body({"unit_id": "x", "name_vi": "Xã"}, {"unit_id": "y", "name_vi": "Xã"}),
        {},
        parents,
        ACTOR,
    )
    assert domain_status(error) == 409 and error.key == "unit.inactive"


# -- campaign participants --------------------------------------------------------------------
def participant(unit_id, cluster, **extra):
    return {
        "unit_id": unit_id,
        "name_vi": f"Đơn vị {unit_id}",
        "unit_type": "district",
        "cluster_id": cluster,
        "email": None,
        **extra,
    }


SUCCESSOR = {"unit_id": "moi", "name_vi": "Huyện Mới", "unit_type": "district", "email": "moi@daknong.test"}


def test_merged_sources_are_replaced_once_in_the_cluster_of_the_first_source_that_takes_part():
    participants = [participant("x", "k1"), participant("b", "k2"), participant("a", "k3"), participant("y", "k1")]
    out = rules.replace_participants(participants, {"a": [SUCCESSOR], "b": [SUCCESSOR]})
    # a comes first among the sources: the successor takes a's place and cluster
    assert [(p["unit_id"], p["cluster_id"]) for p in out] == [("x", "k1"), ("moi", "k3"), ("y", "k1")]
    assert out[1] == {**SUCCESSOR, "cluster_id": "k3"}
    assert participants[1]["unit_id"] == "b"  # the input is left alone


def test_merge_when_only_one_source_takes_part_and_when_none_does():
    out = rules.replace_participants([participant("b", "k2")], {"a": [SUCCESSOR], "b": [SUCCESSOR]})
    assert out == [{**SUCCESSOR, "cluster_id": "k2"}]
    assert rules.replace_participants([participant("x", "k1")], {"a": [SUCCESSOR]}) is None


def test_a_successor_that_already_takes_part_keeps_its_entry():
    participants = [participant("a", "k1"), participant("moi", "k2")]
    assert rules.replace_participants(participants, {"a": [SUCCESSOR]}) == [participant("moi", "k2")]


def test_absorbing_source_is_refreshed_in_place():
    participants = [participant("a", "k1", email="old@x.test"), participant("b", "k2")]
    absorbing = {"unit_id": "a", "name_vi": "Tỉnh A mới", "unit_type": "province", "email": "a@x.test"}
    out = rules.replace_participants(participants, {"b": [absorbing], "a": [absorbing]})
    # b is the first source in the merge's order, so the successor takes b's cluster
    assert out == [{**absorbing, "cluster_id": "k2"}]


def test_split_source_is_replaced_by_every_successor_in_its_cluster():
    one = {"unit_id": "x1", "name_vi": "Xã 1", "unit_type": "commune", "email": None}
    two = {"unit_id": "x2", "name_vi": "Xã 2", "unit_type": "commune", "email": None}
    out = rules.replace_participants([participant("s", "k1"), participant("z", "k2")], {"s": [one, two]})
    assert [(p["unit_id"], p["cluster_id"]) for p in out] == [("x1", "k1"), ("x2", "k1"), ("z", "k2")]


def test_rename_keeps_the_participants_other_fields():
    participants = [participant("a", "k1", email="a@x.test")]
    out = rules.replace_participants(participants, {"a": [{"unit_id": "a", "name_vi": "Tên mới"}]})
    assert out == [{**participants[0], "name_vi": "Tên mới"}]
    assert rules.replace_participants(out, {"a": [{"unit_id": "a", "name_vi": "Tên mới"}]}) is None


# -- lineage ----------------------------------------------------------------------------------
def test_lineage_walks_both_ways_with_the_dates_of_each_change():
    units = {
        "a": unit("a", status="merged", valid_to="2020-06-30", successors=["c"]),
        "b": unit("b", status="merged", valid_to="2020-06-30", successors=["c"]),
        "c": unit(
            "c",
            status="split",
            valid_from="2020-07-01",
            valid_to="2025-06-30",
            predecessors=["a", "b"],
            successors=["d", "e"],
        ),
        "d": unit("d", valid_from="2025-07-01", predecessors=["c"]),
        "e": unit("e", valid_from="2025-07-01", predecessors=["c"]),
    }
    c = rules.lineage(units, "c")
    assert [(p["unit_id"], p["depth"], p["effective"]) for p in c["predecessors"]] == [
        ("a", 1, "2020-07-01"),
        ("b", 1, "2020-07-01"),
    ]
    assert [(s["unit_id"], s["effective"]) for s in c["successors"]] == [("d", "2025-07-01"), ("e", "2025-07-01")]
    a = rules.lineage(units, "a")
    assert a["predecessors"] == []
    assert [(s["unit_id"], s["depth"], s["via"]) for s in a["successors"]] == [
        ("c", 1, "a"),
        ("d", 2, "c"),
        ("e", 2, "c"),
    ]
    d = rules.lineage(units, "d")
    assert [p["unit_id"] for p in d["predecessors"]] == ["c", "a", "b"]
