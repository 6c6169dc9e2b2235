"""thidua_common.auth: JWT minting and verification, API keys."""

import base64
import json
import time
from datetime import timedelta

import jwt
import pytest

from thidua_common.auth import AuthError, Principal, Role, decode_token, mint_token
from thidua_common.auth.tokens import principal_for_api_key
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
    assert error.key == "auth.invalid" and "audience" in str(error.params["reason"]).lower()


def test_wrong_issuer():
    error = refused(mint(settings=Settings(jwt_secret=SETTINGS.jwt_secret, jwt_issuer="ke-gian")))
    assert error.key == "auth.invalid" and "issuer" in str(error.params["reason"]).lower()


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


@pytest.mark.parametrize("missing", ["exp", "sub", "iss", "aud", "tenant"])
def test_required_claims(missing):
    token = jwt.encode(claims(**{missing: None}), SETTINGS.jwt_secret, algorithm="HS256")
    assert refused(token).key == "auth.invalid"


def test_unknown_role_in_token_is_invalid():
    token = jwt.encode(claims(roles=["emperor"]), SETTINGS.jwt_secret, algorithm="HS256")
    assert refused(token).key == "auth.invalid"


@pytest.mark.parametrize("garbage", ["", "abc", "a.b.c", "Bearer x"])
def test_garbage_tokens(garbage):
    assert refused(garbage).key == "auth.invalid"


KEYS = Settings(api_keys=" key-one=daknong:system,board_officer ; key-two=hanoi ;; key-four=binhphuoc:auditor,system")


def test_api_key_with_roles():
    p = principal_for_api_key(KEYS, "key-one")
    assert (p.tenant, p.roles, p.kind, p.unit_id) == ("daknong", {Role.system, Role.board_officer}, "system", None)
    assert p.subject == "api-key:key-…"
    assert "key-one" not in p.subject  # the key itself is never echoed


def test_api_key_without_roles_defaults_to_system():
    p = principal_for_api_key(KEYS, "key-two")
    assert (p.tenant, p.roles) == ("hanoi", {Role.system})


def test_api_key_after_an_empty_entry():
    p = principal_for_api_key(KEYS, "key-four")
    assert (p.tenant, p.roles) == ("binhphuoc", {Role.auditor, Role.system})


@pytest.mark.parametrize("key", ["key-three", "key-on", "key-one ", "KEY-ONE", "", "daknong"])
def test_unknown_api_keys(key):
    with pytest.raises(AuthError) as info:
        principal_for_api_key(KEYS, key)
    assert info.value.key == "auth.bad_api_key"


def test_no_api_keys_configured():
    with pytest.raises(AuthError):
        principal_for_api_key(Settings(api_keys=""), "anything")
