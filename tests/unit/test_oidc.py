"""Issue 10, identity: tokens of an OIDC provider verified through its JWKS (thidua_common.auth.oidc
and tokens.authenticate), with locally generated RSA and EC keys and an in-memory provider
injected as the key cache's fetcher (a fake clock drives the cache's TTL and refetch limit)."""

import asyncio
import base64
import hashlib
import hmac
import json
import time
import uuid

import httpx
import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from jwt.algorithms import ECAlgorithm, RSAAlgorithm

from thidua_common.auth import AuthError, Role, mint_token, oidc
from thidua_common.auth.tokens import authenticate
from thidua_common.http import CurrentPrincipal, create_app
from thidua_common.i18n import t
from thidua_common.settings import Settings
from thidua_common.startup import problems

ISSUER = "https://sso.daknong.test/realms/thidua"
JWKS_URL = ISSUER + "/protocol/openid-connect/certs"
SETTINGS = Settings(oidc_issuer=ISSUER, jwt_secret="unit-test-secret-that-is-32-bytes!!", api_keys="")


def rsa_key():
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


RSA_1, RSA_2, EC_1 = rsa_key(), rsa_key(), ec.generate_private_key(ec.SECP256R1())


def jwk(private, kid: str, **extra) -> dict:
    reader = RSAAlgorithm if isinstance(private, rsa.RSAPrivateKey) else ECAlgorithm
    return {**json.loads(reader.to_jwk(private.public_key())), "kid": kid, "use": "sig", **extra}


class Provider:
    """An OIDC provider in memory: its discovery document and JWKS, what was fetched, and whether
    it is up."""

    def __init__(self, *keys: dict):
        self.jwks = {"keys": list(keys)}
        self.discovery = {"issuer": ISSUER, "jwks_uri": JWKS_URL}
        self.fetched: list[str] = []
        self.up = True

    async def fetch(self, url: str):
        self.fetched.append(url)
        await asyncio.sleep(0)  # a real fetch yields to the event loop
        if not self.up:
            raise httpx.ConnectError("down")
        return {JWKS_URL: self.jwks, ISSUER + "/.well-known/openid-configuration": self.discovery}[url]


class Clock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def install(provider: Provider, settings: Settings = SETTINGS, clock: Clock | None = None, **kw) -> oidc.JwksCache:
    cache = oidc.JwksCache(issuer=settings.oidc_issuer, jwks_url=settings.oidc_jwks_url, fetch=provider.fetch,
                           ttl_seconds=kw.get("ttl", 3600), refetch_seconds=kw.get("refetch", 30), clock=clock or Clock())
    oidc.use_cache(settings, cache)
    return cache


def claims(**over) -> dict:
    now = int(time.time())
    base = {"iss": ISSUER, "aud": "thidua-api", "sub": f"user-{uuid.uuid4().hex[:8]}", "iat": now, "exp": now + 300,
            "tenant": "daknong", "unit": "huyen-cu-jut", "roles": ["unit_reporter"]}
    base.update(over)
    return {k: v for k, v in base.items() if v is not None}


def sign(payload: dict, private=RSA_1, kid: str = "k1", alg: str | None = None) -> str:
    alg = alg or ("RS256" if isinstance(private, rsa.RSAPrivateKey) else "ES256")
    return jwt.encode(payload, private, algorithm=alg, headers={"kid": kid})


def run(token: str, settings: Settings = SETTINGS):
    return asyncio.run(authenticate(settings, token))


def refused(token: str, settings: Settings = SETTINGS) -> AuthError:
    with pytest.raises(AuthError) as info:
        run(token, settings)
    return info.value


def reason(error: AuthError) -> str:
    return error.params.get("reason_code", error.key)


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


# -- accepted ---------------------------------------------------------------------------------------


def test_a_valid_rs256_token_names_its_caller():
    install(Provider(jwk(RSA_1, "k1")))
    payload = claims(roles=["unit_reporter", "unit_leader"])
    principal = run(sign(payload))
    assert (principal.subject, principal.tenant, principal.unit_id) == (payload["sub"], "daknong", "huyen-cu-jut")
    assert principal.roles == {Role.unit_reporter, Role.unit_leader} and principal.kind == "user"


def test_a_valid_es256_token_is_accepted():
    install(Provider(jwk(EC_1, "ec1")))
    assert run(sign(claims(roles=["board_officer"], unit=None), EC_1, "ec1")).roles == {Role.board_officer}


def test_the_keys_are_found_through_the_discovery_document_and_fetched_once():
    provider = Provider(jwk(RSA_1, "k1"))
    install(provider)
    for _ in range(3):
        run(sign(claims()))
    assert provider.fetched == [ISSUER + "/.well-known/openid-configuration", JWKS_URL]


def test_a_configured_jwks_url_skips_discovery():
    settings = SETTINGS.model_copy(update={"oidc_jwks_url": JWKS_URL})
    provider = Provider(jwk(RSA_1, "k1"))
    install(provider, settings)
    run(sign(claims()), settings)
    assert provider.fetched == [JWKS_URL]


def test_a_system_clients_token_acts_as_a_system():
    install(Provider(jwk(RSA_1, "k1")))
    principal = run(sign(claims(roles=["system"], unit=None, azp="thidua-system")))
    assert principal.roles == {Role.system} and principal.kind == "system" and not principal.unit_scoped


# -- refused ----------------------------------------------------------------------------------------


def test_a_token_of_another_issuer_is_refused():
    install(Provider(jwk(RSA_1, "k1")))
    assert reason(refused(sign(claims(iss="https://sso.other.test/realms/x")))) == "auth.reason.issuer"


def test_a_token_for_another_audience_is_refused():
    install(Provider(jwk(RSA_1, "k1")))
    error = refused(sign(claims(aud="thidua-console")))
    assert reason(error) == "auth.reason.audience"
    assert t(error.key, "vi", **error.params) == "Mã thông báo không hợp lệ: mã không dành cho hệ thống này."


def test_an_expired_token_is_refused():
    install(Provider(jwk(RSA_1, "k1")))
    now = int(time.time())
    assert refused(sign(claims(iat=now - 900, exp=now - 600))).key == "auth.expired"


def test_a_token_signed_by_a_key_the_provider_does_not_publish_is_refused():
    install(Provider(jwk(RSA_1, "k1")))
    assert reason(refused(sign(claims(), RSA_2, "k1"))) == "auth.reason.signature"


def test_alg_none_is_refused():
    install(Provider(jwk(RSA_1, "k1")))
    token = f"{b64(json.dumps({'alg': 'none', 'kid': 'k1'}).encode())}.{b64(json.dumps(claims()).encode())}."
    assert reason(refused(token)) == "auth.reason.algorithm"


def test_an_hs256_token_signed_with_the_public_key_is_refused():
    """The key-confusion attack: the public key (which anybody can fetch) as an HMAC secret."""
    install(Provider(jwk(RSA_1, "k1")))
    public_pem = RSA_1.public_key().public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    head = b64(json.dumps({"alg": "HS256", "typ": "JWT", "kid": "k1"}).encode())
    body = b64(json.dumps(claims()).encode())
    signature = b64(hmac.new(public_pem, f"{head}.{body}".encode(), hashlib.sha256).digest())
    assert reason(refused(f"{head}.{body}.{signature}")) == "auth.reason.algorithm"


def test_a_header_naming_another_algorithm_than_the_keys_is_refused():
    # an RS256 header over the EC key's kid: the key's type decides the algorithm, never the header
    install(Provider(jwk(RSA_1, "k1"), jwk(EC_1, "ec1")))
    assert reason(refused(sign(claims(), RSA_1, "ec1"))) == "auth.reason.algorithm"


def test_a_token_without_roles_or_with_only_the_providers_own_roles_is_refused():
    install(Provider(jwk(RSA_1, "k1")))
    assert reason(refused(sign(claims(roles=None)))) == "auth.reason.no_roles"
    assert reason(refused(sign(claims(roles=[])))) == "auth.reason.no_roles"
    assert reason(refused(sign(claims(roles=["offline_access", "uma_authorization"])))) == "auth.reason.no_roles"


def test_the_provider_roles_beside_the_platforms_grant_nothing():
    install(Provider(jwk(RSA_1, "k1")))
    assert run(sign(claims(roles=["default-roles-thidua", "auditor"]))).roles == {Role.auditor}


@pytest.mark.parametrize(("over", "claim"), [
    ({"tenant": "Đắk Nông"}, "tenant"), ({"tenant": None}, "tenant"), ({"unit": "../x"}, "unit"), ({"sub": ""}, "sub"),
])
def test_the_claim_rules_of_the_platforms_tokens_apply(over, claim):
    install(Provider(jwk(RSA_1, "k1")))
    error = refused(sign(claims(**over)))
    assert reason(error) == "auth.reason.claim" and error.params["claim"] == claim


def test_a_token_living_longer_than_the_maximum_is_refused():
    install(Provider(jwk(RSA_1, "k1")))
    now = int(time.time())
    assert reason(refused(sign(claims(iat=now, exp=now + 12 * 3600 + 1)))) == "auth.reason.lifetime"
    assert reason(refused(sign(claims(iat=None)))) == "auth.reason.missing_claim"


def test_a_malformed_token_is_refused_as_such():
    install(Provider(jwk(RSA_1, "k1")))
    assert reason(refused("not.a.token")) == "auth.reason.malformed"


# -- keys: rotation, cache, refetch limit, outages --------------------------------------------------


def test_an_unknown_kid_refetches_the_keys_and_a_rotated_key_is_accepted():
    provider = Provider(jwk(RSA_1, "k1"))
    clock = Clock()
    install(provider, clock=clock)
    run(sign(claims()))
    provider.jwks = {"keys": [jwk(RSA_2, "k2")]}  # the provider rotates: k1 retired, k2 signs
    clock.now += 31
    assert run(sign(claims(), RSA_2, "k2")).tenant == "daknong"
    assert provider.fetched.count(JWKS_URL) == 2


def test_unknown_kids_refetch_at_most_once_per_interval():
    provider = Provider(jwk(RSA_1, "k1"))
    clock = Clock()
    install(provider, clock=clock, refetch=30)
    run(sign(claims()))
    clock.now += 31
    for n in range(5):  # made-up kids: one refetch, then refused without asking the provider again
        assert reason(refused(sign(claims(), RSA_2, f"made-up-{n}"))) == "auth.reason.unknown_key"
        clock.now += 5
    assert provider.fetched.count(JWKS_URL) == 2
    provider.jwks["keys"].append(jwk(RSA_2, "k2"))
    clock.now += 10  # 35 s after the refetch
    assert run(sign(claims(), RSA_2, "k2"))
    assert provider.fetched.count(JWKS_URL) == 3


def test_the_keys_are_refetched_after_their_ttl():
    provider = Provider(jwk(RSA_1, "k1"))
    clock = Clock()
    install(provider, clock=clock, ttl=600)
    run(sign(claims()))
    clock.now += 599
    run(sign(claims()))
    assert provider.fetched.count(JWKS_URL) == 1
    clock.now += 2
    run(sign(claims()))
    assert provider.fetched.count(JWKS_URL) == 2


def test_known_keys_stay_in_use_while_the_provider_is_down():
    provider = Provider(jwk(RSA_1, "k1"))
    clock = Clock()
    install(provider, clock=clock, ttl=600)
    run(sign(claims()))
    provider.up = False
    clock.now += 3600
    assert run(sign(claims())).tenant == "daknong"
    assert provider.fetched.count(JWKS_URL) == 2  # it tried


def test_no_keys_at_all_is_told_apart_from_a_bad_token():
    provider = Provider(jwk(RSA_1, "k1"))
    provider.up = False
    install(provider)
    with pytest.raises(oidc.KeysUnavailable):
        run(sign(claims()))


def test_a_discovery_document_naming_another_issuer_gives_no_keys():
    provider = Provider(jwk(RSA_1, "k1"))
    provider.discovery["issuer"] = "https://evil.test/realms/thidua"
    install(provider)
    with pytest.raises(oidc.KeysUnavailable):
        run(sign(claims()))
    assert JWKS_URL not in provider.fetched


def test_concurrent_requests_share_one_fetch():
    provider = Provider(jwk(RSA_1, "k1"))
    install(provider)
    tokens = [sign(claims()) for _ in range(20)]

    async def all_at_once():
        return await asyncio.gather(*(authenticate(SETTINGS, token) for token in tokens))

    assert len(asyncio.run(all_at_once())) == 20
    assert provider.fetched.count(JWKS_URL) == 1


def test_the_jwks_keeps_only_signing_keys_of_the_fixed_algorithms():
    keys = oidc.parse_jwks({"keys": [
        jwk(RSA_1, "sig"),
        jwk(RSA_2, "enc", use="enc"),
        jwk(RSA_2, "ps", alg="PS256"),
        jwk(EC_1, "ec"),
        {"kty": "oct", "k": "c2VjcmV0", "kid": "hmac"},
        {"kty": "RSA", "kid": "broken", "n": "x"},
        "not a key",
    ]})
    assert {kid: key.algorithm for kid, key in keys.items()} == {"sig": "RS256", "ec": "ES256"}
    with pytest.raises(ValueError):
        oidc.parse_jwks({"no": "keys"})


# -- configured claim paths (another provider by configuration alone) -------------------------------


def test_claim_paths_are_configurable():
    settings = SETTINGS.model_copy(update={
        "oidc_roles_claim": "realm_access.roles", "oidc_tenant_claim": "org.tenant", "oidc_unit_claim": "org.unit"})
    install(Provider(jwk(RSA_1, "k1")), settings)
    token = sign(claims(roles=None, tenant=None, unit=None, realm_access={"roles": ["offline_access", "cluster_head"]},
                        org={"tenant": "daknong", "unit": ["tx-gia-nghia"]}))
    principal = run(token, settings)
    assert (principal.tenant, principal.unit_id, principal.roles) == ("daknong", "tx-gia-nghia", {Role.cluster_head})
    # the default paths find nothing in such a token
    install(Provider(jwk(RSA_1, "k1")))
    assert reason(refused(token)) == "auth.reason.claim"


def test_a_claim_named_with_dots_is_found_whole():
    assert oidc.claim_at({"https://thidua.vn/roles": ["auditor"]}, "https://thidua.vn/roles") == ["auditor"]
    assert oidc.claim_at({"a": {"b": 1}}, "a.c") is None and oidc.claim_at({"a": 1}, "a.b") is None


def test_a_fixed_tenant_serves_a_provider_without_a_tenant_claim():
    settings = SETTINGS.model_copy(update={"oidc_tenant": "daknong"})
    install(Provider(jwk(RSA_1, "k1")), settings)
    assert run(sign(claims(tenant=None)), settings).tenant == "daknong"


# -- development and production --------------------------------------------------------------------


def test_development_accepts_both_kinds_of_token():
    settings = SETTINGS.model_copy(update={"environment": "development"})
    install(Provider(jwk(RSA_1, "k1")), settings)
    hs256 = mint_token(settings, subject="dev", tenant="daknong", roles=["auditor"])
    assert run(hs256, settings).subject == "dev"
    assert run(sign(claims()), settings).roles == {Role.unit_reporter}


def test_production_refuses_the_development_tokens():
    install(Provider(jwk(RSA_1, "k1")))
    hs256 = mint_token(SETTINGS, subject="dev", tenant="daknong", roles=["auditor"])
    assert reason(refused(hs256)) == "auth.reason.issuer"
    # claiming the provider's issuer does not help: HS256 is not an algorithm of the provider
    forged = mint_token(SETTINGS.model_copy(update={"jwt_issuer": ISSUER}), subject="dev", tenant="daknong", roles=["auditor"])
    assert reason(refused(forged)) == "auth.reason.algorithm"


def test_production_requires_an_issuer_and_then_ignores_the_jwt_secret():
    # issue 12: production's Kafka clients use SASL (thidua_common.startup.kafka_problems)
    kafka = {"kafka_security_protocol": "SASL_SSL", "kafka_sasl_username": "u", "kafka_sasl_password": "p"}
    settings = {p.setting for p in problems(Settings(**kafka), http_api=True)}
    assert settings == {"THIDUA_OIDC_ISSUER", "THIDUA_JWT_SECRET"}
    assert problems(Settings(oidc_issuer=ISSUER, **kafka), http_api=True) == []  # the public secret signs nothing here
    assert problems(Settings(**kafka), http_api=False) == []  # scoring and notify verify no tokens


@pytest.mark.parametrize(("issuer", "ok"), [
    ("https://sso.daknong.gov.vn/realms/thidua", True), ("http://127.0.0.1:8080/realms/thidua", True),
    ("http://localhost:8080/realms/thidua", True), ("http://sso.daknong.gov.vn/realms/thidua", False),
])
def test_production_reaches_the_provider_over_https(issuer, ok):
    found = [p for p in problems(Settings(oidc_issuer=issuer), http_api=True) if "KAFKA" not in p.setting]
    assert (found == []) is ok, found
    plain = problems(Settings(oidc_issuer=ISSUER, oidc_jwks_url="http://keys.test/certs"), http_api=True)
    plain = [p for p in plain if "KAFKA" not in p.setting]
    assert [p.setting for p in plain] == ["THIDUA_OIDC_JWKS_URL"]


# -- through the HTTP layer -------------------------------------------------------------------------


async def call(token: str, lang: str = "vi") -> httpx.Response:
    app = create_app("test", SETTINGS)

    @app.get("/who")
    async def who(principal: CurrentPrincipal) -> dict:
        return {"subject": principal.subject, "roles": sorted(principal.roles)}

    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test") as client:
        return await client.get("/who", headers={"Authorization": f"Bearer {token}", "Accept-Language": lang})


async def test_the_http_layer_accepts_the_providers_token_and_tells_refusals_in_vietnamese():
    install(Provider(jwk(RSA_1, "k1")))
    good = await call(sign(claims(sub="nguoi-bao-cao")))
    assert good.status_code == 200 and good.json() == {"subject": "nguoi-bao-cao", "roles": ["unit_reporter"]}
    bad = await call(sign(claims(aud="other")))
    assert bad.status_code == 401 and bad.json()["message"] == "Mã thông báo không hợp lệ: mã không dành cho hệ thống này."


async def test_the_http_layer_answers_503_when_no_key_can_be_had():
    provider = Provider(jwk(RSA_1, "k1"))
    provider.up = False
    install(provider)
    vi, en = await call(sign(claims())), await call(sign(claims()), "en")
    assert vi.status_code == en.status_code == 503
    assert vi.json()["message"] == (
        "Chưa lấy được khóa xác minh từ nhà cung cấp định danh; vui lòng thử lại sau ít phút.")
    assert en.json()["message"].startswith("The identity provider's verification keys could not be fetched")


def test_the_local_stack_with_keycloak_configures_its_issuer_and_without_it_none(tmp_path):
    from thidua_devstack.stack import Ports, Stack

    with_keycloak = Stack(tmp_path / "a", Ports.free(), keycloak=True)
    assert with_keycloak.env()["THIDUA_OIDC_ISSUER"] == with_keycloak.keycloak_issuer
    assert with_keycloak.env()["THIDUA_ENVIRONMENT"] == "development"  # HS256 development tokens still work
    assert "THIDUA_OIDC_ISSUER" not in Stack(tmp_path / "b", Ports.free(), keycloak=False).env()


def test_http_fetch_follows_no_redirect_and_bounds_the_document():
    import threading
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            if self.path == "/moved":
                self.send_response(302)
                self.send_header("Location", "/jwks")
                self.end_headers()
                return
            body = b'{"keys": []}' if self.path == "/jwks" else b'{"k": "' + b"x" * oidc.MAX_DOCUMENT_BYTES + b'"}'
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        assert asyncio.run(oidc.http_fetch(f"{base}/jwks")) == {"keys": []}
        for path in ("/moved", "/huge"):
            with pytest.raises(ValueError):
                asyncio.run(oidc.http_fetch(f"{base}{path}"))
    finally:
        server.shutdown()


# -- the keys are fetched at start, and readiness says when there are none ---------------------------
def test_keys_are_prefetched_at_start_so_the_first_request_does_not_wait():
    provider = Provider(jwk(RSA_1, "k1"))
    cache = install(provider)

    async def start():
        task = oidc.prefetch(SETTINGS)
        await task
        return len(provider.fetched)

    assert asyncio.run(start()) == 2  # discovery and JWKS, before any token arrives
    assert set(cache.keys) == {"k1"}
    fetched = len(provider.fetched)
    assert run(sign(claims())).subject  # no further fetch for the first request
    assert len(provider.fetched) == fetched
    assert oidc.prefetch(Settings(oidc_issuer="", environment="development")) is None
    assert oidc.readiness_checks(Settings(oidc_issuer="", environment="development")) == {}


def test_readiness_is_degraded_without_keys_and_refetches_at_most_once_a_second_until_it_has_some():
    provider = Provider(jwk(RSA_1, "k1"))
    provider.up = False
    clock = Clock()
    install(provider, clock=clock, refetch=30)
    check = oidc.readiness_checks(SETTINGS)["oidc_keys"]
    with pytest.raises(oidc.KeysUnavailable):
        asyncio.run(check())
    attempts = len(provider.fetched)
    with pytest.raises(oidc.KeysUnavailable):
        asyncio.run(check())  # a probe a moment later: no new fetch
    assert len(provider.fetched) == attempts
    provider.up = True
    clock.now += 1  # no key at all: retried after a second, not after the whole refetch interval
    assert asyncio.run(check()) == {"keys": 1}
    assert asyncio.run(check()) == {"keys": 1}
    assert len(provider.fetched) == attempts + 2  # one refetch (discovery and JWKS), then the cache


def test_a_provider_down_at_start_is_asked_again_a_second_later_not_after_the_interval():
    # the services start before the provider (the local stack, a cluster restart): a failed first
    # fetch must not refuse every token for the whole refetch interval
    provider = Provider(jwk(RSA_1, "k1"))
    provider.up = False
    clock = Clock()
    cache = install(provider, clock=clock, refetch=30)
    asyncio.run(cache.refresh())
    provider.up = True
    with pytest.raises(oidc.KeysUnavailable):
        run(sign(claims()))  # within the second: not asked again, 503 keys unavailable
    clock.now += 1
    assert run(sign(claims())).subject
