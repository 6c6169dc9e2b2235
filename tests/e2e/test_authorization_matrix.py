"""Who may do what, for which unit and which tenant: every role × action × unit relation ×
tenant, through the real services. "Allowed" means the request got past authorization (any
answer but 401/403: it may still be refused for its content or state); "refused" means 403.
Across tenants, every action on the first tenant's campaigns, submissions and units is refused
with 403 or 404 (another tenant's data is not even visible); actions that only ever touch the
caller's own tenant (its campaigns, unit registry, nominations, audit trail) follow the roles."""

import uuid

import httpx
import pytest

from thidua_common.auth import Role

from .conftest import TENANT, eventually, launch_and_run, small_campaign, token

UNIT_ROLES = {Role.unit_reporter, Role.unit_leader}
PEOPLE = [r for r in Role if r != Role.system]
OWN, CLUSTER, OTHER = "don-vi-1", "don-vi-3", "don-vi-2"  # don-vi-1 heads khối huyện (with don-vi-3)
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
        case "rate":
            return role == Role.board_officer or (role == Role.cluster_head and relation == "same-cluster")
        case "review":  # nobody reviews the unit they act for
            return (role == Role.board_officer and not own) or (role == Role.cluster_head and relation == "same-cluster")
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


@pytest.fixture(scope="module")
async def world(stack, board):
    """A running campaign whose khối huyện is headed by don-vi-1 in 2018, with one submission per
    unit to review or appeal."""
    cid = f"az-{uuid.uuid4().hex[:6]}"
    body = small_campaign(cid)
    body["clusters"][0]["leadership"] = [{"year": 2018, "head_unit_id": OWN}]
    body["criteria"].append({"id": "danh-gia", "name_vi": "Đánh giá của cụm", "max_points": 10,
                             "scorer": "reviewer_rating", "params": {"scale": 10}})
    async with httpx.AsyncClient(base_url=stack.url("intake"), timeout=30) as client:
        assert (await client.put(f"/api/v1/campaigns/{cid}", json=body, headers=board)).status_code == 200
        await launch_and_run(client, cid, board)
        submissions = {}
        for unit in (OWN, CLUSTER, OTHER):
            r = await client.post("/api/v1/submissions", headers=board, json={
                "tenant": TENANT, "campaign_id": cid, "unit_id": unit, "period": "2018-Q2",
                "values": {"ho-thoat-ngheo": 80, "nha-dai-doan-ket": 8}})
            assert r.status_code == 202, r.text
            submissions[unit] = r.json()["submission_id"]
    return {"cid": cid, "submissions": submissions}


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
ON_OTHER_TENANTS_DATA = {"submit", "register", "rate", "review", "appeal", "leaderboard", "scorecard"}
ACTIONS = ["submit", "register", "rate", "review", "appeal", "nominate", "edit-campaign", "write-unit",
           "leaderboard", "scorecard", "audit"]


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
