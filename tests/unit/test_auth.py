"""thidua_common.auth: JWT minting and verification, API keys."""

import base64
import json
import time
from datetime import timedelta

import jwt
import pytest

from thidua_common.auth import AuthError, Principal, Role, decode_token, mint_token
from thidua_common.auth.api_keys import ApiKeyConfigError, config_entry, digest, load_api_keys, new_key
from thidua_common.auth.tokens import principal_for_api_key
from thidua_common.i18n import t
from thidua_common.settings import Settings

SETTINGS = Settings(jwt_secret="unit-test-secret-that-is-32-bytes!!", api_keys="")


def mint(settings=SETTINGS, **kw):
    args = dict(subject="nguyen-van-a", tenant="daknong", roles=["unit_reporter"], unit_id="huyen-cu-jut")
    args.update(kw)
    return mint_token(settings, **args)


def refused(token, settings=SETTINGS) -> AuthError:
    with pytest.raises(AuthError) as info:
        decode_token(settings, token)
    return info.value


def b64(data: dict) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()


def test_round_trip():
    principal = decode_token(SETTINGS, mint(roles=["unit_reporter", "unit_leader"]))
    assert principal == Principal(
        subject="nguyen-van-a",
        tenant="daknong",
        roles=frozenset({Role.unit_reporter, Role.unit_leader}),
        unit_id="huyen-cu-jut",
    )
    assert principal.kind == "user"
    assert principal.has_any(Role.unit_leader, Role.auditor)
    assert not principal.has_any(Role.board_officer)


def test_round_trip_without_unit():
    principal = decode_token(SETTINGS, mint(roles=["board_officer"], unit_id=None))
    assert principal.unit_id is None and principal.roles == {Role.board_officer}


def test_token_claims():
    claims = jwt.decode(mint(), SETTINGS.jwt_secret, algorithms=["HS256"], audience="thidua-api")
    assert claims["iss"] == "thidua" and claims["aud"] == "thidua-api"
    assert claims["sub"] == "nguyen-van-a" and claims["tenant"] == "daknong" and claims["unit"] == "huyen-cu-jut"
    assert claims["exp"] - claims["iat"] == 12 * 3600
    assert jwt.get_unverified_header(mint())["alg"] == "HS256"


def test_mint_refuses_unknown_roles():
    with pytest.raises(ValueError):
        mint(roles=["emperor"])


def test_expired():
    error = refused(mint(ttl=timedelta(seconds=-1)))
    assert error.key == "auth.expired"


def test_not_yet_expired():
    assert decode_token(SETTINGS, mint(ttl=timedelta(seconds=30))).tenant == "daknong"


def test_other_secret():
    other = Settings(jwt_secret="another-secret-that-is-also-32-bytes")
    assert refused(mint(settings=other)).key == "auth.invalid"


def test_wrong_audience():
    error = refused(mint(settings=Settings(jwt_secret=SETTINGS.jwt_secret, jwt_audience="other-api")))
    assert error.key == "auth.invalid" and error.params["reason_code"] == "auth.reason.audience"
    assert t(error.key, "en", **error.params) == "Invalid token: it is meant for another audience."


def test_wrong_issuer():
    error = refused(mint(settings=Settings(jwt_secret=SETTINGS.jwt_secret, jwt_issuer="ke-gian")))
    assert error.key == "auth.invalid" and error.params["reason_code"] == "auth.reason.issuer"
    assert t(error.key, "vi", **error.params) == "Mã thông báo không hợp lệ: mã không do hệ thống này cấp."


def claims(**over):
    now = int(time.time())
    base = {"sub": "x", "tenant": "daknong", "roles": ["board_officer"], "iss": "thidua", "aud": "thidua-api",
            "iat": now, "exp": now + 600}
    base.update(over)
    return {k: v for k, v in base.items() if v is not None}


def test_alg_none_is_rejected():
    token = f"{b64({'alg': 'none', 'typ': 'JWT'})}.{b64(claims())}."
    assert refused(token).key == "auth.invalid"
    # the same with a signature appended, or with 'None'/'NONE' spellings
    assert refused(f"{b64({'alg': 'None', 'typ': 'JWT'})}.{b64(claims())}.c2ln").key == "auth.invalid"


@pytest.mark.filterwarnings("ignore:The HMAC key")
@pytest.mark.parametrize("alg", ["HS384", "HS512"])
def test_other_hmac_algorithm_is_rejected_even_with_the_right_secret(alg):
    token = jwt.encode(claims(), SETTINGS.jwt_secret, algorithm=alg)
    assert refused(token).key == "auth.invalid"


def test_the_right_token_built_by_hand_is_accepted():
    # guards the tests above: the hand-built claims are otherwise valid
    token = jwt.encode(claims(), SETTINGS.jwt_secret, algorithm="HS256")
    assert decode_token(SETTINGS, token).roles == {Role.board_officer}


@pytest.mark.parametrize("missing", ["exp", "iat", "sub", "iss", "aud", "tenant", "roles"])
def test_required_claims(missing):
    token = jwt.encode(claims(**{missing: None}), SETTINGS.jwt_secret, algorithm="HS256")
    assert refused(token).key == "auth.invalid"


def test_unknown_role_in_token_is_invalid():
    token = jwt.encode(claims(roles=["emperor"]), SETTINGS.jwt_secret, algorithm="HS256")
    assert refused(token).key == "auth.invalid"


@pytest.mark.parametrize("garbage", ["", "abc", "a.b.c", "Bearer x"])
def test_garbage_tokens(garbage):
    assert refused(garbage).key == "auth.invalid"


def reason(error: AuthError) -> str:
    return error.params.get("reason_code", error.key)


# issue 8: a token must name a well-formed tenant (and unit), grant a role, and not live too long


@pytest.mark.parametrize("roles", [[], None, "board_officer", [None], [["board_officer"]]])
def test_token_without_roles_or_with_malformed_roles_is_refused(roles):
    token = jwt.encode(claims(roles=roles), SETTINGS.jwt_secret, algorithm="HS256")
    error = refused(token)
    assert error.key == "auth.invalid"
    assert reason(error) in ("auth.reason.no_roles", "auth.reason.claim")


def test_token_with_empty_roles_says_so_in_both_languages():
    error = refused(jwt.encode(claims(roles=[]), SETTINGS.jwt_secret, algorithm="HS256"))
    assert t(error.key, "vi", **error.params) == "Mã thông báo không hợp lệ: mã không cấp vai trò nào."
    assert t(error.key, "en", **error.params) == "Invalid token: it grants no role."


@pytest.mark.parametrize("tenant", ["", " ", "Bad Tenant!", "a/b", "-dash", "x" * 65, 42, ["daknong"], "đắk-nông"])
def test_token_with_malformed_tenant_is_refused(tenant):
    error = refused(jwt.encode(claims(tenant=tenant), SETTINGS.jwt_secret, algorithm="HS256"))
    assert (error.key, reason(error), error.params.get("claim")) == ("auth.invalid", "auth.reason.claim", "tenant")


@pytest.mark.parametrize("unit", ["", "huyện cư jút", "a:b", 7])
def test_token_with_malformed_unit_is_refused(unit):
    error = refused(jwt.encode(claims(unit=unit), SETTINGS.jwt_secret, algorithm="HS256"))
    assert (reason(error), error.params.get("claim")) == ("auth.reason.claim", "unit")


@pytest.mark.parametrize("subject", ["", "   ", 5, "x" * 257])
def test_token_with_malformed_subject_is_refused(subject):
    error = refused(jwt.encode(claims(sub=subject), SETTINGS.jwt_secret, algorithm="HS256"))
    assert error.key == "auth.invalid"


def test_the_id_pattern_accepts_the_ids_in_use():
    for tenant in ("daknong", "DakNong", "tinh.dak_nong-2", "x"):
        token = jwt.encode(claims(tenant=tenant, unit="huyen-cu-jut"), SETTINGS.jwt_secret, algorithm="HS256")
        assert decode_token(SETTINGS, token).tenant == tenant


def test_lifetime_above_the_maximum_is_refused():
    now = int(time.time())
    longest = SETTINGS.jwt_max_lifetime_seconds
    assert decode_token(SETTINGS, jwt.encode(claims(iat=now, exp=now + longest), SETTINGS.jwt_secret, algorithm="HS256"))
    error = refused(jwt.encode(claims(iat=now, exp=now + longest + 1), SETTINGS.jwt_secret, algorithm="HS256"))
    assert reason(error) == "auth.reason.lifetime"
    assert t(error.key, "en", **error.params) == "Invalid token: it is valid for longer than the maximum of 12 hours."


def test_lifetime_is_counted_from_iat_even_for_an_old_iat():
    # issued long ago with a far expiry: still too long, though the remaining time is short
    now = int(time.time())
    token = jwt.encode(claims(iat=now - 30 * 86400, exp=now + 60), SETTINGS.jwt_secret, algorithm="HS256")
    assert reason(refused(token)) == "auth.reason.lifetime"


def test_the_maximum_lifetime_is_configurable():
    short = Settings(jwt_secret=SETTINGS.jwt_secret, jwt_max_lifetime_seconds=600)
    now = int(time.time())
    assert reason(refused(jwt.encode(claims(iat=now, exp=now + 601), short.jwt_secret, algorithm="HS256"), short)) == (
        "auth.reason.lifetime")


def test_missing_iat_is_refused_and_named():
    error = refused(jwt.encode(claims(iat=None), SETTINGS.jwt_secret, algorithm="HS256"))
    assert (reason(error), error.params["claim"]) == ("auth.reason.missing_claim", "iat")


def test_mint_refuses_what_the_services_would_refuse():
    with pytest.raises(ValueError):
        mint(roles=[])
    with pytest.raises(ValueError):
        mint(tenant="Bad Tenant!")
    with pytest.raises(ValueError):
        mint(ttl=timedelta(hours=13))


@pytest.mark.parametrize(
    "token, code",
    [
        ("abc", "auth.reason.malformed"),
        (jwt.encode(claims(), "another-secret-that-is-also-32-bytes", algorithm="HS256"), "auth.reason.signature"),
    ],
)
def test_refusals_never_carry_pyjwt_text(token, code):
    error = refused(token)
    assert reason(error) == code
    for lang in ("vi", "en"):
        text = t(error.key, lang, **error.params)
        assert "Signature verification failed" not in text and "Not enough segments" not in text
        assert "verification" not in text.lower() or lang == "en"
    assert t(error.key, "vi", **error.params) in (
        "Mã thông báo không hợp lệ: mã sai cấu trúc.", "Mã thông báo không hợp lệ: chữ ký không đúng.")


# issue 8: API keys are configured by digest, named, optionally expiring and unit-scoped

KEY_ONE, KEY_TWO, KEY_OLD, KEY_UNIT = new_key(), new_key(), new_key(), new_key()
KEYS = Settings(api_keys=json.dumps([
    config_entry(KEY_ONE, name="he-thong-so-lieu", tenant="daknong", roles=["system", "board_officer"]),
    config_entry(KEY_TWO, name="cong-dich-vu", tenant="hanoi", roles=["system"], expires="2099-01-01T00:00:00+07:00"),
    config_entry(KEY_OLD, name="he-thong-cu", tenant="daknong", roles=["system"], expires="2020-01-01T00:00:00Z"),
    config_entry(KEY_UNIT, name="phan-mem-cu-jut", tenant="daknong", roles=["system"], unit="huyen-cu-jut"),
]))


def test_api_key_principal_is_named_by_the_configured_name():
    p = principal_for_api_key(KEYS, KEY_ONE)
    assert (p.subject, p.tenant, p.roles, p.kind, p.unit_id) == (
        "he-thong-so-lieu", "daknong", {Role.system, Role.board_officer}, "system", None)
    assert not p.unit_scoped


def test_the_configuration_holds_no_key():
    assert KEY_ONE not in KEYS.api_keys and KEY_ONE[:12] not in KEYS.api_keys
    assert digest(KEY_ONE) in KEYS.api_keys
    assert digest(KEY_ONE).startswith("sha256:") and len(digest(KEY_ONE)) == 7 + 64


def test_api_key_before_its_expiry():
    assert principal_for_api_key(KEYS, KEY_TWO).tenant == "hanoi"


def test_expired_api_key_is_refused_as_expired():
    with pytest.raises(AuthError) as info:
        principal_for_api_key(KEYS, KEY_OLD)
    assert info.value.key == "auth.api_key_expired"
    assert t(info.value.key, "vi") == "Khóa API đã hết hạn."


def test_expiry_is_compared_with_now():
    from datetime import UTC, datetime

    assert principal_for_api_key(KEYS, KEY_OLD, now=datetime(2019, 12, 31, 23, 59, tzinfo=UTC)).subject == "he-thong-cu"


def test_unit_scoped_api_key():
    p = principal_for_api_key(KEYS, KEY_UNIT)
    assert (p.unit_id, p.unit_scoped, p.roles) == ("huyen-cu-jut", True, {Role.system})


@pytest.mark.parametrize("key", ["thidua_nope", "", "he-thong-so-lieu", "daknong", "KEY"])
def test_unknown_api_keys(key):
    with pytest.raises(AuthError) as info:
        principal_for_api_key(KEYS, key)
    assert info.value.key == "auth.bad_api_key"


def test_a_key_differing_in_one_character_is_unknown():
    with pytest.raises(AuthError):
        principal_for_api_key(KEYS, KEY_ONE[:-1] + ("A" if KEY_ONE[-1] != "A" else "B"))


def test_the_digest_itself_is_not_a_key():
    with pytest.raises(AuthError):
        principal_for_api_key(KEYS, digest(KEY_ONE))


def test_no_api_keys_configured():
    with pytest.raises(AuthError):
        principal_for_api_key(Settings(api_keys=""), "anything")


@pytest.mark.parametrize(
    "raw",
    [
        "key-one=daknong:system,board_officer",  # the old plain-text form
        '{"name": "x"}',
        '[{"name": "x", "hash": "sha256:abc", "tenant": "daknong"}]',
        '[{"name": "x", "hash": "' + digest("k") + '", "tenant": "Bad Tenant!"}]',
        '[{"name": "x", "hash": "' + digest("k") + '", "tenant": "daknong", "roles": []}]',
        '[{"name": "x", "hash": "' + digest("k") + '", "tenant": "daknong", "roles": ["emperor"]}]',
        '[{"name": "x", "hash": "' + digest("k") + '", "tenant": "daknong", "expires": "2027-01-01T00:00:00"}]',
        '[{"name": "x", "hash": "' + digest("k") + '", "tenant": "daknong", "roles": ["board_officer"], "unit": "a"}]',
        '[{"name": "x", "hash": "' + digest("k") + '", "tenant": "daknong", "key": "k"}]',
        '[{"name": "x", "hash": "' + digest("k") + '", "tenant": "a"}, {"name": "x", "hash": "' + digest("j") + '", "tenant": "a"}]',
    ],
)
def test_unusable_api_key_configuration_is_refused_without_echoing_values(raw):
    with pytest.raises(ApiKeyConfigError) as info:
        load_api_keys(raw)
    assert "Bad Tenant" not in str(info.value) and "key-one" not in str(info.value)
    with pytest.raises(AuthError):  # and at request time it is an unknown key, never a 500
        principal_for_api_key(Settings(api_keys=raw), "k")


def test_roles_default_to_system():
    grants = load_api_keys(json.dumps([{"name": "x", "hash": digest("k"), "tenant": "daknong"}]))
    assert grants[digest("k")].roles == (Role.system,)


def test_api_key_cli_prints_a_key_and_its_entry(capsys):
    from thidua_common.auth.cli import api_key_main

    api_key_main(["--name", "he-thong-x", "--tenant", "daknong", "--unit", "huyen-cu-jut",
                  "--expires", "2027-01-01T00:00:00+07:00"])
    out = capsys.readouterr().out.splitlines()
    key = out[0].removeprefix("key:").strip()
    entry = json.loads(out[1].removeprefix("entry:").strip())
    assert key.startswith("thidua_") and len(key) >= 40
    assert key not in out[1]
    assert entry == {"name": "he-thong-x", "hash": digest(key), "tenant": "daknong", "roles": ["system"],
                     "unit": "huyen-cu-jut", "expires": "2027-01-01T00:00:00+07:00"}
    p = principal_for_api_key(Settings(api_keys=json.dumps([entry])), key)
    assert (p.subject, p.unit_id) == ("he-thong-x", "huyen-cu-jut")


def test_api_key_cli_refuses_a_bad_entry(capsys):
    from thidua_common.auth.cli import api_key_main

    with pytest.raises(SystemExit):
        api_key_main(["--name", "he thong", "--tenant", "daknong"])
    assert "key:" not in capsys.readouterr().out
