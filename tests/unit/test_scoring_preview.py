"""Issue 11: scoring's POST /api/v1/preview — how a sample submission would score under a draft
definition. Authenticated (board officer, chairperson), pure, catalogue errors, and the same points
as the score scoring publishes for a real submission with the same values."""

import json
from datetime import UTC, datetime, timedelta

import pytest
from aiohttp.test_utils import TestClient, TestServer

from thidua_common.auth import mint_token
from thidua_common.contracts.campaign import CampaignDefined, Criterion, Participant
from thidua_common.contracts.registration import RegistrationChanged, Target
from thidua_common.settings import Settings
from thidua_scoring import causes
from thidua_scoring.endpoint import build
from thidua_scoring.plan import Cohorts, Job, Planner
from thidua_scoring.scorers import load_scorers

SETTINGS = Settings(environment="development", max_body_bytes=64 * 1024, max_auth_header_bytes=4096)
SCORERS = load_scorers()

# three levels: group → group → leaves, with a per-occurrence leaf capped, a penalty and a rating
CRITERIA = [
    {
        "id": "kinh-te",
        "name_vi": "Phát triển kinh tế",
        "name_en": "Economy",
        "max_points": 60,
        "children": [
            {
                "id": "nong-thon",
                "name_vi": "Nông thôn mới",
                "max_points": 40,
                "children": [
                    {"id": "xa-dat-chuan", "name_vi": "Số xã đạt chuẩn", "max_points": 30, "target": 10},
                    {
                        "id": "mo-hinh",
                        "name_vi": "Mô hình mới",
                        "max_points": 15,
                        "scorer": "per_occurrence",
                        "params": {"points_per": 5},
                    },
                ],
            },
            {"id": "ho-thoat-ngheo", "name_vi": "Hộ thoát nghèo", "max_points": 20, "target": 100},
        ],
    },
    {
        "id": "vi-pham",
        "name_vi": "Vi phạm",
        "max_points": 10,
        "scorer": "penalty",
        "params": {"points_per": 2},
    },
    {"id": "danh-gia", "name_vi": "Đánh giá của hội đồng", "max_points": 40, "scorer": "reviewer_rating"},
]
SAMPLE = {"xa-dat-chuan": 8, "mo-hinh": 4, "ho-thoat-ngheo": 150, "vi-pham": 1, "danh-gia": 7.5}


def token(*roles: str, unit: str | None = None, secret: str | None = None) -> str:
    s = SETTINGS if secret is None else Settings(environment="development", jwt_secret=secret)
    return mint_token(s, subject="u-1", tenant="daknong", roles=list(roles), unit_id=unit, ttl=timedelta(minutes=5))


BOARD = {"Authorization": f"Bearer {token('board_officer')}"}


def body(**kw) -> dict:
    return {"criteria": CRITERIA, "values": SAMPLE, **kw}


@pytest.fixture
async def client():
    async with TestClient(TestServer(build(lambda: None, settings=SETTINGS, scorers=SCORERS))) as c:
        yield c


async def post(client, payload, headers=None, raw: bytes | None = None):
    data = raw if raw is not None else json.dumps(payload).encode()
    response = await client.post(
        "/api/v1/preview", data=data, headers={"Content-Type": "application/json", **(BOARD if headers is None else headers)}
    )
    return response.status, await response.json()




async def test_preview_scores_a_three_level_tree_and_explains_each_line_in_vietnamese(client):
    status, answer = await post(client, body())
    assert status == 200, answer
    lines = {line["criterion_id"]: line for line in answer["criteria"]}
    assert [line["criterion_id"] for line in answer["criteria"]] == [
        "kinh-te", "nong-thon", "xa-dat-chuan", "mo-hinh", "ho-thoat-ngheo", "vi-pham", "danh-gia",
    ]  # fmt: skip
    assert lines["xa-dat-chuan"]["points"] == 24 and lines["xa-dat-chuan"]["target_source"] == "criterion"
    assert lines["mo-hinh"]["points"] == 15  # 4 × 5 = 20, capped at 15
    assert lines["nong-thon"]["points"] == 39 and lines["nong-thon"]["parent_id"] == "kinh-te"
    assert lines["ho-thoat-ngheo"]["points"] == 20
    assert lines["kinh-te"]["points"] == 59 and lines["kinh-te"]["kind"] == "group"
    assert lines["vi-pham"]["points"] == -2
    assert "Cộng các tiêu chí con" in lines["nong-thon"]["explanation"]
    assert lines["xa-dat-chuan"]["name"] == "Số xã đạt chuẩn"
    assert answer["total"] == round(59 - 2 + lines["danh-gia"]["points"], 4)
    assert answer["max_total"] == 100  # the sum of top-level maxima; a penalty adds nothing


async def test_preview_answers_in_english_and_uses_the_sample_target(client):
    status, answer = await post(
        client, body(targets={"xa-dat-chuan": 16}), {**BOARD, "Accept-Language": "en"}
    )
    assert status == 200
    lines = {line["criterion_id"]: line for line in answer["criteria"]}
    assert lines["xa-dat-chuan"]["points"] == 15 and lines["xa-dat-chuan"]["target"] == 16
    assert lines["xa-dat-chuan"]["target_source"] == "sample"
    assert "Sum of sub-criteria" in lines["nong-thon"]["explanation"] and lines["kinh-te"]["name"] == "Economy"
    assert "điểm" not in json.dumps([line["explanation"] for line in answer["criteria"]], ensure_ascii=False)


async def test_preview_equals_the_score_scoring_publishes_for_the_same_submission(client):
    """The regression that matters: the preview is the engine's answer, not a copy of its rules."""
    targets = {"ho-thoat-ngheo": 120}
    status, answer = await post(client, body(targets=targets, max_total=90))
    assert status == 200
    campaign = CampaignDefined(
        campaign_id="pt-1", revision=1, name_vi="Phong trào", launched_by="UBND", start="2026-01-01",
        end="2026-12-31", criteria_version=1, criteria=[Criterion.model_validate(c) for c in CRITERIA],
        max_total=90, participants=[Participant(unit_id="xa-a", name_vi="Xã A", unit_type="xa")],
    )  # fmt: skip
    registration = RegistrationChanged(
        campaign_id="pt-1", unit_id="xa-a", revision=1,
        targets=[Target(criterion_id=k, value=v) for k, v in targets.items()],
    )  # fmt: skip
    planner = Planner("daknong", Cohorts.of(campaign, SCORERS), SCORERS, "c-1", datetime.now(UTC))
    plan = planner.period(
        "2026-Q2",
        Job({"xa-a"}, causes.submission("e-1", "2026-Q2")),
        {"xa-a": {"values": SAMPLE, "submission_id": "s-1"}},
        {},
        {"xa-a": registration},
    )
    score = plan.events[0].data
    assert answer["total"] == score["total"] and answer["max_total"] == score["max_total"] == 90
    published = [(c["criterion_id"], c["points"], c["max_points"], c["explanation_vi"]) for c in score["criteria"]]
    shown = [(c["criterion_id"], c["points"], c["max_points"], c["explanation"]) for c in answer["criteria"]]
    assert shown == published


@pytest.mark.parametrize(
    ("headers", "status"),
    [
        ({}, 401),
        ({"Authorization": "Basic abc"}, 401),
        ({"Authorization": "Bearer not-a-jwt"}, 401),
        ({"Authorization": f"Bearer {token('board_officer', secret='another-secret-of-at-least-32-bytes!!')}"}, 401),
        ({"Authorization": "Bearer " + "a" * 5000}, 431),
        ({"Authorization": f"Bearer {token('unit_reporter', unit='xa-a')}"}, 403),
        ({"Authorization": f"Bearer {token('auditor')}"}, 403),
        ({"Authorization": f"Bearer {token('cluster_head', unit='xa-a')}"}, 403),
        ({"Authorization": f"Bearer {token('chairperson')}"}, 200),
        ({"Authorization": f"Bearer {token('board_officer')}"}, 200),
    ],
)
async def test_only_a_board_officer_or_the_chairperson_may_preview(client, headers, status):
    got, answer = await post(client, body(), headers)
    assert got == status
    if status == 401:
        assert answer["message"] and answer["errors"] == [] and answer["correlation_id"]
    if status == 403:
        assert "không được phép" in answer["message"]


async def test_a_refusal_in_english_says_nothing_in_vietnamese(client):
    got, answer = await post(client, body(), {"Accept-Language": "en"})
    assert got == 401 and answer["message"].startswith("Missing credentials")


@pytest.mark.parametrize(
    ("payload", "field", "words"),
    [
        ({"values": {}}, "criteria", "Thiếu trường"),
        (body(criteria=[]), "criteria", "Quá ngắn"),
        (body(values={"xa-dat-chuan": "nhiều"}), "values.xa-dat-chuan", "Sai kiểu"),
        (body(values={"khong-co": 1}), "values.khong-co", "không có trong bảng tiêu chí"),
        (body(values={"nong-thon": 1}), "values.nong-thon", "là nhóm tiêu chí"),
        (body(values={"xa-dat-chuan": -1}), "values.xa-dat-chuan", "ngoài khoảng cho phép"),
        (body(targets={"xa-dat-chuan": -1}), "targets.xa-dat-chuan", "ngoài phạm vi"),
        (body(targets={"khong-co": 1}), "targets.khong-co", "không có trong bảng tiêu chí"),
        (body(max_total=0), "max_total", "ngoài phạm vi"),
        (body(extra=1), "extra", "không được phép"),
        (body(criteria=[{**CRITERIA[1], "scorer": "khong-ton-tai"}]), "criteria.0.scorer", "khong-ton-tai"),
        (body(criteria=[{**CRITERIA[1], "params": {"points_per": "x"}}]), "criteria.0.params.points_per", "vi-pham"),
        (body(criteria=[CRITERIA[2], CRITERIA[2]]), "(body)", "Trùng mã tiêu chí"),
        (body(criteria=[{**CRITERIA[2], "max_points": -3}]), "criteria.0.max_points", "ngoài phạm vi"),
        ([1, 2], "(body)", "Sai kiểu"),
        ("chuỗi", "(body)", "Sai kiểu"),
    ],
)
async def test_bad_input_is_refused_with_the_field_and_reason_in_vietnamese(client, payload, field, words):
    got, answer = await post(client, payload)
    assert got == 422, answer
    assert answer["message"] == "Dữ liệu gửi lên không hợp lệ."
    match = [e for e in answer["errors"] if e["field"] == field]
    assert match, answer["errors"]
    assert words in match[0]["reason"], match[0]
    assert "pydantic" not in json.dumps(answer) and "Input should" not in json.dumps(answer)


@pytest.mark.parametrize(
    "raw",
    [
        b"",
        b"{",
        b'{"criteria": [}',
        b"\xff\xfe\x00",
        b'{"criteria": ' + b"[" * 5000 + b"]" * 5000 + b"}",
        b'{"criteria": [{"id": "a", "name_vi": "A", "max_points": NaN}]}',
        b'{"criteria": [{"id": "a", "name_vi": "A", "max_points": 1e999}]}',
        json.dumps(body(values={"xa-dat-chuan": 1e308 * 10})).encode(),
        json.dumps({"criteria": [{"id": "a" * 5000, "name_vi": "A", "max_points": 1}]}).encode(),
        json.dumps({"criteria": [{"id": "a", "name_vi": "A", "max_points": 1, "params": {"$x": 1}}]}).encode(),
        json.dumps({"criteria": [{"id": "a", "name_vi": "A", "max_points": 1, "children": [{}]}]}).encode(),
    ],
)
async def test_bad_bodies_get_a_422_never_a_500(client, raw):
    got, answer = await post(client, None, raw=raw)
    assert got == 422, answer
    assert answer["errors"] and all(e["field"] and e["reason"] for e in answer["errors"])


async def test_a_body_over_the_limit_is_refused_before_it_is_read(client):
    big = json.dumps(body(criteria=[{**CRITERIA[2], "name_vi": "x" * 300, "id": f"c-{i}"} for i in range(400)]))
    got, answer = await post(client, None, raw=big.encode())
    assert got == 413 and "quá lớn" in answer["message"]


async def test_the_preview_route_exists_only_when_scoring_gives_it_scorers():
    async with TestClient(TestServer(build(lambda: None))) as c:
        response = await c.post("/api/v1/preview", data=b"{}")
        assert response.status in (404, 405)


@pytest.mark.parametrize(
    "settings",
    [
        Settings(environment="production"),  # the public HS256 secret, no issuer
        Settings(environment="production", jwt_secret="s" * 40, oidc_issuer="http://idp.example/realms/x"),  # no TLS
    ],
)
async def test_outside_development_unsafe_token_settings_refuse_every_preview(settings):
    """A production scoring given neither an OIDC issuer nor a secret would accept tokens anybody
    can mint with the repository's development secret: the route refuses instead."""
    minted = mint_token(Settings(), subject="x", tenant="daknong", roles=["board_officer"])
    async with TestClient(TestServer(build(lambda: None, settings=settings, scorers=SCORERS))) as c:
        response = await c.post("/api/v1/preview", json=body(), headers={"Authorization": f"Bearer {minted}"})
        assert response.status == 503
        assert "chưa được cấu hình xác thực an toàn" in (await response.json())["message"]


async def test_production_with_an_https_issuer_verifies_tokens_normally():
    settings = Settings(environment="production", oidc_issuer="https://idp.example/realms/x")
    minted = mint_token(Settings(), subject="x", tenant="daknong", roles=["board_officer"])
    async with TestClient(TestServer(build(lambda: None, settings=settings, scorers=SCORERS))) as c:
        response = await c.post("/api/v1/preview", json=body(), headers={"Authorization": f"Bearer {minted}"})
        assert response.status == 401  # an HS256 token is not the issuer's: refused


# -- fuzz: scoring has no OpenAPI document for tests/e2e/test_fuzz.py's Schemathesis runs, so the
# preview is fuzzed here: any JSON body either scores or is refused with field errors, never raises
from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from thidua_common.errors import Invalid  # noqa: E402
from thidua_scoring.preview import parse, preview  # noqa: E402

JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner, max_size=4),
    max_leaves=20,
)
NODE_KEYS = ["id", "name_vi", "max_points", "target", "direction", "min_value", "max_value", "scorer", "params",
             "children", "unit_of_measure"]  # fmt: skip
SCORER_NAMES = st.sampled_from(["ratio_to_target", "pass_fail", "per_occurrence", "bonus", "penalty",
                                "reviewer_rating", "cluster_leader", "khong-co", ""])  # fmt: skip


def mutated_criteria():
    node = st.fixed_dictionaries(
        {"id": st.sampled_from(["a", "b", "c", "A b", ""]), "name_vi": st.text(max_size=5),
         "max_points": st.one_of(st.floats(-5, 2000), st.integers(-5, 2000), JSON)},
        optional={k: JSON for k in NODE_KEYS if k not in ("id", "name_vi", "max_points", "scorer")}
        | {"scorer": SCORER_NAMES},
    )  # fmt: skip
    return st.lists(node, max_size=4)


def _outcome(raw: bytes) -> str:
    try:
        preview(parse(raw), SCORERS, "vi")
    except Invalid as exc:
        assert exc.errors and all(e.reason("vi") and e.reason("en") for e in exc.errors)
        return "refused"
    return "scored"


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(JSON)
def test_any_json_body_is_scored_or_refused_never_a_crash(value):
    _outcome(json.dumps(value).encode())


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mutated_criteria(), st.dictionaries(st.sampled_from(["a", "b", "c", "x"]), JSON, max_size=3),
       st.dictionaries(st.sampled_from(["a", "b", "c", "x"]), JSON, max_size=3), JSON)  # fmt: skip
def test_mutated_definitions_and_samples_are_scored_or_refused_never_a_crash(criteria, values, targets, cap):
    _outcome(json.dumps({"criteria": criteria, "values": values, "targets": targets, "max_total": cap}).encode())
