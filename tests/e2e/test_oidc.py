"""Issue 10, identity: intake and reporting verify the tokens of the local Keycloak through its JWKS
(THIDUA_OIDC_ISSUER), running as in production (THIDUA_ENVIRONMENT=production): the demo users'
and the system client's tokens are accepted, a token of another realm or audience is refused
(401, in Vietnamese), and so is an HS256 development token.

A stack of its own (Kafka, SecantusDB, Keycloak, intake and reporting): the shared test stack
stays on HS256 development tokens."""

import time
import uuid

import httpx
import jwt
import pytest

from thidua_common.auth import mint_token
from thidua_devstack import keycloak
from thidua_devstack.stack import REPO, Ports, Stack

from .conftest import TEST_ENV, eventually, small_campaign, submission
from .helpers import password_token, put_running

pytestmark = pytest.mark.timeout(900)  # Keycloak's first start on a busy 2-core machine takes minutes

UNITS = ("huyen-cu-jut", "huyen-dak-mil")
REFETCH_SECONDS = 2  # an unknown kid refetches the realm's keys at most this often


@pytest.fixture(scope="module")
def oidc_stack(tmp_path_factory):
    # no skip: the bootstrap installs Keycloak and the machine kind ships Java 21+; without them
    # this fails naming what is missing (production needs an OIDC provider, so this is not optional)
    keycloak.find_java_home()
    ports = Ports.free()
    issuer = f"http://127.0.0.1:{ports.keycloak}/realms/{keycloak.REALM}"
    env = {**TEST_ENV, "THIDUA_ENVIRONMENT": "production", "THIDUA_OIDC_ISSUER": issuer,
           "THIDUA_OIDC_JWKS_REFETCH_SECONDS": str(REFETCH_SECONDS)}
    s = Stack(tmp_path_factory.mktemp("oidc-stack"), ports, cache=REPO / ".local" / "cache",
              prefix=f"oidc{uuid.uuid4().hex[:6]}", extra_env=env, keycloak=True)
    try:
        s.start_infra()
        s.start_services(("intake", "reporting"))  # in production: they refuse to start without an issuer
        s.keycloak.ready(timeout=600)
        assert s.keycloak_issuer == issuer
        yield s
    finally:
        s.down()



def bearer(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture(scope="module")
def campaign_id(oidc_stack):
    """Created by the board officer of the realm (Keycloak token), launched and running."""
    campaign_id = f"pt-{uuid.uuid4().hex[:8]}"
    body = small_campaign(campaign_id, units=2)
    for participant, unit in zip(body["participants"], UNITS):
        participant["unit_id"] = unit
    board = bearer(password_token(oidc_stack, "board-officer.so-noi-vu"))
    put_running(oidc_stack, campaign_id, body, board)
    return campaign_id


async def test_a_unit_reporter_of_the_realm_submits_and_reads_the_leaderboard(oidc_stack, campaign_id):
    headers = bearer(password_token(oidc_stack, "unit-reporter.huyen-cu-jut"))
    async with httpx.AsyncClient(timeout=30) as client:
        response = await client.post(f"{oidc_stack.url('intake')}/api/v1/submissions",
                                     json=submission(campaign_id, "huyen-cu-jut"), headers=headers)
        assert response.status_code == 202, response.text
        # the unit claim binds the reporter to its own unit, as with the platform's own tokens
        other = await client.post(f"{oidc_stack.url('intake')}/api/v1/submissions",
                                  json=submission(campaign_id, "huyen-dak-mil"), headers=headers)
        assert other.status_code == 403, other.text

        async def leaderboard():
            answer = await client.get(f"{oidc_stack.url('reporting')}/api/v1/campaigns/{campaign_id}/leaderboard",
                                      headers=headers)
            return answer if answer.status_code == 200 else None

        await eventually(leaderboard, timeout=60, interval=0.5)


async def test_the_system_clients_token_is_accepted(oidc_stack, campaign_id):
    response = httpx.post(
        oidc_stack.keycloak.token_endpoint,
        data={"grant_type": "client_credentials", "client_id": keycloak.SYSTEM_CLIENT,
              "client_secret": oidc_stack.keycloak_system_secret},
        timeout=30,
    )
    assert response.status_code == 200, response.text
    async with httpx.AsyncClient(timeout=30) as client:
        answer = await client.get(f"{oidc_stack.url('intake')}/api/v1/campaigns/{campaign_id}",
                                  headers=bearer(response.json()["access_token"]))
    assert answer.status_code == 200, answer.text
    assert answer.json()["campaign_id"] == campaign_id


def refusal(stack, service: str, token: str, lang: str | None = None) -> str:
    headers = bearer(token) | ({"Accept-Language": lang} if lang else {})
    response = httpx.get(f"{stack.url(service)}/api/v1/campaigns", headers=headers, timeout=30)
    assert response.status_code == 401, response.text
    assert response.headers["WWW-Authenticate"] == "Bearer"
    return response.json()["message"]


@pytest.mark.parametrize("service", ["intake", "reporting"])
def test_a_token_of_another_realm_is_refused(oidc_stack, service):
    creds = oidc_stack.keycloak.credentials()  # the bootstrap admin of realm master
    response = httpx.post(
        f"{oidc_stack.keycloak_url}/realms/master/protocol/openid-connect/token",
        data={"grant_type": "password", "client_id": "admin-cli", "username": creds.admin_user,
              "password": creds.admin_password},
        timeout=30,
    )
    assert response.status_code == 200, response.text
    token = response.json()["access_token"]
    assert refusal(oidc_stack, service, token) == "Mã thông báo không hợp lệ: mã không do hệ thống này cấp."
    assert refusal(oidc_stack, service, token, "en") == "Invalid token: it was issued by someone else."


def test_a_token_of_the_realm_for_another_audience_is_refused(oidc_stack):
    # the ID token: signed by the realm's own key, with the platform's claims, but meant for the client
    token = password_token(oidc_stack, "auditor.daknong", field="id_token")
    assert refusal(oidc_stack, "reporting", token) == "Mã thông báo không hợp lệ: mã không dành cho hệ thống này."


def test_a_development_token_is_refused_in_production(oidc_stack):
    settings = oidc_stack.settings()
    assert settings.environment == "production"
    dev = mint_token(settings, subject="dev", tenant="daknong", roles=["board_officer"])  # HS256, dev secret
    assert refusal(oidc_stack, "intake", dev) == "Mã thông báo không hợp lệ: mã không do hệ thống này cấp."
    # even claiming the provider's issuer: an HS256 token never verifies against the provider's keys
    forged = mint_token(settings.model_copy(update={"jwt_issuer": oidc_stack.keycloak_issuer}), subject="dev",
                        tenant="daknong", roles=["board_officer"])
    assert refusal(oidc_stack, "intake", forged) == "Mã thông báo không hợp lệ: thuật toán ký không được chấp nhận."


def test_the_services_fetched_the_realms_keys_once(oidc_stack):
    # every token above was verified against keys fetched once per service (cache), not per request
    for service in ("intake", "reporting"):
        log = (oidc_stack.log_dir / f"{service}.log").read_text(errors="replace")
        assert log.count("OIDC keys fetched") == 1, log[-3000:]


def test_a_key_rotated_at_keycloak_is_picked_up_by_the_services(oidc_stack):
    """The realm gets a new signing key of higher priority (as an administrator rotates keys):
    new tokens name its kid, which the services do not know yet; they fetch the JWKS again."""
    kc = oidc_stack.keycloak
    admin = {"Authorization": f"Bearer {kc.admin_token()}"}
    realm = httpx.get(f"{kc.url}/admin/realms/{keycloak.REALM}", headers=admin, timeout=30).json()
    known = {key["kid"] for key in httpx.get(kc.jwks_uri, timeout=30).json()["keys"]}
    component = {"name": f"rsa-rotated-{uuid.uuid4().hex[:6]}", "providerId": "rsa-generated",
                 "providerType": "org.keycloak.keys.KeyProvider", "parentId": realm["id"],
                 "config": {"priority": ["500"], "keySize": ["2048"], "algorithm": ["RS256"],
                            "active": ["true"], "enabled": ["true"]}}
    created = httpx.post(f"{kc.url}/admin/realms/{keycloak.REALM}/components", json=component, headers=admin,
                         timeout=30)
    assert created.status_code == 201, created.text
    token = password_token(oidc_stack, "auditor.daknong")
    assert jwt.get_unverified_header(token)["kid"] not in known
    time.sleep(REFETCH_SECONDS + 0.5)  # past the refetch limit since the services' last fetch
    for service in ("intake", "reporting"):
        response = httpx.get(f"{oidc_stack.url(service)}/api/v1/campaigns", headers=bearer(token), timeout=30)
        assert response.status_code == 200, response.text
        log = (oidc_stack.log_dir / f"{service}.log").read_text(errors="replace")
        assert log.count("OIDC keys fetched") == 2, log[-3000:]


def test_intake_and_reporting_hold_the_providers_keys_and_say_so_in_readiness(oidc_stack):
    for service in ("intake", "reporting"):
        body = httpx.get(f"{oidc_stack.url(service)}/readyz", timeout=30).json()
        assert body["checks"]["oidc_keys"] == "ok", body
        assert "oidc_keys" not in body["required"]  # API keys still work without the provider
