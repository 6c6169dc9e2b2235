"""Keycloak for the local stack, without starting it: finding a Java ≥ 21, the realm file built
from build_realm() (and kept in the repository without secrets), the generated credentials."""

import json
import stat
from pathlib import Path

import pytest

from thidua_common.auth import Role
from thidua_devstack import demo_data, keycloak


# -- Java ------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("output", "major"),
    [
        ('openjdk version "25.0.3" 2026-04-21 LTS\nOpenJDK Runtime Environment Temurin-25.0.3+9', 25),
        ('openjdk version "17.0.15" 2025-04-15\nOpenJDK Runtime Environment (build 17.0.15+6-Debian-1deb12u1)', 17),
        ('openjdk version "21" 2023-09-19', 21),
        ('openjdk version "21-ea" 2023-06-08', 21),
        ('java version "1.8.0_402"\nJava(TM) SE Runtime Environment', 8),
        ("bash: java: command not found", None),
    ],
)
def test_java_major_reads_java_version_output(output, major):
    assert keycloak.java_major(output) == major


def fake_jdk(root: Path, name: str, version: str) -> Path:
    home = root / name
    (home / "bin").mkdir(parents=True)
    java = home / "bin" / "java"
    java.write_text(f'#!/bin/sh\necho \'openjdk version "{version}" 2026-01-01\' >&2\n')
    java.chmod(0o755)
    return home


def test_newest_jdk_under_jvm_dir_is_found_when_java_home_is_too_old(tmp_path):
    jvm = tmp_path / "jvm"
    old = fake_jdk(jvm, "java-17-openjdk-amd64", "17.0.15")
    fake_jdk(jvm, "temurin-21-jdk-amd64", "21.0.5")
    newest = fake_jdk(jvm, "temurin-25-jdk-amd64", "25.0.3")
    (jvm / "default-java").symlink_to(old)  # symlinks (aliases) are not candidates of their own
    assert keycloak.find_java_home(environ={"JAVA_HOME": str(old), "PATH": ""}, jvm_dir=jvm) == newest


def test_a_good_enough_java_home_wins(tmp_path):
    jvm = tmp_path / "jvm"
    fake_jdk(jvm, "temurin-25-jdk-amd64", "25.0.3")
    chosen = fake_jdk(tmp_path / "opt", "jdk-21", "21.0.5")
    assert keycloak.find_java_home(environ={"JAVA_HOME": str(chosen), "PATH": ""}, jvm_dir=jvm) == chosen


def test_no_java_21_says_what_is_missing(tmp_path):
    jvm = tmp_path / "jvm"
    fake_jdk(jvm, "java-17-openjdk-amd64", "17.0.15")
    with pytest.raises(keycloak.JavaNotFound) as raised:
        keycloak.find_java_home(environ={"PATH": ""}, jvm_dir=jvm)
    message = str(raised.value)
    assert "Java 21 or newer" in message and "java-17-openjdk-amd64 (Java 17)" in message and "JAVA_HOME" in message


def test_no_java_at_all(tmp_path):
    with pytest.raises(keycloak.JavaNotFound, match="no Java at all"):
        keycloak.find_java_home(environ={"PATH": ""}, jvm_dir=tmp_path / "missing")


# -- realm -----------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def realm():
    return keycloak.build_realm()


def test_realm_file_in_the_repository_is_what_build_realm_writes():
    assert keycloak.REALM_FILE.read_text(encoding="utf-8") == keycloak.realm_json(), (
        "regenerate it: uv run python -m thidua_devstack.keycloak write-realm"
    )


def test_realm_file_holds_no_secret(realm):
    text = json.dumps(realm)
    assert '"credentials"' not in text and '"password"' not in text
    system = next(c for c in realm["clients"] if c["clientId"] == keycloak.SYSTEM_CLIENT)
    assert system["secret"] == "${THIDUA_KEYCLOAK_SYSTEM_SECRET}"


def test_every_platform_role_is_a_realm_role_and_reaches_the_token(realm):
    roles = {r.value for r in Role}
    assert {r["name"] for r in realm["roles"]["realm"]} == roles
    (mapping,) = realm["scopeMappings"]
    assert mapping["clientScope"] == "thidua-api" and set(mapping["roles"]) == roles


def test_thidua_api_scope_maps_tenant_unit_roles_and_audience(realm):
    scope = next(s for s in realm["clientScopes"] if s["name"] == "thidua-api")
    mappers = {m["name"]: m for m in scope["protocolMappers"]}
    for claim in ("tenant", "unit"):
        config = mappers[claim]["config"]
        assert mappers[claim]["protocolMapper"] == "oidc-usermodel-attribute-mapper"
        assert config["user.attribute"] == claim and config["claim.name"] == claim
        assert config["access.token.claim"] == "true" and config["multivalued"] == "false"
    roles = mappers["roles"]
    assert roles["protocolMapper"] == "oidc-usermodel-realm-role-mapper"
    assert roles["config"]["claim.name"] == "roles" and roles["config"]["multivalued"] == "true"
    audience = mappers["audience thidua-api"]
    assert audience["protocolMapper"] == "oidc-audience-mapper"
    assert audience["config"]["included.custom.audience"] == "thidua-api"
    # `sub` comes from the basic scope, which must be declared since the realm lists its scopes
    basic = next(s for s in realm["clientScopes"] if s["name"] == "basic")
    assert any(m["protocolMapper"] == "oidc-sub-mapper" for m in basic["protocolMappers"])


def test_tenant_group_has_a_subgroup_per_demo_unit(realm):
    (tenant,) = realm["groups"]
    assert tenant["name"] == "daknong" and tenant["attributes"]["tenant"] == ["daknong"]
    units = {g["name"]: g["attributes"]["unit"] for g in tenant["subGroups"]}
    demo_units = [u for _, (_, members, _) in demo_data.CLUSTERS.items() for u, _ in members]
    assert units == {u: [u] for u in demo_units}


def test_demo_users_cover_every_human_role_in_several_units(realm):
    users = keycloak.demo_users()
    assert {r for u in users for r in u.roles} == {r.value for r in Role} - {"system"}
    assert len({u.unit for u in users if u.unit}) >= 4
    unit_ids = {g["name"] for g in realm["groups"][0]["subGroups"]}
    by_name = {u["username"]: u for u in realm["users"]}
    for user in users:
        rep = by_name[user.username]
        assert rep["realmRoles"] == list(user.roles)
        if user.unit:
            assert user.unit in unit_ids and rep["groups"] == [f"/daknong/{user.unit}"]
        else:
            assert rep["groups"] == ["/daknong"]
    service_account = by_name["service-account-thidua-system"]
    assert service_account["serviceAccountClientId"] == "thidua-system"
    assert service_account["realmRoles"] == ["system"] and service_account["groups"] == ["/daknong"]


def test_clients(realm):
    clients = {c["clientId"]: c for c in realm["clients"]}
    console = clients["thidua-console"]
    assert console["publicClient"] and console["standardFlowEnabled"]
    assert not console["directAccessGrantsEnabled"] and not console["implicitFlowEnabled"]
    assert console["attributes"]["pkce.code.challenge.method"] == "S256"
    assert all(u.startswith(("http://localhost:", "http://127.0.0.1:")) for u in console["redirectUris"])
    dev = clients["thidua-dev"]
    assert dev["publicClient"] and dev["directAccessGrantsEnabled"] and not dev["standardFlowEnabled"]
    system = clients["thidua-system"]
    assert not system["publicClient"] and system["serviceAccountsEnabled"]
    assert not system["standardFlowEnabled"] and not system["directAccessGrantsEnabled"]
    # password grant only on the dev client; only platform roles in tokens
    assert [c for c, rep in clients.items() if rep["directAccessGrantsEnabled"]] == ["thidua-dev"]
    for rep in clients.values():
        assert rep["fullScopeAllowed"] is False and rep["defaultClientScopes"] == ["basic", "thidua-api"]


# -- credentials -----------------------------------------------------------------------------------
def test_credentials_are_generated_once_private_and_kept(tmp_path):
    path = tmp_path / "keycloak" / "credentials.json"
    first = keycloak.Credentials.load_or_create(path)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert set(first.passwords) == {u.username for u in keycloak.demo_users()}
    assert len(set(first.passwords.values())) == len(first.passwords)  # one random password each
    assert len(first.admin_password) >= 20 and len(first.system_secret) >= 40
    assert keycloak.Credentials.load_or_create(path) == first
    other = keycloak.Credentials.load_or_create(tmp_path / "other.json")
    assert other.admin_password != first.admin_password and other.system_secret != first.system_secret


# -- the stack -------------------------------------------------------------------------------------
def test_stack_runs_keycloak_only_when_asked(tmp_path, monkeypatch):
    from thidua_devstack.stack import Ports, Stack

    monkeypatch.delenv("THIDUA_KEYCLOAK", raising=False)
    assert not Stack(tmp_path / "a").with_keycloak
    assert Stack(tmp_path / "a", keycloak=True).with_keycloak
    monkeypatch.setenv("THIDUA_KEYCLOAK", "1")
    stack = Stack(tmp_path / "b", Ports(keycloak=18080))
    assert stack.with_keycloak and not Stack(tmp_path / "b", keycloak=False).with_keycloak
    assert stack.keycloak_url == "http://127.0.0.1:18080"
    assert stack.keycloak_issuer == "http://127.0.0.1:18080/realms/thidua"
    assert not (tmp_path / "b" / "keycloak").exists()  # nothing generated until asked for


def test_stack_state_saved_before_keycloak_existed_still_loads(tmp_path):
    from thidua_devstack.stack import Stack

    ports = {"kafka": 1, "kafka_controller": 2, "mongo": 3, "smtp": 4, "mail_http": 5, "intake": 6,
             "scoring": 7, "notify": 8, "reporting": 9}
    (tmp_path / "stack.json").write_text(json.dumps({"ports": ports}))
    assert Stack(tmp_path).ports.keycloak == 8080


# -- the server's home -----------------------------------------------------------------------------
def fake_dist(root: Path) -> Path:
    dist = root / "keycloak-26.5.6"
    for folder in ("bin", "conf", "lib/lib/main", "lib/app", "lib/quarkus", "themes", "providers"):
        (dist / folder).mkdir(parents=True)
    (dist / "bin" / "kc.sh").write_text("#!/bin/sh\n")
    (dist / "lib" / "quarkus-run.jar").write_text("jar")
    (dist / "lib" / "quarkus" / "quarkus-application.dat").write_text("production build")
    return dist


def test_server_home_copies_what_keycloak_writes_and_links_the_rest(tmp_path):
    dist = fake_dist(tmp_path / "cache")
    server = keycloak.prepare_server_home(dist, tmp_path / "stack" / "keycloak" / "server")
    assert (server / "bin" / "kc.sh").is_file() and not (server / "bin").is_symlink()
    assert not (server / "lib" / "quarkus").is_symlink() and not (server / "conf").is_symlink()
    assert (server / "lib" / "lib").resolve() == (dist / "lib" / "lib").resolve()
    assert (server / "themes").is_symlink() and (server / "data" / "import").is_dir()
    # the development build output is saved once, then copied into new homes
    (server / "lib" / "quarkus" / "quarkus-application.dat").write_text("development build")
    keycloak.save_augmented_template(dist, server)
    other = keycloak.prepare_server_home(dist, tmp_path / "other" / "server")
    assert (other / "lib" / "quarkus" / "quarkus-application.dat").read_text() == "development build"
    assert (dist / "lib" / "quarkus" / "quarkus-application.dat").read_text() == "production build"


def test_the_demo_has_a_current_campaign_the_demo_users_take_part_in_with_a_cluster_head():
    from thidua_intake.campaigns.models import CampaignWrite

    campaigns = demo_data.campaigns()
    current = campaigns[demo_data.CURRENT_CAMPAIGN]
    CampaignWrite.model_validate(current)  # intake accepts it as it is
    for body in campaigns.values():
        CampaignWrite.model_validate(body)
    assert list(campaigns)[0] == demo_data.CURRENT_CAMPAIGN and current["start"].startswith(str(demo_data.CURRENT_YEAR))
    taking_part = {p["unit_id"] for p in current["participants"]}
    realm_units = {g.rsplit("/", 1)[1] for u in keycloak.build_realm()["users"] for g in u.get("groups", []) if g.count("/") == 2}
    assert realm_units - {"so-noi-vu"} <= taking_part and demo_data.DEMO_USER_UNITS <= taking_part
    districts = next(c for c in current["clusters"] if c["id"] == "khoi-huyen")
    assert {"year": demo_data.CURRENT_YEAR, "head_unit_id": "tx-gia-nghia"} in districts["leadership"]


def test_the_demo_feeds_this_years_quarters_first_and_leaves_the_last_for_the_demo_users():
    from thidua_devstack.demo import schedule

    plan = schedule()
    current = [p for p, ids in plan if demo_data.CURRENT_CAMPAIGN in ids]
    assert plan[: len(current)] == [(p, [demo_data.CURRENT_CAMPAIGN]) for p in current]
    assert all(p.startswith(str(demo_data.CURRENT_YEAR)) for p in current)
