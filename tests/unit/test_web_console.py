"""Issue 10, the console's foundation (services/web): PKCE, state and CSRF checks, the session store,
and the sign-in flow against a fake OIDC provider and a fake reporting API (httpx MockTransport):
tokens stay on the server, the cookie holds only a session id, pages escape what the APIs return,
and failures render the Vietnamese error page."""

import base64
import hashlib
from urllib.parse import parse_qs, urlsplit

import httpx
import jwt
import pytest

from thidua_common.settings import Settings
from thidua_web import security
from thidua_web.config import WebSettings
from thidua_web.main import COOKIE, build_app, safe_next
from thidua_web.sessions import SessionStore, Tokens

ISSUER = "http://idp.test/realms/thidua"
SCRIPT_NAME = "<script>alert('x')</script> Thi đua"


# -- pure parts ---------------------------------------------------------------------------------------
def test_s256_matches_rfc7636_appendix_b():
    assert security.s256("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk") == "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"


def test_pkce_pair_is_fresh_and_s256():
    v1, c1 = security.pkce_pair()
    v2, _ = security.pkce_pair()
    assert v1 != v2 and 43 <= len(v1) <= 128
    expected = base64.urlsafe_b64encode(hashlib.sha256(v1.encode()).digest()).rstrip(b"=").decode()
    assert c1 == expected


@pytest.mark.parametrize(("expected", "given", "ok"), [
    ("abc", "abc", True), ("abc", "abd", False), ("abc", None, False), ("", "", False), (None, None, False),
])
def test_same_never_matches_missing_secrets(expected, given, ok):
    assert security.same(expected, given) is ok


@pytest.mark.parametrize(("value", "safe"), [
    ("/", "/"), ("/campaigns?x=1", "/campaigns?x=1"), (None, "/"), ("https://evil.test/", "/"),
    ("//evil.test", "/"), ("/\\evil.test", "/"), ("javascript:alert(1)", "/"),
])
def test_safe_next_allows_only_local_paths(value, safe):
    assert safe_next(value) == safe


class Clock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self):
        return self.now


def test_pending_login_is_taken_once_and_expires():
    clock = Clock()
    store = SessionStore(pending_seconds=60, clock=clock)
    store.begin("s1", "v", "n", "/")
    assert store.take_pending("s1").verifier == "v"
    assert store.take_pending("s1") is None  # a replayed callback
    store.begin("s2", "v", "n", "/")
    clock.now += 61
    assert store.take_pending("s2") is None
    assert store.take_pending(None) is None and store.take_pending("unknown") is None


def test_sessions_have_random_ids_and_csrf_and_expire_when_idle():
    clock = Clock()
    store = SessionStore(idle_seconds=100, clock=clock)
    tokens = Tokens("access", "refresh", "id", clock.now + 300)
    a, b = store.create(tokens, {}), store.create(tokens, {})
    assert a.id != b.id and a.csrf != b.csrf and a.id != a.csrf
    assert len(a.id) >= 43 and "access" not in a.id
    clock.now += 90
    assert store.get(a.id) is a  # touched: idle time starts again
    clock.now += 90
    assert store.get(a.id) is a and store.get(b.id) is None
    assert store.end(a.id) is a and store.get(a.id) is None and store.get(None) is None


# -- the app against fakes ----------------------------------------------------------------------------
class Fakes:
    """The OIDC provider and reporting's API, as one MockTransport."""

    def __init__(self):
        self.challenges: dict[str, str] = {}  # code -> challenge
        self.nonces: dict[str, str] = {}
        self.expires_in = 300
        self.refreshed = 0
        self.reporting_status = 200
        self.seen_bearers: list[str] = []
        self.seen_paths: list[str] = []
        self.unit: str | None = "huyen-cu-jut"
        self.roles = ["unit_reporter"]
        self.members = {"huyen-cu-jut", "huyen-dak-mil"}  # the units taking part in c1
        self.campaigns = [{"campaign_id": "c1", "name": SCRIPT_NAME, "status": "running", "start": "2026-01-01",
                           "end": "2026-12-31", "reporting_frequency": "quarterly", "participants": 2, "clusters": []}]

    def tokens(self, nonce: str, n: int = 0) -> dict:
        claims = {"iss": ISSUER, "sub": "u1", "tenant": "daknong", "roles": self.roles, "n": n}
        access = jwt.encode({**claims, **({"unit": self.unit} if self.unit else {})}, "k" * 32)
        id_token = jwt.encode({"iss": ISSUER, "aud": "thidua-console", "nonce": nonce, "name": "Nguyễn Văn A",
                               "preferred_username": "unit-reporter.huyen-cu-jut"}, "k" * 32)
        return {"access_token": access, "refresh_token": f"refresh-{n}", "id_token": id_token,
                "expires_in": self.expires_in}

    def listed(self) -> list[dict]:
        """reporting's campaign list: whether the caller's unit takes part, as reporting tells it."""
        return [{**c, "participating": (self.unit in self.members) if self.unit else None} for c in self.campaigns]

    def __call__(self, request: httpx.Request) -> httpx.Response:
        url = str(request.url)
        if url == f"{ISSUER}/.well-known/openid-configuration":
            return httpx.Response(200, json={
                "authorization_endpoint": f"{ISSUER}/auth", "token_endpoint": f"{ISSUER}/token",
                "end_session_endpoint": f"{ISSUER}/logout"})
        if url == f"{ISSUER}/token":
            form = parse_qs(request.content.decode())
            if form["grant_type"] == ["refresh_token"]:
                self.refreshed += 1
                self.expires_in = 300
                return httpx.Response(200, json=self.tokens("", self.refreshed))
            code = form["code"][0]
            if security.s256(form["code_verifier"][0]) != self.challenges.get(code):
                return httpx.Response(400, json={"error": "invalid_grant"})
            return httpx.Response(200, json=self.tokens(self.nonces[code]))
        if request.url.host == "reporting.test":
            self.seen_bearers.append(request.headers["authorization"])
            self.seen_paths.append(request.url.path)
            if self.reporting_status != 200:
                return httpx.Response(self.reporting_status, json={"message": "boom"})
            if request.url.path == "/api/v1/campaigns":
                return httpx.Response(200, json=self.listed())
            if request.url.path == "/api/v1/campaigns/c1/leaderboard":
                return httpx.Response(200, json={"standings": [
                    {"unit_id": "huyen-dak-mil", "rank": 1, "score_display": "90"},
                    {"unit_id": "huyen-cu-jut", "rank": 2, "score_display": "80,5"}]})
        return httpx.Response(404)


@pytest.fixture
def fakes():
    return Fakes()


@pytest.fixture
async def client(fakes):
    settings = Settings(oidc_issuer=ISSUER, environment="development")
    web = WebSettings(public_url="http://console.test", reporting_url="http://reporting.test")
    http = httpx.AsyncClient(transport=httpx.MockTransport(fakes))
    app = build_app(settings, web, http)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://console.test") as c:
        c.app = app
        yield c
    await http.aclose()


async def sign_in(client, fakes, code="code-1"):
    response = await client.get("/login")
    assert response.status_code == 303
    location = urlsplit(response.headers["location"])
    query = {k: v[0] for k, v in parse_qs(location.query).items()}
    fakes.challenges[code] = query["code_challenge"]
    fakes.nonces[code] = query["nonce"]
    return await client.get("/callback", params={"code": code, "state": query["state"]}), query


async def test_login_redirects_to_the_issuer_with_state_nonce_and_pkce(client):
    response = await client.get("/login")
    assert response.status_code == 303
    location = urlsplit(response.headers["location"])
    assert f"{location.scheme}://{location.netloc}{location.path}" == f"{ISSUER}/auth"
    query = {k: v[0] for k, v in parse_qs(location.query).items()}
    assert query["code_challenge_method"] == "S256" and len(query["code_challenge"]) == 43
    assert query["response_type"] == "code" and query["client_id"] == "thidua-console"
    assert query["redirect_uri"] == "http://console.test/callback"
    assert len(query["state"]) >= 43 and len(query["nonce"]) >= 43 and query["state"] != query["nonce"]


async def test_sign_in_keeps_tokens_on_the_server_and_sets_an_httponly_cookie(client, fakes):
    response, _ = await sign_in(client, fakes)
    assert response.status_code == 303 and response.headers["location"] == "/"
    cookie = response.headers["set-cookie"]
    assert cookie.startswith(f"{COOKIE}=") and "HttpOnly" in cookie and "SameSite=lax" in cookie
    assert "Secure" not in cookie  # development over http; production sets it (next test)
    session_id = response.cookies[COOKIE]
    session = client.app.state.sessions.get(session_id)
    assert session is not None and session_id not in (session.tokens.access_token, session.tokens.id_token)
    assert session.claims["unit"] == "huyen-cu-jut" and session.claims["roles"] == ["unit_reporter"]

    home = await client.get("/")
    assert home.status_code == 200
    for secret in (session.tokens.access_token, session.tokens.refresh_token, session.tokens.id_token):
        assert secret not in home.text
    assert "Nguyễn Văn A" in home.text and "huyen-cu-jut" in home.text and "unit_reporter" in home.text
    assert "Đang diễn ra" in home.text and "quarterly" in home.text  # a known code as words, an unknown one as is
    assert fakes.seen_paths == ["/api/v1/campaigns"]  # one call: the standing comes after the page
    assert 'hx-get="/home/standing/c1" hx-trigger="load"' in home.text
    standing = await client.get("/home/standing/c1")
    assert standing.text.strip() == "Hạng 2/2 · 80,5 điểm"
    assert fakes.seen_bearers[-1] == f"Bearer {session.tokens.access_token}"
    assert fakes.seen_paths == ["/api/v1/campaigns", "/api/v1/campaigns/c1/leaderboard"]


async def test_cookie_is_secure_outside_development(fakes):
    settings = Settings(oidc_issuer=ISSUER, environment="production", oidc_jwks_url="http://idp.test/certs")
    web = WebSettings(public_url="https://console.test", reporting_url="http://reporting.test")
    http = httpx.AsyncClient(transport=httpx.MockTransport(fakes))
    app = build_app(settings, web, http)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="https://console.test") as c:
        response, _ = await sign_in(c, fakes)
    assert "Secure" in response.headers["set-cookie"]


async def test_a_stored_script_in_a_campaign_name_renders_as_text(client, fakes):
    await sign_in(client, fakes)
    home = await client.get("/")
    assert "<script>alert" not in home.text
    assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; Thi đua" in home.text


async def test_every_page_carries_the_csp_without_inline_script(client, fakes):
    for path in ("/", "/no-such-page"):
        policy = (await client.get(path)).headers["content-security-policy"]
        assert "default-src 'self'" in policy and "unsafe-inline" not in policy
    await sign_in(client, fakes)
    home = await client.get("/")
    assert "default-src 'self'" in home.headers["content-security-policy"]
    assert "<script>" not in home.text and "style=" not in home.text  # only <script src=...>
    assert '<script src="/static/vendor/htmx.min.js" defer></script>' in home.text
    assert '"includeIndicatorStyles": false' in home.text  # htmx adds no inline style
    assert '"historyCacheSize": 0' in home.text  # nor copies of pages in localStorage
    assert '"allowEval": false' in home.text and '"allowScriptTags": false' in home.text


@pytest.mark.parametrize("params", [
    {"code": "code-1", "state": "forged"}, {"code": "code-1"}, {"error": "access_denied", "state": "x"},
])
async def test_callback_with_an_unknown_state_is_refused_in_vietnamese(client, params):
    response = await client.get("/callback", params=params)
    assert response.status_code == 400
    assert "Đăng nhập không thành công" in response.text
    assert COOKIE not in response.headers.get("set-cookie", "")


async def test_a_replayed_callback_is_refused(client, fakes):
    _, query = await sign_in(client, fakes)
    again = await client.get("/callback", params={"code": "code-1", "state": query["state"]})
    assert again.status_code == 400


async def test_a_wrong_pkce_verifier_or_nonce_signs_nobody_in(client, fakes):
    response = await client.get("/login")
    query = {k: v[0] for k, v in parse_qs(urlsplit(response.headers["location"]).query).items()}
    fakes.challenges["c"] = "not-the-challenge"
    fakes.nonces["c"] = query["nonce"]
    assert (await client.get("/callback", params={"code": "c", "state": query["state"]})).status_code == 400
    response = await client.get("/login")
    query = {k: v[0] for k, v in parse_qs(urlsplit(response.headers["location"]).query).items()}
    fakes.challenges["d"] = query["code_challenge"]
    fakes.nonces["d"] = "another-nonce"
    assert (await client.get("/callback", params={"code": "d", "state": query["state"]})).status_code == 400
    assert len(client.app.state.sessions) == 0


async def test_logout_needs_the_csrf_token_then_ends_both_sessions(client, fakes):
    response, _ = await sign_in(client, fakes)
    session = client.app.state.sessions.get(response.cookies[COOKIE])
    refused = await client.post("/logout", data={"csrf": "wrong"})
    assert refused.status_code == 403 and "Biểu mẫu đã hết hạn" in refused.text
    assert client.app.state.sessions.get(session.id) is session
    assert (await client.post("/logout")).status_code == 403
    done = await client.post("/logout", data={"csrf": session.csrf})
    assert done.status_code == 303
    target = urlsplit(done.headers["location"])
    assert f"{target.scheme}://{target.netloc}{target.path}" == f"{ISSUER}/logout"
    assert parse_qs(target.query)["id_token_hint"] == [session.tokens.id_token]
    assert client.app.state.sessions.get(session.id) is None
    assert 'Max-Age=0' in done.headers["set-cookie"] or "expires=" in done.headers["set-cookie"].lower()


async def test_an_expired_access_token_is_refreshed_server_side(client, fakes):
    fakes.expires_in = 5  # inside the refresh margin
    response, _ = await sign_in(client, fakes)
    old = client.app.state.sessions.get(response.cookies[COOKIE]).tokens.access_token
    assert (await client.get("/")).status_code == 200
    assert fakes.refreshed == 1
    new = client.app.state.sessions.get(response.cookies[COOKIE]).tokens.access_token
    assert new != old and fakes.seen_bearers[-1] == f"Bearer {new}"


async def test_a_standing_that_cannot_be_had_leaves_the_home_page_whole(client, fakes):
    await sign_in(client, fakes)
    assert (await client.get("/")).status_code == 200
    fakes.reporting_status = 500
    cell = await client.get("/home/standing/c1")
    assert cell.status_code == 200 and cell.text.strip() == "Chưa lấy được xếp hạng"
    assert (await client.get("/home/standing/..")).status_code == 404


@pytest.mark.parametrize(("status", "shown", "text"), [
    (500, 502, "Không lấy được dữ liệu"), (403, 403, "Bạn không có quyền"), (404, 404, "Không tìm thấy"),
])
async def test_api_failures_render_the_vietnamese_error_page(client, fakes, status, shown, text):
    await sign_in(client, fakes)
    fakes.reporting_status = status
    response = await client.get("/")
    assert response.status_code == shown and text in response.text
    assert response.headers["content-type"].startswith("text/html")


async def test_unknown_pages_and_english(client):
    response = await client.get("/nope")
    assert response.status_code == 404 and "Không tìm thấy trang này." in response.text
    response = await client.get("/nope", headers={"Accept-Language": "en"})
    assert "This page does not exist." in response.text and "Không" not in response.text
    switched = await client.get("/lang/en", params={"next": "//evil.test"})
    assert switched.status_code == 303 and switched.headers["location"] == "/"
    client.cookies.set("lang", "en")
    welcome = await client.get("/")
    assert "Sign in" in welcome.text and 'lang="en"' in welcome.text


async def test_the_home_page_without_a_session_offers_sign_in(client):
    response = await client.get("/")
    assert response.status_code == 200 and 'href="/login"' in response.text and "Đăng nhập" in response.text
    assert (await client.get("/static/vendor/htmx.min.js")).status_code == 200
    assert (await client.get("/static/console.css")).status_code == 200




# -- the local stack runs the console with Keycloak ------------------------------------------------------
def test_stack_runs_the_console_only_with_keycloak_and_points_it_at_the_apis(tmp_path, monkeypatch):
    from thidua_devstack.stack import Ports, Stack

    monkeypatch.delenv("THIDUA_KEYCLOAK", raising=False)
    assert "web" not in Stack(tmp_path / "a").service_names
    stack = Stack(tmp_path / "b", Ports(keycloak=18080, web=18005, reporting=18004, intake=18001, scoring=18002), keycloak=True)
    assert stack.service_names[-1] == "web"
    env = stack.service("web").env
    assert env["THIDUA_WEB_PUBLIC_URL"] == "http://127.0.0.1:18005"
    assert env["THIDUA_WEB_REPORTING_URL"] == "http://127.0.0.1:18004"
    assert env["THIDUA_WEB_SCORING_URL"] == "http://127.0.0.1:18002"  # issue 11: the editor's preview
    assert env["THIDUA_OIDC_ISSUER"] == "http://127.0.0.1:18080/realms/thidua"
    assert env["THIDUA_HTTP_PORT"] == "18005" and env["THIDUA_API_KEYS"] == ""


async def test_the_page_policy_lets_forms_lead_only_here_and_to_the_issuer(client):
    # the sign-out form is redirected to the end-session endpoint: form-action is checked on redirects
    policy = (await client.get("/")).headers["content-security-policy"]
    assert "form-action 'self' http://idp.test;" in policy
    assert "default-src 'self'" in policy and "script-src 'self';" in policy and "unsafe" not in policy


def test_the_run_command_prints_the_console_url_with_the_demo_users(tmp_path, capsys):
    from thidua_devstack.cli import print_keycloak
    from thidua_devstack.stack import Ports, Stack

    print_keycloak(Stack(tmp_path, Ports(web=18005, keycloak=18080), keycloak=True))
    out = capsys.readouterr().out
    assert "http://127.0.0.1:18005/" in out and "unit-reporter.huyen-cu-jut" in out


def test_the_console_refuses_to_start_without_an_issuer(monkeypatch):
    import thidua_web.__main__ as entry
    from thidua_common.settings import get_settings

    monkeypatch.setenv("THIDUA_ENVIRONMENT", "development")
    monkeypatch.setenv("THIDUA_OIDC_ISSUER", "")
    monkeypatch.setenv("THIDUA_API_KEYS", "")
    get_settings.cache_clear()
    started = []
    monkeypatch.setattr(entry.uvicorn, "run", lambda *a, **k: started.append(a))
    monkeypatch.setattr(entry, "configure_logging", lambda *a, **k: None)  # leave the tests' logging alone
    try:
        with pytest.raises(SystemExit) as exc:
            entry.main()
        assert "THIDUA_OIDC_ISSUER" in str(exc.value.code) and not started
        monkeypatch.setenv("THIDUA_OIDC_ISSUER", ISSUER.replace("idp.test", "127.0.0.1"))
        get_settings.cache_clear()
        entry.main()
        assert started == [("thidua_web.main:app",)]
    finally:
        get_settings.cache_clear()


async def test_a_board_officer_sees_every_campaign_of_the_tenant_without_a_standing(client, fakes):
    fakes.unit, fakes.roles = None, ["board_officer"]
    await sign_in(client, fakes)
    home = await client.get("/")
    assert home.status_code == 200 and "board_officer" in home.text
    assert 'data-campaign="c1"' in home.text and "Số đơn vị tham gia" in home.text and "Hạng" not in home.text
    assert fakes.seen_paths == ["/api/v1/campaigns"]  # one call: no leaderboard for a user without a unit


@pytest.mark.parametrize("change", [{"iss": "http://other.test/realms/x"}, {"aud": "another-client"},
                                    {"nonce": "replayed"}, {"aud": None}])
def test_an_id_token_of_another_issuer_client_or_sign_in_is_refused(change):
    from thidua_web.oidc import SignInFailed, check_id_token

    good = {"iss": ISSUER, "aud": ["thidua-console", "x"], "nonce": "n1"}
    check_id_token(good, ISSUER, "thidua-console", "n1")
    with pytest.raises(SignInFailed):
        check_id_token({**good, **change}, ISSUER, "thidua-console", "n1")


# -- texts and formats ---------------------------------------------------------------------------------
def test_every_page_text_exists_in_both_languages_once():
    import unicodedata

    from thidua_web.i18n import TEXTS, _merge, tables

    texts, _ = tables()
    assert set(texts["vi"]) == set(texts["en"])  # en falls back to vi only for a missing key: none is
    for lang in ("vi", "en"):
        for key, value in texts[lang].items():
            assert unicodedata.is_normalized("NFC", value), key
    with pytest.raises(RuntimeError, match="again"):
        _merge({"vi": dict(TEXTS["vi"])}, {"vi": {"app": "x"}}, "a feature")


@pytest.mark.parametrize(("value", "lang", "shown"), [
    (1234.5, "vi", "1.234,5"), (1234.5, "en", "1,234.5"), (80, "vi", "80"), (0.126, "vi", "0,13"),
    (None, "vi", "—"), ("n/a", "vi", "n/a"), (-1500000, "vi", "-1.500.000"),
])
def test_numbers_the_vietnamese_way(value, lang, shown):
    from thidua_web.formats import number

    assert number(value, lang) == shown


def test_dates_and_times_in_vietnam():
    from thidua_web.formats import day, moment

    assert day("2026-11-30", "vi") == "30/11/2026" and day("2026-11-30", "en") == "2026-11-30"
    assert moment("2026-11-29T17:05:00Z", "vi") == "00:05 30/11/2026"  # UTC+7
    assert day("2026-11-29T17:05:00Z", "vi") == "30/11/2026"
    assert day(None) == "—" and day("garbage") == "garbage"


def test_periods_the_platforms_one_way():
    from thidua_web.formats import period

    assert period("2026-Q1") == "quý I/2026" and period("2026-Q4", "en") == "Q4 2026"
    assert period("2026-03") == "tháng 03/2026" and period("2026") == "năm 2026"
    assert period("not a period") == "not a period" and period(None) == "—"
