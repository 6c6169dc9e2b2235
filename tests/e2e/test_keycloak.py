"""Keycloak, the local identity provider, on its own (not the whole stack): the realm `thidua`
imported from deploy/local/keycloak/thidua-realm.json issues RS256 tokens that carry the
platform's claims — tenant, unit, roles, aud thidua-api — to the demo users (password grant on the
dev/test client `thidua-dev`) and to the system client (client credentials).

Signatures are verified against the realm's JWKS with plain RSA arithmetic (RS256 is PKCS#1 v1.5
over SHA-256), so that the test needs no cryptography package."""

import base64
import hashlib
import html
import json
import re
import secrets
import time
from urllib.parse import parse_qs, urlparse

import httpx
import pytest

from thidua_devstack import keycloak
from thidua_devstack.processes import free_port
from thidua_devstack.stack import REPO

pytestmark = pytest.mark.timeout(600)  # the first start on a busy 2-core machine takes minutes

ROLES = {"unit_reporter", "unit_leader", "cluster_head", "board_officer", "council_member", "chairperson", "auditor", "system"}


@pytest.fixture(scope="module")
def kc(tmp_path_factory):
    # no skip: the bootstrap installs Keycloak and the machine kind ships Java 21+; without them
    # this fails naming what is missing (production needs an OIDC provider, so this is not optional)
    keycloak.find_java_home()
    home = tmp_path_factory.mktemp("keycloak")
    server = keycloak.Keycloak(REPO / ".local" / "cache", home / "keycloak", free_port(), home / "run", home / "logs")
    try:
        elapsed = server.start(timeout=420)
        print(f"keycloak ready after {elapsed:.1f} s")
        yield server
    finally:
        server.stop()


def b64url(data: str) -> bytes:
    return base64.urlsafe_b64decode(data + "=" * (-len(data) % 4))


def verify_rs256(token: str, jwks: dict) -> dict:
    """The payload of a JWT whose RS256 signature checks against one of the JWKS's keys."""
    header_b64, payload_b64, signature_b64 = token.split(".")
    header = json.loads(b64url(header_b64))
    assert header["alg"] == "RS256", header
    key = next(k for k in jwks["keys"] if k["kid"] == header["kid"])
    n = int.from_bytes(b64url(key["n"]), "big")
    e = int.from_bytes(b64url(key["e"]), "big")
    size = (n.bit_length() + 7) // 8
    decrypted = pow(int.from_bytes(b64url(signature_b64), "big"), e, n).to_bytes(size, "big")
    digest_info = bytes.fromhex("3031300d060960864801650304020105000420")  # SHA-256 DigestInfo prefix
    digest = hashlib.sha256(f"{header_b64}.{payload_b64}".encode()).digest()
    expected = b"\x00\x01" + b"\xff" * (size - 3 - len(digest_info) - len(digest)) + b"\x00" + digest_info + digest
    assert decrypted == expected, "signature does not verify against the realm's JWKS"
    return json.loads(b64url(payload_b64))


def password_grant(kc, username: str, password: str, client_id: str = keycloak.DEV_CLIENT) -> httpx.Response:
    return httpx.post(
        kc.token_endpoint,
        data={"grant_type": "password", "client_id": client_id, "username": username, "password": password},
        timeout=30,
    )


@pytest.fixture(scope="module")
def jwks(kc):
    return httpx.get(kc.jwks_uri, timeout=30).json()


def test_discovery_document_and_jwks_answer(kc, jwks):
    discovery = httpx.get(f"{kc.issuer}/.well-known/openid-configuration", timeout=30)
    assert discovery.status_code == 200
    doc = discovery.json()
    assert doc["issuer"] == kc.issuer == f"{kc.url}/realms/thidua"
    assert doc["jwks_uri"] == kc.jwks_uri
    assert doc["token_endpoint"] == kc.token_endpoint
    assert "S256" in doc["code_challenge_methods_supported"]
    signing = [k for k in jwks["keys"] if k.get("use") == "sig" and k["alg"] == "RS256"]
    assert signing and signing[0]["kty"] == "RSA" and signing[0]["n"] and signing[0]["e"]


def test_unit_reporter_gets_a_token_with_the_platform_claims(kc, jwks):
    username = "unit-reporter.huyen-cu-jut"
    response = password_grant(kc, username, kc.credentials().passwords[username])
    assert response.status_code == 200, response.text
    claims = verify_rs256(response.json()["access_token"], jwks)
    assert claims["iss"] == kc.issuer
    assert claims["aud"] in ("thidua-api", ["thidua-api"])
    assert claims["tenant"] == "daknong"
    assert claims["unit"] == "huyen-cu-jut"
    assert claims["roles"] == ["unit_reporter"]
    assert claims["sub"] and claims["exp"] > time.time()
    # the platform's claims exactly, beside the standard ones: no realm_access, resource_access,
    # preferred_username, email or allowed-origins in access tokens
    standard = {"exp", "iat", "jti", "iss", "aud", "sub", "typ", "azp", "sid", "scope", "auth_time", "acr"}
    assert set(claims) - standard == {"tenant", "unit", "roles"}, claims


def test_every_demo_user_carries_its_roles_and_unit(kc, jwks):
    passwords = kc.credentials().passwords
    seen_roles = set()
    for user in keycloak.demo_users():
        response = password_grant(kc, user.username, passwords[user.username])
        assert response.status_code == 200, (user.username, response.text)
        claims = verify_rs256(response.json()["access_token"], jwks)
        assert claims["tenant"] == "daknong", user
        assert claims.get("unit") == user.unit, user
        assert claims["roles"] == list(user.roles), user
        seen_roles.update(claims["roles"])
    assert seen_roles == ROLES - {"system"}


def test_system_client_gets_a_token_by_client_credentials(kc, jwks):
    response = httpx.post(
        kc.token_endpoint,
        data={"grant_type": "client_credentials", "client_id": keycloak.SYSTEM_CLIENT,
              "client_secret": kc.credentials().system_secret},
        timeout=30,
    )
    assert response.status_code == 200, response.text
    claims = verify_rs256(response.json()["access_token"], jwks)
    assert claims["roles"] == ["system"]
    assert claims["tenant"] == "daknong"
    assert claims["aud"] in ("thidua-api", ["thidua-api"])
    assert claims["azp"] == keycloak.SYSTEM_CLIENT and claims["sub"]
    assert "unit" not in claims  # a system acts for the tenant, not for a unit


def test_wrong_password_and_wrong_secret_are_refused(kc):
    response = password_grant(kc, "auditor.daknong", "not-the-password")
    assert response.status_code == 401 and response.json()["error"] == "invalid_grant"
    response = httpx.post(
        kc.token_endpoint,
        data={"grant_type": "client_credentials", "client_id": keycloak.SYSTEM_CLIENT, "client_secret": "wrong"},
        timeout=30,
    )
    assert response.status_code == 401 and response.json()["error"] == "unauthorized_client"


def test_console_client_allows_no_password_grant(kc):
    username = "board-officer.so-noi-vu"
    response = password_grant(kc, username, kc.credentials().passwords[username], client_id=keycloak.CONSOLE_CLIENT)
    assert response.status_code in (400, 401), response.text
    assert response.json()["error"] == "unauthorized_client"


def console_login(kc, username: str, challenge: str, redirect_uri: str, state: str) -> str:
    """Sign in on Keycloak's login form as a browser would; returns the authorization code. The
    session cookies are sent by hand: Keycloak marks them Secure, which httpx keeps to HTTPS."""
    with httpx.Client(timeout=30) as browser:
        login_page = browser.get(
            f"{kc.issuer}/protocol/openid-connect/auth",
            params={"client_id": keycloak.CONSOLE_CLIENT, "response_type": "code", "scope": "openid",
                    "redirect_uri": redirect_uri, "code_challenge": challenge, "code_challenge_method": "S256",
                    "state": state},
        )
        assert login_page.status_code == 200, login_page.text[:500]
        action = html.unescape(re.search(r'action="([^"]+)"', login_page.text).group(1))
        cookies = "; ".join(f"{c.name}={c.value}" for c in browser.cookies.jar)
        answer = httpx.post(
            action, data={"username": username, "password": kc.credentials().passwords[username]},
            headers={"Cookie": cookies}, timeout=30,
        )
    assert answer.status_code == 302, re.findall(r'(?s)<span[^>]*kc-feedback-text[^>]*>(.*?)</span>', answer.text) or answer.text[-800:]
    query = parse_qs(urlparse(answer.headers["location"]).query)
    assert query["state"] == [state]
    return query["code"][0]


def test_console_login_with_authorization_code_and_pkce(kc, jwks):
    """The browser flow of the console, driven by hand: PKCE S256 challenge, login form, code for
    token with the verifier. Without the verifier the code is refused."""
    verifier = secrets.token_urlsafe(48)
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    redirect_uri = "http://127.0.0.1:8004/dashboard"
    username = "cluster-head.tx-gia-nghia"
    exchange = {"grant_type": "authorization_code", "client_id": keycloak.CONSOLE_CLIENT, "redirect_uri": redirect_uri}
    code = console_login(kc, username, challenge, redirect_uri, "s1")
    refused = httpx.post(kc.token_endpoint, data={**exchange, "code": code}, timeout=30)  # no verifier
    assert refused.status_code == 400 and refused.json()["error"] == "invalid_grant", refused.text
    # a code is single-use, even after a failed exchange: sign in again for a fresh one
    code = console_login(kc, username, challenge, redirect_uri, "s2")
    response = httpx.post(kc.token_endpoint, data={**exchange, "code": code, "code_verifier": verifier}, timeout=30)
    assert response.status_code == 200, response.text
    claims = verify_rs256(response.json()["access_token"], jwks)
    assert claims["roles"] == ["cluster_head"] and claims["unit"] == "tx-gia-nghia" and claims["tenant"] == "daknong"
    assert claims["azp"] == keycloak.CONSOLE_CLIENT
