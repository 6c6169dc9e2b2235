"""Who may do what, for which unit and which tenant: every role × action × unit relation ×
tenant, through the real services. "Allowed" means the request got past authorization (any
answer but 401/403: it may still be refused for its content or state); "refused" means 403.
Across tenants, every action on the first tenant's campaigns, submissions and units is refused
with 403 or 404 (another tenant's data is not even visible); actions that only ever touch the
caller's own tenant (its campaigns, unit registry, nominations, audit trail) follow the roles.

Conflict of interest (issue 8): every caller acts for unit don-vi-1 ("own"), so every judging
action (review, reopen, appeal decision at board and chair level, rating, each nomination stage
action and the council's vote) is also tried on the caller's own unit, and refused whatever the
role. The auditor writes nothing on any route of intake, and a token without roles reads
nothing on any route of intake or reporting."""

import re
import time
import uuid

import httpx
import jwt
import pytest

from thidua_common.auth import Role
from thidua_common.i18n import t

from .conftest import TENANT, eventually, launch_and_run, small_campaign, token

UNIT_ROLES = {Role.unit_reporter, Role.unit_leader}
PEOPLE = [r for r in Role if r != Role.system]
OWN, CLUSTER, OTHER = "don-vi-1", "don-vi-3", "don-vi-2"  # don-vi-1 heads khối huyện (with don-vi-3)
OTHER_HEAD = "don-vi-4"  # heads khối sở (with don-vi-2)
RELATIONS = {"own": OWN, "same-cluster": CLUSTER, "other-cluster": OTHER}
DOSSIER = [{"kind": k, "name": k, "url": f"https://vanban.test/{k}.pdf", "sha256": "a" * 64, "size": 10}
           for k in ("cover_request", "achievement_report", "vote_minutes")]


def expected(role: Role, action: str, relation: str) -> bool:
    """The policy, written once, independently of the code that enforces it."""
    own = relation == "own"
    match action:
        case "submit" | "register":
            return role == Role.board_officer or (role in UNIT_ROLES and own)
        case "appeal":
            return role in UNIT_ROLES and own
        case "rate" | "review":  # nobody rates or reviews the unit they act for, the board included
            return (role == Role.board_officer and not own) or (role == Role.cluster_head and relation == "same-cluster")
        case "reopen":  # approved at cluster level: that level (the same cluster's head) or a higher one
            return (role in (Role.board_officer, Role.chairperson) and not own) or (
                role == Role.cluster_head and relation == "same-cluster")
        case "decide-appeal":  # appealed to the board
            return role == Role.board_officer and not own
        case "decide-appeal-chair":  # appealed to the chairperson
            return role == Role.chairperson and not own
        case "nominate":
            return role == Role.board_officer or (role == Role.unit_leader and own)
        case "edit-campaign" | "write-unit":
            return role == Role.board_officer
        case "leaderboard":
            return True
        case "scorecard":
            return role not in UNIT_ROLES or own
        case "audit":
            return role in (Role.auditor, Role.board_officer)
    raise AssertionError(action)


def as_unit(settings, role: str, unit: str | None) -> dict:
    return {"Authorization": f"Bearer {token(settings, [role], unit)}"}


@pytest.fixture(scope="module")
async def world(stack, settings, board):
    """A running campaign whose khối huyện is headed by don-vi-1 (deputy don-vi-3) and khối sở by
    don-vi-4 in 2018, with per unit: a 2018-Q2 submission to review or appeal, a 2018-Q1 one
    returned by its cluster and appealed to the board, a 2017-Q1 one returned by the board and
    appealed to the chairperson, and a 2018-Q4 one approved by its cluster (to reopen)."""
    cid = f"az-{uuid.uuid4().hex[:6]}"
    body = small_campaign(cid)
    body["clusters"][0]["leadership"] = [{"year": 2018, "head_unit_id": OWN, "deputy_unit_id": CLUSTER}]
    body["clusters"][1]["leadership"] = [{"year": 2018, "head_unit_id": OTHER_HEAD}]
    body["criteria"].append({"id": "danh-gia", "name_vi": "Đánh giá của cụm", "max_points": 10,
                             "scorer": "reviewer_rating", "params": {"scale": 10}})
    # the cluster lead that reviews each unit at cluster level
    lead = {OWN: CLUSTER, CLUSTER: OWN, OTHER: OTHER_HEAD}
    async with httpx.AsyncClient(base_url=stack.url("intake"), timeout=30) as client:
        assert (await client.put(f"/api/v1/campaigns/{cid}", json=body, headers=board)).status_code == 200
        await launch_and_run(client, cid, board)

        async def submit(unit: str, period: str) -> str:
            r = await client.post("/api/v1/submissions", headers=board, json={
                "tenant": TENANT, "campaign_id": cid, "unit_id": unit, "period": period,
                "values": {"ho-thoat-ngheo": 80, "nha-dai-doan-ket": 8}})
            assert r.status_code == 202, r.text
            return r.json()["submission_id"]

        async def step(sid: str, action: str, headers: dict, json: dict) -> None:
            r = await client.post(f"/api/v1/submissions/{sid}/{action}", headers=headers, json=json)
            assert r.status_code == 201, r.text

        returned = {"decision": "return", "reasons": {"ho-thoat-ngheo": "Thiếu minh chứng"}}
        appeal = {"reason": "Đề nghị xem xét lại kết quả"}
        submissions, board_appeals, chair_appeals, approved = {}, {}, {}, {}
        for unit in (OWN, CLUSTER, OTHER):
            submissions[unit] = await submit(unit, "2018-Q2")
            board_appeals[unit] = await submit(unit, "2018-Q1")
            await step(board_appeals[unit], "review", as_unit(settings, "cluster_head", lead[unit]), returned)
            await step(board_appeals[unit], "appeal", as_unit(settings, "unit_reporter", unit), appeal)
            chair_appeals[unit] = await submit(unit, "2017-Q1")
            await step(chair_appeals[unit], "review", board, returned)
            await step(chair_appeals[unit], "appeal", as_unit(settings, "unit_reporter", unit), appeal)
            approved[unit] = await submit(unit, "2018-Q4")
            await step(approved[unit], "review", as_unit(settings, "cluster_head", lead[unit]), {"decision": "approve"})
    return {"cid": cid, "submissions": submissions, "board_appeals": board_appeals, "chair_appeals": chair_appeals,
            "approved": approved}


def request(action: str, world: dict, unit: str, tenant: str) -> tuple[str, str, str, dict | None]:
    cid = world["cid"]
    if action == "submit":
        return "intake", "POST", "/api/v1/submissions", {
            "tenant": tenant, "campaign_id": cid, "unit_id": unit, "period": "2018-Q3",
            "values": {"ho-thoat-ngheo": 50}}
    if action == "register":
        return "intake", "PUT", f"/api/v1/campaigns/{cid}/registrations/{unit}", {
            "targets": [{"criterion_id": "ho-thoat-ngheo", "period": None, "value": 90}], "titles": [],
            "reason": "Đăng ký thi đua năm 2018"}
    if action == "rate":
        return "intake", "POST", f"/api/v1/campaigns/{cid}/ratings", {
            "unit_id": unit, "period": "2018-Q2", "ratings": {"danh-gia": 8}}
    if action == "review":
        return "intake", "POST", f"/api/v1/submissions/{world['submissions'][unit]}/review", {
            "decision": "return", "reasons": {"ho-thoat-ngheo": "Thiếu minh chứng"}}
    if action == "appeal":
        return "intake", "POST", f"/api/v1/submissions/{world['submissions'][unit]}/appeal", {
            "reason": "Đề nghị xem xét lại kết quả"}
    if action in ("decide-appeal", "decide-appeal-chair"):
        appeals = world["board_appeals" if action == "decide-appeal" else "chair_appeals"]
        return "intake", "POST", f"/api/v1/submissions/{appeals[unit]}/appeal/decision", {
            "outcome": "upheld", "reason": "Giữ nguyên quyết định trả lại"}
    if action == "reopen":
        return "intake", "POST", f"/api/v1/submissions/{world['approved'][unit]}/reopen", {
            "reason": "Phát hiện sai sót trong số liệu"}
    if action == "nominate":
        return "intake", "POST", "/api/v1/nominations", {
            "award_kind": "bang-khen-chu-tich-tinh", "year": 2018, "documents": DOSSIER,
            "nominee": {"kind": "collective", "unit_id": unit}}
    if action == "edit-campaign":
        return "intake", "PUT", f"/api/v1/campaigns/az-new-{uuid.uuid4().hex[:6]}", small_campaign("x")
    if action == "write-unit":
        return "intake", "PUT", f"/api/v1/units/dv-{uuid.uuid4().hex[:6]}", {
            "name_vi": "Xã thử nghiệm", "unit_type": "commune"}
    if action == "leaderboard":
        return "reporting", "GET", f"/api/v1/campaigns/{cid}/leaderboard", None
    if action == "scorecard":
        return "reporting", "GET", f"/api/v1/campaigns/{cid}/units/{unit}/scorecard", None
    if action == "audit":
        return "intake", "GET", "/api/v1/audit", None
    raise AssertionError(action)


# actions whose request names the first tenant's data
ON_OTHER_TENANTS_DATA = {"submit", "register", "rate", "review", "appeal", "decide-appeal", "decide-appeal-chair",
                         "reopen", "leaderboard", "scorecard"}
ACTIONS = ["submit", "register", "rate", "review", "reopen", "appeal", "decide-appeal", "decide-appeal-chair",
           "nominate", "edit-campaign", "write-unit", "leaderboard", "scorecard", "audit"]


async def test_every_role_action_unit_and_tenant_is_allowed_or_refused_as_specified(stack, settings, world):
    # reporting must know the campaign before its reads can be judged
    async def known():
        async with httpx.AsyncClient(base_url=stack.url("reporting")) as c:
            r = await c.get(f"/api/v1/campaigns/{world['cid']}/leaderboard",
                            headers={"Authorization": f"Bearer {token(settings, ['board_officer'])}"})
            return r.status_code == 200

    await eventually(known)
    wrong = []
    checked = 0
    async with httpx.AsyncClient(timeout=30) as client:
        for tenant in (TENANT, "tinh-khac"):
            for role in PEOPLE:
                headers = {"Authorization": f"Bearer {token(settings, [role.value], OWN, tenant)}"}
                for action in ACTIONS:
                    for relation, unit in RELATIONS.items():
                        service, method, path, body = request(action, world, unit, TENANT)
                        r = await client.request(method, stack.url(service) + path, json=body, headers=headers)
                        checked += 1
                        if tenant != TENANT and action in ON_OTHER_TENANTS_DATA:
                            want, ok = False, r.status_code in (403, 404)
                        else:
                            want = expected(role, action, relation)
                            ok = (r.status_code not in (401, 403)) if want else r.status_code == 403
                        if not ok:
                            wrong.append(f"{tenant:<9} {role.value:<15} {action:<14} {relation:<14} "
                                         f"want {'allowed' if want else 'refused'}, got {r.status_code} "
                                         f"{r.text[:120]}")
    assert checked == 2 * len(PEOPLE) * len(ACTIONS) * len(RELATIONS)
    assert not wrong, "\n" + "\n".join(wrong)


# -- nominations: each stage action and the vote, on the caller's own unit and on others -------------------
AWARD = "bang-khen-tap-the"


def stage(sid: str, role: str, kind: str) -> dict:
    return {"id": sid, "name_vi": f"Bước {sid}", "role": role, "service_days": 5, "kind": kind}


AWARD_COMMENTED = "giay-khen-tap-the"  # the same chain with a disclosure window still open
CHAIN = [stage("tiep-nhan", "board_officer", "review"), stage("cong-khai", "board_officer", "disclosure"),
         stage("hoi-dong", "council_member", "vote"), stage("ky-quyet-dinh", "chairperson", "decision")]
COMMENDATION = {
    "award_kinds": [
        # issue 11: no required document (those must be uploaded files): this test is about who acts
        {"id": AWARD, "name_vi": "Bằng khen tập thể", "nominee_kind": "collective", "disclosure_days": 0,
         "vote_threshold": 0.5, "chain": CHAIN, "required_documents": []},
        {"id": AWARD_COMMENTED, "name_vi": "Giấy khen tập thể", "nominee_kind": "collective", "disclosure_days": 10,
         "vote_threshold": 0.5, "comment_roles": ["unit_leader", "council_member"], "chain": CHAIN,
         "required_documents": []},
    ],
}
VOTE = {"members": 10, "yes": 9, "no": 1}
DECISION = {"number": "99/QĐ-UBND", "date": "2026-03-02", "signer": "Chủ tịch UBND tỉnh"}
# action name → (stage the nomination must be in, request body); "cong-khai-mo": in disclosure, window open
STAGE_ACTIONS = {
    "pass": ("tiep-nhan", {"action": "pass"}),
    "return": ("tiep-nhan", {"action": "return", "reason": "Thiếu minh chứng thành tích"}),
    "pass-disclosure": ("cong-khai", {"action": "pass"}),
    "return-disclosure": ("cong-khai", {"action": "return", "reason": "Có phản ánh khi công khai"}),
    "comment": ("cong-khai-mo", {"action": "comment", "reason": "Đồng ý đề nghị khen thưởng"}),
    "vote": ("hoi-dong", {"action": "vote", "vote": VOTE}),
    "return-vote": ("hoi-dong", {"action": "return", "reason": "Hội đồng đề nghị bổ sung"}),
    "decide": ("ky-quyet-dinh", {"action": "decide", "decision": DECISION}),
    "return-decide": ("ky-quyet-dinh", {"action": "return", "reason": "Chưa đủ căn cứ quyết định"}),
}
STAGE_ROLE = {"tiep-nhan": Role.board_officer, "cong-khai": Role.board_officer, "hoi-dong": Role.council_member,
              "ky-quyet-dinh": Role.chairperson, "cong-khai-mo": Role.board_officer}


def expected_stage_action(role: Role, action: str, relation: str) -> bool:
    """Only the stage's role acts, never on a nomination of its own unit; anyone of the roles the
    award kind names comments during disclosure (a comment judges nothing)."""
    if action == "comment":
        return role in (Role.unit_leader, Role.council_member)
    return role == STAGE_ROLE[STAGE_ACTIONS[action][0]] and relation != "own"


class Nominations:
    """A tenant of its own (so that no other test sees these nominations), configured with one
    award kind, and nominations filed by each nominee unit's leader, moved to a stage by callers
    acting for no unit."""

    def __init__(self, stack, settings):
        self.tenant = f"azn-{uuid.uuid4().hex[:6]}"
        self.settings = settings
        self.client = httpx.AsyncClient(base_url=stack.url("intake"), timeout=30)

    def headers(self, role: str, unit: str | None = None) -> dict:
        return {"Authorization": f"Bearer {token(self.settings, [role], unit, self.tenant)}"}

    async def configure(self) -> None:
        r = await self.client.put("/api/v1/config/commendation", json=COMMENDATION, headers=self.headers("board_officer"))
        assert r.status_code == 200, r.text

    async def in_stage(self, unit: str, stage_id: str) -> str:
        award = AWARD_COMMENTED if stage_id == "cong-khai-mo" else AWARD
        stage_id = stage_id.removesuffix("-mo")
        r = await self.client.post("/api/v1/nominations", headers=self.headers("unit_leader", unit), json={
            "award_kind": award, "year": 2025, "documents": DOSSIER, "nominee": {"kind": "collective", "unit_id": unit}})
        assert r.status_code == 201, r.text
        nomination = r.json()
        assert nomination["nominating_unit_id"] == unit
        moves = {"tiep-nhan": ("board_officer", {"action": "pass"}), "cong-khai": ("board_officer", {"action": "pass"}),
                 "hoi-dong": ("council_member", {"action": "vote", "vote": VOTE})}
        while nomination["stage"] != stage_id:
            role, body = moves[nomination["stage"]]
            r = await self.client.post(f"/api/v1/nominations/{nomination['nomination_id']}/actions",
                                       headers=self.headers(role), json=body)
            assert r.status_code == 200, r.text
            nomination = r.json()
        return nomination["nomination_id"]


async def test_every_role_acts_on_nominations_of_other_units_only_as_its_stage_allows(stack, settings):
    world = Nominations(stack, settings)
    await world.configure()
    # refused requests change nothing, so they share one nomination per action and unit; each
    # request expected to be allowed gets a fresh one, as it moves the nomination on
    shared = {(action, unit): await world.in_stage(unit, stage_id)
              for action, (stage_id, _) in STAGE_ACTIONS.items() for unit in RELATIONS.values()}
    wrong = []
    checked = 0
    for role in PEOPLE:
        headers = world.headers(role.value, OWN)
        for action, (stage_id, body) in STAGE_ACTIONS.items():
            for relation, unit in RELATIONS.items():
                want = expected_stage_action(role, action, relation)
                nid = await world.in_stage(unit, stage_id) if want else shared[(action, unit)]
                r = await world.client.post(f"/api/v1/nominations/{nid}/actions", headers=headers, json=body)
                checked += 1
                ok = r.status_code == 200 if want else r.status_code == 403
                if not ok:
                    wrong.append(f"{role.value:<15} {action:<18} {relation:<14} want {'allowed' if want else 'refused'}, "
                                 f"got {r.status_code} {r.text[:120]}")
                elif not want and relation == "own" and role == STAGE_ROLE[stage_id] and action != "comment":
                    # the stage's own role, refused for its own unit: by the conflict-of-interest rule
                    verb = body["action"]
                    if r.json()["message"] != t(f"conflict.own_unit.{verb}", "vi", unit=OWN):
                        wrong.append(f"{role.value} {action} own: not the conflict rule: {r.text[:160]}")
    await world.client.aclose()
    assert checked == len(PEOPLE) * len(STAGE_ACTIONS) * len(RELATIONS)
    assert not wrong, "\n" + "\n".join(wrong)


async def test_the_unit_that_filed_a_nomination_does_not_judge_it_either(stack, settings):
    """A board officer acting for so-noi-vu files for don-vi-2: nobody acting for so-noi-vu (nor
    for don-vi-2) passes, votes on or decides it; a colleague acting for no unit does."""
    world = Nominations(stack, settings)
    await world.configure()
    filer = world.headers("board_officer", "so-noi-vu")
    r = await world.client.post("/api/v1/nominations", headers=filer, json={
        "award_kind": AWARD, "year": 2025, "documents": DOSSIER, "nominee": {"kind": "collective", "unit_id": OTHER}})
    assert r.status_code == 201, r.text
    nid = r.json()["nomination_id"]
    assert r.json()["nominating_unit_id"] == "so-noi-vu"
    url = f"/api/v1/nominations/{nid}/actions"
    for unit in ("so-noi-vu", OTHER):
        refused = await world.client.post(url, headers=world.headers("board_officer", unit), json={"action": "pass"})
        assert refused.status_code == 403, refused.text
        assert refused.json()["message"] == t("conflict.own_unit.pass", "vi", unit=unit)
    r = await world.client.post(url, headers=world.headers("board_officer", "so-y-te"), json={"action": "pass"})
    assert r.status_code == 200 and r.json()["stage"] == "cong-khai", r.text
    await world.client.aclose()


# -- the auditor writes nothing, a token without roles does nothing ---------------------------------------
def fill(path: str) -> str:
    """A path of the OpenAPI document with every parameter given an id-shaped value."""
    return re.sub(r"\{[^}]+\}", "x-1", path)


async def operations(client: httpx.AsyncClient) -> list[tuple[str, str]]:
    spec = (await client.get("/openapi.json")).json()
    return [(method.upper(), path) for path, item in spec["paths"].items() for method in item
            if method in ("get", "post", "put", "patch", "delete")]


async def test_an_auditor_writes_nothing_on_any_route_of_intake(stack, settings):
    auditor = {"Authorization": f"Bearer {token(settings, ['auditor'], OWN)}"}
    async with httpx.AsyncClient(base_url=stack.url("intake"), timeout=30) as client:
        writes = [(m, p) for m, p in await operations(client) if m != "GET"]
        assert len(writes) >= 20  # every write route of intake, whatever its roles
        wrong = []
        for method, path in writes:
            for lang in ("vi", "en"):
                r = await client.request(method, fill(path), json={}, headers={**auditor, "Accept-Language": lang})
                if r.status_code != 403 or r.json()["message"] != t("auth.read_only", lang):
                    wrong.append(f"{method} {path} [{lang}]: {r.status_code} {r.text[:120]}")
        # and it still reads: the audit trail is its own
        assert (await client.get("/api/v1/audit", headers=auditor)).status_code == 200
        assert (await client.get("/api/v1/campaigns", headers=auditor)).status_code == 200
    assert not wrong, "\n" + "\n".join(wrong)


async def test_a_token_without_roles_does_nothing_on_any_route_reads_included(stack, settings):
    # signed with the stack's secret: mint_token itself refuses to make a token without roles
    now = int(time.time())
    roleless = jwt.encode({"sub": "khong-vai-tro", "tenant": TENANT, "unit": OWN, "roles": [],
                           "iss": settings.jwt_issuer, "aud": settings.jwt_audience, "iat": now, "exp": now + 600},
                          settings.jwt_secret, algorithm="HS256")
    wrong = []
    checked = 0
    for service in ("intake", "reporting"):
        async with httpx.AsyncClient(base_url=stack.url(service), timeout=30) as client:
            for method, path in await operations(client):
                anonymous = await client.request(method, fill(path), json={} if method != "GET" else None)
                if anonymous.status_code != 401:
                    continue  # public (/healthz, /readyz …): open to anyone
                r = await client.request(method, fill(path), json={} if method != "GET" else None,
                                         headers={"Authorization": f"Bearer {roleless}"})
                checked += 1
                if r.status_code != 401 or r.json()["message"] != "Mã thông báo không hợp lệ: mã không cấp vai trò nào.":
                    wrong.append(f"{service} {method} {path}: {r.status_code} {r.text[:120]}")
    assert checked >= 30
    assert not wrong, "\n" + "\n".join(wrong)


async def test_a_configuration_never_makes_the_auditor_comment_or_act(stack, settings):
    world = Nominations(stack, settings)
    award = {**COMMENDATION["award_kinds"][1], "comment_roles": ["council_member", "auditor"]}
    award["chain"] = [dict(CHAIN[0], role="auditor"), *CHAIN[1:]]
    for lang, comment_reason in (("vi", "Kiểm toán viên (auditor) chỉ được xem, không thể là vai trò góp ý."),
                                 ("en", "The auditor is read-only and cannot be a commenting role.")):
        r = await world.client.put("/api/v1/config/commendation", json={"award_kinds": [award]},
                                   headers={**world.headers("board_officer"), "Accept-Language": lang})
        assert r.status_code == 422, r.text
        reasons = {e["field"]: e["reason"] for e in r.json()["errors"]}
        assert reasons["award_kinds.0.comment_roles.1"] == comment_reason
        assert set(reasons) == {"award_kinds.0.comment_roles.1", "award_kinds.0.chain.0.role"}
    assert (await world.client.get("/api/v1/config/commendation", headers=world.headers("board_officer"))).status_code == 404
    await world.client.aclose()
