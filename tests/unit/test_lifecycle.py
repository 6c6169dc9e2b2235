"""intake campaigns/lifecycle.py: which status changes are legal and what each status allows."""

import itertools

import pytest

from thidua_common.contracts.campaign import CampaignStatus as S
from thidua_common.http import ApiError
from thidua_common.i18n import t
from thidua_intake.campaigns.lifecycle import (
    allowed_next,
    check_editable,
    check_open_for_ratings,
    check_open_for_registrations,
    check_open_for_submissions,
    check_transition,
    label,
)

LEGAL = {
    (S.draft, S.launched),
    (S.launched, S.running),
    (S.running, S.reviewing),
    (S.reviewing, S.running),  # an interim review ends and the campaign runs on
    (S.reviewing, S.closed),
}


@pytest.mark.parametrize("current, requested", sorted(LEGAL))
def test_legal_transitions_pass(current, requested):
    check_transition(current, requested)
    check_transition(current.value, requested.value)  # as stored in MongoDB


@pytest.mark.parametrize(
    "current, requested", [pair for pair in itertools.product(S, S) if pair not in LEGAL]
)
def test_every_other_transition_is_refused_with_409_naming_both_statuses(current, requested):
    with pytest.raises(ApiError) as caught:
        check_transition(current, requested)
    error = caught.value
    assert error.status == 409 and error.key == "campaign.transition"
    assert error.errors[0].field == "status"
    message = t(error.key, "vi", **error.params)
    assert label(current) in message and label(requested) in message


def test_refusal_names_the_statuses_in_vietnamese_and_what_is_allowed():
    with pytest.raises(ApiError) as caught:
        check_transition(S.draft, S.closed)
    vi = t(caught.value.key, "vi", **caught.value.params)
    assert vi == (
        "Không thể chuyển phong trào từ trạng thái «nháp» (draft) sang «đã kết thúc» (closed); "
        "từ trạng thái hiện tại chỉ có thể chuyển sang: «đã phát động» (launched)."
    )
    en = t(caught.value.key, "en", **caught.value.params)
    assert en.startswith("The campaign cannot move from «nháp» (draft) to «đã kết thúc» (closed)")


def test_a_closed_campaign_allows_nothing_further():
    assert allowed_next(S.closed) == []
    with pytest.raises(ApiError) as caught:
        check_transition(S.closed, S.running)
    assert caught.value.params["allowed"] == "—"


def test_the_whole_path_from_draft_to_closed():
    path = [S.draft, S.launched, S.running, S.reviewing, S.running, S.reviewing, S.closed]
    for current, requested in zip(path, path[1:]):
        check_transition(current, requested)


def test_labels_are_the_vietnamese_status_names():
    assert [label(s) for s in S] == [
        "«nháp» (draft)",
        "«đã phát động» (launched)",
        "«đang triển khai» (running)",
        "«đang sơ kết/tổng kết» (reviewing)",
        "«đã kết thúc» (closed)",
    ]


@pytest.mark.parametrize("status", list(S))
def test_only_a_closed_campaign_refuses_edits(status):
    if status == S.closed:
        with pytest.raises(ApiError) as caught:
            check_editable(status)
        assert caught.value.status == 409 and caught.value.key == "campaign.closed"
    else:
        check_editable(status)


@pytest.mark.parametrize(
    "check, key, open_in",
    [
        (check_open_for_submissions, "campaign.not_open", {S.launched, S.running, S.reviewing}),
        (check_open_for_registrations, "registration.not_open", {S.launched, S.running}),
        (check_open_for_ratings, "rating.not_open", {S.launched, S.running, S.reviewing}),
    ],
)
@pytest.mark.parametrize("status", list(S))
def test_what_each_status_accepts(check, key, open_in, status):
    if status in open_in:
        check(status)
        return
    with pytest.raises(ApiError) as caught:
        check(status)
    error = caught.value
    assert error.status == 409 and error.key == key
    assert error.errors[0].field == "campaign_id"
    assert label(status) in t(key, "vi", **error.params)
