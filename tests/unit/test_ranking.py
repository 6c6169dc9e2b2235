"""reporting leaderboard/ranking.py: standard competition ranking (1, 2, 2, 4), stable by name."""

from hypothesis import given
from hypothesis import strategies as st

from thidua_reporting.leaderboard.ranking import Standing, rank


def row(unit_id: str, total: float, name: str | None = None, cluster: str | None = None) -> Standing:
    return Standing(unit_id=unit_id, name=name or unit_id, cluster_id=cluster, total=total, max_total=100,
                    periods_reported=1 if total else 0)


def test_empty():
    assert rank([]) == []


def test_single_unit_is_first():
    assert [(s.unit_id, s.rank) for s in rank([row("a", 0)])] == [("a", 1)]


def test_highest_total_first():
    ranked = rank([row("c", 10), row("a", 90), row("b", 50)])
    assert [(s.unit_id, s.rank) for s in ranked] == [("a", 1), ("b", 2), ("c", 3)]


def test_ties_share_a_rank_and_the_next_rank_skips():
    ranked = rank([row("d", 10), row("b", 50), row("a", 88), row("c", 50)])
    assert [(s.unit_id, s.rank) for s in ranked] == [("a", 1), ("b", 2), ("c", 2), ("d", 4)]


def test_tie_at_the_top_and_bottom():
    ranked = rank([row("x", 5, "Xã B"), row("y", 5, "Xã A"), row("z", 1, "Xã C"), row("w", 1, "Xã D")])
    assert [(s.name, s.rank) for s in ranked] == [("Xã A", 1), ("Xã B", 1), ("Xã C", 3), ("Xã D", 3)]


def test_equal_totals_are_ordered_by_name_then_id_whatever_the_input_order():
    rows = [
        row("u3", 40, "Huyện Krông Nô"),
        row("u1", 40, "Huyện Cư Jút"),
        row("u4", 40, "Huyện Cư Jút"),  # same name: unit id decides
        row("u2", 40, "Huyện Đắk Mil"),
    ]
    expected = ["u1", "u4", "u2", "u3"]  # Vietnamese order: C < Đ < K
    assert [s.unit_id for s in rank(rows)] == expected
    assert [s.unit_id for s in rank(list(reversed(rows)))] == expected
    assert {s.rank for s in rank(rows)} == {1}


def test_units_that_reported_nothing_are_kept_at_zero():
    ranked = rank([row("silent", 0), row("busy", 12.5)])
    assert [(s.unit_id, s.rank, s.total, s.periods_reported) for s in ranked] == [
        ("busy", 1, 12.5, 1), ("silent", 2, 0, 0)
    ]


def test_cluster_ranks_are_given_within_each_cluster():
    ranked = rank([
        row("h1", 90, "Huyện A", "khoi-huyen"),
        row("s1", 80, "Sở A", "khoi-so"),
        row("h2", 70, "Huyện B", "khoi-huyen"),
        row("h3", 70, "Huyện C", "khoi-huyen"),
        row("s2", 60, "Sở B", "khoi-so"),
        row("h4", 10, "Huyện D", "khoi-huyen"),
        row("x", 5, "Không thuộc khối", None),
    ])
    assert [(s.unit_id, s.rank, s.cluster_rank) for s in ranked] == [
        ("h1", 1, 1), ("s1", 2, 1), ("h2", 3, 2), ("h3", 3, 2), ("s2", 5, 2), ("h4", 6, 4), ("x", 7, 1)
    ]


def test_float_noise_does_not_break_a_tie():
    ranked = rank([row("a", 0.1 + 0.2), row("b", 0.3), row("c", 0.2)])
    assert [(s.unit_id, s.rank) for s in ranked] == [("a", 1), ("b", 1), ("c", 3)]


def test_other_fields_are_preserved_and_input_not_mutated():
    original = [row("a", 1, "A", "khoi-huyen"), row("b", 2, "B", None)]
    ranked = rank(original)
    assert [s.rank for s in original] == [0, 0]
    assert ranked[1].cluster_id == "khoi-huyen" and ranked[1].name == "A" and ranked[1].max_total == 100


# totals as the service produces them: rounded to 4 decimals
totals = st.floats(min_value=0, max_value=10_000, allow_nan=False).map(lambda x: round(x, 4))
few_totals = st.sampled_from([0.0, 12.5, 40.0, 88.0, 100.0])
rows_strategy = st.lists(
    st.tuples(
        st.one_of(totals, few_totals),
        st.sampled_from(["Sở Y tế", "Huyện Cư Jút", "Xã Nam Đà", "Ban Dân tộc"]),
        st.sampled_from([None, "khoi-huyen", "khoi-so"]),
    ),
    max_size=30,
).map(lambda items: [row(f"u{i}", total, name, cluster) for i, (total, name, cluster) in enumerate(items)])


@given(rows_strategy)
def test_ranking_properties(rows):
    ranked = rank(rows)
    assert sorted(s.unit_id for s in ranked) == sorted(r.unit_id for r in rows)
    if ranked:
        assert ranked[0].rank == 1
    for earlier, later in zip(ranked, ranked[1:]):
        assert earlier.rank <= later.rank
        assert earlier.total >= later.total
        if earlier.total == later.total:
            assert (earlier.name, earlier.unit_id) < (later.name, later.unit_id)
    for a in ranked:
        assert a.rank == 1 + sum(1 for b in ranked if b.total > a.total)
        assert a.cluster_rank == 1 + sum(1 for b in ranked if b.cluster_id == a.cluster_id and b.total > a.total)
        for b in ranked:
            assert (a.total == b.total) == (a.rank == b.rank)


@given(rows_strategy, st.randoms())
def test_ranking_does_not_depend_on_input_order(rows, random):
    shuffled = list(rows)
    random.shuffle(shuffled)
    assert rank(shuffled) == rank(rows)
