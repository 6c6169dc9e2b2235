"""Keycloak as the local identity provider: the Quarkus distribution from Maven Central, unpacked
once into the cache, run with a Java ≥ 21 in a home folder of its own under the stack's home (so
that its H2 database, its build output and its realm import folder never touch the shared cache),
with the realm `thidua` imported from deploy/local/keycloak/thidua-realm.json.

Nothing secret is in the repository: the bootstrap admin's password, the `thidua-system` client's
secret and the demo users' passwords are generated the first time a Keycloak home is started, kept
in `<home>/credentials.json` (mode 0600, beside the database they belong to) and set through the
admin REST API at every start.

It runs `kc.sh start-dev` on the JIT's C1 only: side by side on 2 busy cores, `start --optimized`
(after a `kc.sh build`) started no faster, and C1 cut a fresh start from 76 s to 26 s; the times
measured are in docs/operations.md.

Realm design (one realm, not one per tenant) and how a province's own OIDC provider replaces this
one: docs/operations.md, "Keycloak (local identity provider)".

    uv run python -m thidua_devstack.keycloak write-realm   # regenerate the realm file from build_realm()
"""

import hashlib
import json
import os
import re
import secrets
import shutil
import subprocess
import sys
import time
import zipfile
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from pathlib import Path

import httpx

from thidua_common.auth import Role

from . import demo_data
from .processes import Managed

REPO = Path(__file__).resolve().parents[3]
VERSION = "26.5.6"
ARTIFACT = f"org.keycloak:keycloak-quarkus-dist:{VERSION}:zip"
MIN_JAVA = 21
JVM_DIR = Path("/usr/lib/jvm")
REALM = "thidua"
REALM_FILE = REPO / "deploy" / "local" / "keycloak" / "thidua-realm.json"
AUDIENCE = "thidua-api"
CONSOLE_CLIENT = "thidua-console"  # browser console: Authorization Code + PKCE (S256), public
DEV_CLIENT = "thidua-dev"  # password grant for scripts and tests: local realm only, never production
SYSTEM_CLIENT = "thidua-system"  # other systems: client credentials, confidential, role `system`
SYSTEM_SECRET_ENV = "THIDUA_KEYCLOAK_SYSTEM_SECRET"  # substituted into the realm file at import
TENANT = demo_data.TENANT
CONSOLE_REDIRECTS = [
    # the console (services/web) and the reporting dashboard of the local stack, and the usual
    # ports of a console dev server; a stack on other ports adds its console (Keycloak.allow_console)
    "http://127.0.0.1:8005/*",
    "http://localhost:8005/*",
    "http://127.0.0.1:8004/*",
    "http://localhost:8004/*",
    "http://localhost:5173/*",
    "http://127.0.0.1:5173/*",
    "http://localhost:3000/*",
    "http://127.0.0.1:3000/*",
]


# -- Java ----------------------------------------------------------------------------------------
class JavaNotFound(RuntimeError):
    pass


def java_major(version_output: str) -> int | None:
    """The feature release of `java -version`'s output: 'openjdk version "25.0.3"' → 25,
    '"17.0.15"' → 17, '"1.8.0_402"' → 8, '"21-ea"' → 21."""
    match = re.search(r'version "(\d+)(?:\.(\d+))?[^"]*"', version_output)
    if not match:
        return None
    major = int(match.group(1))
    if major == 1 and match.group(2):  # 1.8 and older
        return int(match.group(2))
    return major


def java_version(java: Path) -> int | None:
    try:
        done = subprocess.run([str(java), "-version"], capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired):
        return None
    return java_major(done.stderr + done.stdout)


def find_java_home(
    min_major: int = MIN_JAVA, environ: Mapping[str, str] | None = None, jvm_dir: Path = JVM_DIR
) -> Path:
    """A Java home whose `bin/java` is at least `min_major`: JAVA_HOME first, then every JDK or JRE
    under /usr/lib/jvm (newest first), then the `java` on PATH. Raises JavaNotFound naming what was
    found, since Keycloak refuses to start on Java 17, the default of Debian 12 (which has no
    OpenJDK 21 package)."""
    environ = os.environ if environ is None else environ
    candidates: list[Path] = []
    if environ.get("JAVA_HOME"):
        candidates.append(Path(environ["JAVA_HOME"]))
    if jvm_dir.is_dir():
        candidates.extend(sorted((p for p in jvm_dir.iterdir() if p.is_dir() and not p.is_symlink()), reverse=True))
    on_path = shutil.which("java", path=environ.get("PATH"))
    if on_path:
        candidates.append(Path(on_path).resolve().parent.parent)
    seen: list[str] = []
    best: tuple[int, Path] | None = None
    for home in dict.fromkeys(candidates):
        java = home / "bin" / "java"
        if not java.exists():
            continue
        major = java_version(java)
        seen.append(f"{home} ({'Java ' + str(major) if major else 'unknown version'})")
        if major and major >= min_major:
            if home == candidates[0] and environ.get("JAVA_HOME"):
                return home  # an explicit JAVA_HOME that is good enough wins
            if best is None or major > best[0]:
                best = (major, home)
    if best:
        return best[1]
    raise JavaNotFound(
        f"Keycloak {VERSION} needs Java {min_major} or newer, and none was found"
        f" (looked at JAVA_HOME, {jvm_dir}/*, java on PATH: {', '.join(seen) or 'no Java at all'})."
        f" Install a JDK {min_major}+ (e.g. Eclipse Temurin 21 or 25 under {jvm_dir}) or set JAVA_HOME to one;"
        " Debian 12 has no OpenJDK 21 package."
    )


# -- install -------------------------------------------------------------------------------------
def install(cache: Path) -> Path:
    """Return the unpacked distribution in the cache, fetching it with Maven and unzipping it the
    first time (a `.complete` marker, as for Kafka's jars). The cache copy is never run directly."""
    dist = cache.resolve() / f"keycloak-{VERSION}"
    if (dist / ".complete").exists():
        return dist
    if shutil.which("mvn") is None:
        raise RuntimeError("Maven (mvn) is required to fetch Keycloak from Maven Central")
    tmp = dist.with_name(dist.name + ".tmp")
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    subprocess.run(
        ["mvn", "-q", "-B", "dependency:copy", f"-Dartifact={ARTIFACT}", f"-DoutputDirectory={tmp}"], check=True
    )
    archive = tmp / f"keycloak-quarkus-dist-{VERSION}.zip"
    if not archive.exists():
        raise RuntimeError(f"Maven did not deliver {archive.name} into {tmp}")
    with zipfile.ZipFile(archive) as zf:
        zf.extractall(tmp)
    archive.unlink()
    unpacked = tmp / f"keycloak-{VERSION}"
    for script in (unpacked / "bin").glob("*.sh"):
        script.chmod(0o755)  # zipfile does not keep permissions
    shutil.rmtree(dist, ignore_errors=True)
    unpacked.rename(dist)
    shutil.rmtree(tmp, ignore_errors=True)
    (dist / ".complete").write_text("ok")
    return dist


def prepare_server_home(dist: Path, server: Path) -> Path:
    """A Keycloak home of this stack's own: small folders copied (bin, conf, lib/quarkus — the build
    output `kc.sh` rewrites), the big ones linked to the cache (lib/lib, lib/app, themes), and
    `data/` (H2 database, realm import, transaction logs) real. kc.sh finds its home from its own
    path, so running the copied bin/kc.sh makes everything land here."""
    marker = server / ".prepared"
    if marker.exists() and marker.read_text() == str(dist):
        return server
    shutil.rmtree(server / "bin", ignore_errors=True)
    shutil.rmtree(server / "lib", ignore_errors=True)
    shutil.rmtree(server / "conf", ignore_errors=True)
    (server / "themes").unlink(missing_ok=True)
    server.mkdir(parents=True, exist_ok=True)
    shutil.copytree(dist / "bin", server / "bin")
    shutil.copytree(dist / "conf", server / "conf")
    (server / "lib").mkdir()
    template = augmented_template(dist)
    shutil.copytree(template if template.exists() else dist / "lib" / "quarkus", server / "lib" / "quarkus")
    shutil.copy2(dist / "lib" / "quarkus-run.jar", server / "lib" / "quarkus-run.jar")
    (server / "lib" / "lib").symlink_to(dist / "lib" / "lib")
    (server / "lib" / "app").symlink_to(dist / "lib" / "app")
    (server / "themes").symlink_to(dist / "themes")
    (server / "providers").mkdir(exist_ok=True)
    (server / "data" / "import").mkdir(parents=True, exist_ok=True)
    marker.write_text(str(dist))
    return server


def augmented_template(dist: Path) -> Path:
    """The build output of `start-dev` (Quarkus re-augments the distribution, which is built for
    production mode, the first time a home starts in development mode: 25–40 s here). Saved in the
    cache after the first start and copied into new homes, so that only the first home pays. It
    holds no absolute path and no secret (lib/quarkus: bytecode, build-system.properties)."""
    return dist.with_name(dist.name + "-dev-build")


def save_augmented_template(dist: Path, server: Path) -> None:
    template = augmented_template(dist)
    if template.exists():
        return
    tmp = template.with_name(f"{template.name}.tmp-{os.getpid()}")
    shutil.rmtree(tmp, ignore_errors=True)
    shutil.copytree(server / "lib" / "quarkus", tmp)
    try:
        tmp.rename(template)
    except OSError:  # another stack saved it first
        shutil.rmtree(tmp, ignore_errors=True)


# -- realm ---------------------------------------------------------------------------------------
@dataclass(frozen=True)
class DemoUser:
    username: str
    roles: tuple[str, ...]
    unit: str | None
    name: str


def demo_users() -> list[DemoUser]:
    """One or more users for every human role of tenant daknong; unit roles in several units of
    the demo register (demo_data.py). Cluster heads act for the unit that heads the cluster."""
    unit_name = dict(
        u
        for units in (
            demo_data.DISTRICTS,
            demo_data.DEPARTMENTS,
            demo_data.ASSOCIATIONS,
            demo_data.CENTRAL_AGENCIES,
            demo_data.ENTERPRISES,
        )
        for u in units
    )
    rows = [
        ("unit_reporter", "huyen-cu-jut"),
        ("unit_leader", "huyen-cu-jut"),
        ("unit_reporter", "huyen-dak-mil"),
        ("unit_leader", "huyen-dak-mil"),
        ("unit_reporter", "so-tai-chinh"),
        ("unit_leader", "so-tai-chinh"),
        ("unit_reporter", "hoi-phu-nu"),
        ("unit_reporter", "cty-xo-so"),
        ("cluster_head", "tx-gia-nghia"),
        ("board_officer", "so-noi-vu"),  # Ban Thi đua – Khen thưởng belongs to Sở Nội vụ
        ("council_member", None),
        ("chairperson", None),
        ("auditor", None),
    ]
    users = []
    for role, unit in rows:
        username = f"{role.replace('_', '-')}.{unit or TENANT}"
        users.append(DemoUser(username, (role,), unit, f"{role} — {unit_name[unit] if unit else TENANT}"))
    # issue 11: ballots — two more council members, so that a vote of three members can be shown
    for n in (2, 3):
        users.append(
            DemoUser(f"council-member-{n}.{TENANT}", ("council_member",), None, f"council_member {n} — {TENANT}")
        )
    return users


def _attribute_mapper(claim: str) -> dict:
    return {
        "name": claim,
        "protocol": "openid-connect",
        "protocolMapper": "oidc-usermodel-attribute-mapper",
        "config": {
            # the value is inherited from the user's groups (the unit group, its tenant parent)
            "user.attribute": claim,
            "claim.name": claim,
            "jsonType.label": "String",
            "multivalued": "false",
            "aggregate.attrs": "false",
            "access.token.claim": "true",
            "id.token.claim": "true",
            "userinfo.token.claim": "true",
            "introspection.token.claim": "true",
        },
    }


_ID_ONLY = {
    "id.token.claim": "true",
    "userinfo.token.claim": "true",
    "access.token.claim": "false",
    "introspection.token.claim": "true",
}


def _mapper(name: str, kind: str, config: dict) -> dict:
    return {"name": name, "protocol": "openid-connect", "protocolMapper": kind, "config": config}


def _scope(name: str, description: str, consent: bool, mappers: list[dict]) -> dict:
    return {
        "name": name,
        "description": description,
        "protocol": "openid-connect",
        "attributes": {
            "include.in.token.scope": "true" if name != "basic" else "false",
            "display.on.consent.screen": "true" if consent else "false",
        },
        "protocolMappers": mappers,
    }


def _client_defaults() -> dict:
    return {
        "enabled": True,
        "protocol": "openid-connect",
        # only the roles mapped to the thidua-api scope reach the token: never default-roles-*,
        # offline_access or uma_authorization, and no realm_access/resource_access claims
        "fullScopeAllowed": False,
        "defaultClientScopes": ["basic", AUDIENCE],
        "optionalClientScopes": ["profile", "email"],
        "implicitFlowEnabled": False,
        "frontchannelLogout": True,
    }


def build_realm() -> dict:
    """The realm `thidua` as imported by `kc.sh --import-realm` (written to REALM_FILE)."""
    roles = [r.value for r in Role]
    role_descriptions = {
        "unit_reporter": "Cán bộ báo cáo của đơn vị / unit reporter",
        "unit_leader": "Lãnh đạo đơn vị / unit leader",
        "cluster_head": "Trưởng, phó cụm/khối thi đua / cluster head",
        "board_officer": "Cán bộ Ban Thi đua – Khen thưởng / commendation board officer",
        "council_member": "Thành viên Hội đồng Thi đua – Khen thưởng / council member",
        "chairperson": "Chủ tịch UBND / chairperson",
        "auditor": "Kiểm tra, kiểm toán / auditor",
        "system": "Hệ thống khác tích hợp qua API / another system",
    }
    unit_groups = []
    for _, units, unit_type in demo_data.CLUSTERS.values():
        for unit_id, unit_name in units:
            unit_groups.append(
                {
                    "name": unit_id,
                    "attributes": {"unit": [unit_id], "unit_name": [unit_name], "unit_type": [unit_type]},
                    "subGroups": [],
                }
            )
    users = [
        {
            "username": u.username,
            "enabled": True,
            "emailVerified": True,
            "firstName": u.roles[0],
            "lastName": u.unit or TENANT,
            "email": f"{u.username}@{TENANT}.thidua.local",
            "realmRoles": list(u.roles),
            "groups": [f"/{TENANT}/{u.unit}" if u.unit else f"/{TENANT}"],
            "requiredActions": [],
            # no credentials here: passwords are generated and set through the admin API at start
        }
        for u in demo_users()
    ]
    users.append(
        {
            "username": f"service-account-{SYSTEM_CLIENT}",
            "enabled": True,
            "serviceAccountClientId": SYSTEM_CLIENT,
            "realmRoles": ["system"],
            "groups": [f"/{TENANT}"],
        }
    )
    return {
        "realm": REALM,
        "displayName": "Thi Đua",
        "enabled": True,
        "sslRequired": "external",
        "registrationAllowed": False,
        "resetPasswordAllowed": False,
        "editUsernameAllowed": False,
        "loginWithEmailAllowed": False,
        "bruteForceProtected": True,
        "failureFactor": 10,
        "accessTokenLifespan": 300,
        "defaultSignatureAlgorithm": "RS256",
        "roles": {
            "realm": [{"name": r, "description": role_descriptions.get(r, r)} for r in roles],
        },
        "groups": [
            {
                "name": TENANT,
                "attributes": {"tenant": [TENANT], "tenant_name": [demo_data.LAUNCHED_BY]},
                "subGroups": unit_groups,
            }
        ],
        # Listing client scopes replaces Keycloak's default ones, so the three standard scopes the
        # clients use are declared here too: basic (sub, auth_time), profile and email (both
        # optional, ID token and userinfo only, so that access tokens stay small).
        "clientScopes": [
            _scope(
                "basic",
                "OpenID Connect scope for the claims every token needs (sub, auth_time)",
                False,
                [
                    _mapper(
                        "sub", "oidc-sub-mapper", {"access.token.claim": "true", "introspection.token.claim": "true"}
                    ),
                    _mapper(
                        "auth_time",
                        "oidc-usersessionmodel-note-mapper",
                        {
                            "user.session.note": "AUTH_TIME",
                            "claim.name": "auth_time",
                            "jsonType.label": "long",
                            "id.token.claim": "true",
                            "access.token.claim": "true",
                            "introspection.token.claim": "true",
                        },
                    ),
                ],
            ),
            _scope(
                "profile",
                "OpenID Connect built-in scope: profile",
                True,
                [
                    _mapper(
                        "username",
                        "oidc-usermodel-attribute-mapper",
                        {
                            "user.attribute": "username",
                            "claim.name": "preferred_username",
                            "jsonType.label": "String",
                            **_ID_ONLY,
                        },
                    ),
                    _mapper("full name", "oidc-full-name-mapper", dict(_ID_ONLY)),
                ],
            ),
            _scope(
                "email",
                "OpenID Connect built-in scope: email",
                True,
                [
                    _mapper(
                        "email",
                        "oidc-usermodel-attribute-mapper",
                        {"user.attribute": "email", "claim.name": "email", "jsonType.label": "String", **_ID_ONLY},
                    ),
                    _mapper(
                        "email verified",
                        "oidc-usermodel-property-mapper",
                        {
                            "user.attribute": "emailVerified",
                            "claim.name": "email_verified",
                            "jsonType.label": "boolean",
                            **_ID_ONLY,
                        },
                    ),
                ],
            ),
            {
                "name": AUDIENCE,
                "description": "Claims of the Thi Đua API: tenant, unit, roles, audience thidua-api",
                "protocol": "openid-connect",
                "attributes": {"include.in.token.scope": "true", "display.on.consent.screen": "false"},
                "protocolMappers": [
                    _attribute_mapper("tenant"),
                    _attribute_mapper("unit"),
                    {
                        "name": "roles",
                        "protocol": "openid-connect",
                        "protocolMapper": "oidc-usermodel-realm-role-mapper",
                        "config": {
                            "claim.name": "roles",
                            "jsonType.label": "String",
                            "multivalued": "true",
                            "access.token.claim": "true",
                            "id.token.claim": "true",
                            "userinfo.token.claim": "true",
                            "introspection.token.claim": "true",
                        },
                    },
                    {
                        "name": "audience thidua-api",
                        "protocol": "openid-connect",
                        "protocolMapper": "oidc-audience-mapper",
                        "config": {
                            "included.custom.audience": AUDIENCE,
                            "access.token.claim": "true",
                            "id.token.claim": "false",
                            "introspection.token.claim": "true",
                        },
                    },
                ],
            },
        ],
        "scopeMappings": [{"clientScope": AUDIENCE, "roles": roles}],
        "clients": [
            {
                **_client_defaults(),
                "clientId": CONSOLE_CLIENT,
                "name": "Thi Đua console",
                "publicClient": True,
                "standardFlowEnabled": True,
                "directAccessGrantsEnabled": False,
                "serviceAccountsEnabled": False,
                "redirectUris": CONSOLE_REDIRECTS,
                "webOrigins": ["+"],
                "attributes": {"pkce.code.challenge.method": "S256", "post.logout.redirect.uris": "+"},
            },
            {
                **_client_defaults(),
                "clientId": DEV_CLIENT,
                "name": "Local development and tests only: password grant (never in a production realm)",
                "publicClient": True,
                "standardFlowEnabled": False,
                "directAccessGrantsEnabled": True,
                "serviceAccountsEnabled": False,
            },
            {
                **_client_defaults(),
                "clientId": SYSTEM_CLIENT,
                "name": "Other systems of tenant daknong: client credentials, role system",
                "publicClient": False,
                "clientAuthenticatorType": "client-secret",
                # substituted from the environment at import; also (re)set through the admin API at start
                "secret": "${" + SYSTEM_SECRET_ENV + "}",
                "standardFlowEnabled": False,
                "directAccessGrantsEnabled": False,
                "serviceAccountsEnabled": True,
            },
        ],
        "users": users,
    }


def realm_json() -> str:
    return json.dumps(build_realm(), ensure_ascii=False, indent=2) + "\n"


def write_realm(path: Path = REALM_FILE) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(realm_json(), encoding="utf-8")
    return path


# -- credentials ---------------------------------------------------------------------------------
@dataclass
class Credentials:
    admin_user: str
    admin_password: str
    system_secret: str
    passwords: dict[str, str] = field(default_factory=dict)  # demo username → password

    @classmethod
    def load_or_create(cls, path: Path) -> "Credentials":
        """Generated once per Keycloak home (random, never fixed): the bootstrap admin is created only
        at the first start, so its password must outlive restarts with the same database."""
        existing = None
        if path.exists():
            existing = cls(**json.loads(path.read_text()))
        creds = existing or cls("admin", secrets.token_urlsafe(18), secrets.token_urlsafe(32))
        for user in demo_users():
            creds.passwords.setdefault(user.username, secrets.token_urlsafe(12))
        if creds != existing:
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_suffix(".tmp")
            tmp.touch(mode=0o600)
            tmp.chmod(0o600)
            tmp.write_text(json.dumps(asdict(creds), indent=2))
            tmp.rename(path)
        return creds


# -- the server ----------------------------------------------------------------------------------
class Keycloak:
    """One Keycloak server for one stack home: `home` holds its server folder and credentials."""

    def __init__(self, cache: Path, home: Path, port: int, run_dir: Path, log_dir: Path):
        self.cache = cache
        self.home = home.resolve()
        self.port = port
        self.run_dir = run_dir
        self.log_dir = log_dir
        self._dist: Path | None = None
        self._launched_at: float | None = None
        self.server_dir = self.home / "server"
        self.credentials_file = self.home / "credentials.json"

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def issuer(self) -> str:
        return f"{self.url}/realms/{REALM}"

    @property
    def token_endpoint(self) -> str:
        return f"{self.issuer}/protocol/openid-connect/token"

    @property
    def jwks_uri(self) -> str:
        return f"{self.issuer}/protocol/openid-connect/certs"

    def credentials(self) -> Credentials:
        return Credentials.load_or_create(self.credentials_file)

    def process(self, java_home: Path | None = None) -> Managed:
        """The managed process; its environment (secrets, Java) only when a Java home is given,
        i.e. to start it: status and stop need neither."""
        args = [
            str(self.server_dir / "bin" / "kc.sh"),
            "start-dev",
            f"--http-port={self.port}",
            "--http-host=127.0.0.1",
            "--import-realm",
            "--hostname-strict=false",
        ]
        if java_home is None:
            return Managed("keycloak", args, self.run_dir, self.log_dir)
        creds = self.credentials()
        env = {
            "JAVA_HOME": str(java_home),
            "KC_BOOTSTRAP_ADMIN_USERNAME": creds.admin_user,
            "KC_BOOTSTRAP_ADMIN_PASSWORD": creds.admin_password,
            SYSTEM_SECRET_ENV: creds.system_secret,
            "JAVA_OPTS_KC_HEAP": "-Xms64m -Xmx512m",
            # Java 24+: JBoss threads' thread-local reset needs java.lang opened (Keycloak's own
            # kc.sh does not add it yet; without it worker threads die with IllegalAccessError).
            # C1 only (no C2 compiler threads fighting for 2 busy cores): side by side, a new
            # database was ready in 26 s instead of 76 s, a restart in 15 s instead of 31 s.
            "JAVA_OPTS_APPEND": "--add-opens=java.base/java.lang=ALL-UNNAMED -XX:TieredStopAtLevel=1",
        }
        return Managed("keycloak", args, self.run_dir, self.log_dir, env=env)

    def running(self) -> bool:
        return self.process().running()

    def start(self, timeout: float = 240) -> float:
        """Install if needed, start, wait for the realm's discovery document, set the generated
        secrets; returns the seconds from launch to ready."""
        self.launch()
        return self.ready(timeout)

    def launch(self) -> None:
        """Start the process and return at once (the stack starts Kafka and the rest meanwhile)."""
        java_home = find_java_home()
        self._dist = install(self.cache)
        proc = self.process(java_home)
        if proc.running():
            self._launched_at = time.monotonic()
            return
        prepare_server_home(self._dist, self.server_dir)
        shutil.copy2(REALM_FILE, self.server_dir / "data" / "import" / REALM_FILE.name)
        self._launched_at = time.monotonic()
        proc.start()

    def ready(self, timeout: float = 240) -> float:
        """Wait until the realm answers, then set the generated secrets; seconds since launch()."""
        self.wait_ready(self.process(), timeout)
        elapsed = time.monotonic() - (self._launched_at or time.monotonic())
        save_augmented_template(self._dist or install(self.cache), self.server_dir)
        self.apply_credentials()
        return elapsed

    def wait_ready(self, proc: Managed, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        discovery = f"{self.issuer}/.well-known/openid-configuration"
        while time.monotonic() < deadline:
            try:
                if httpx.get(discovery, timeout=2).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            if not proc.running():
                tail = proc.log_file.read_text(errors="replace")[-4000:] if proc.log_file.exists() else ""
                raise RuntimeError(f"keycloak exited before serving {discovery}:\n{tail}")
            time.sleep(0.5)
        raise TimeoutError(f"keycloak did not serve {discovery} within {timeout}s (log: {proc.log_file})")

    def admin_token(self) -> str:
        creds = self.credentials()
        response = httpx.post(
            f"{self.url}/realms/master/protocol/openid-connect/token",
            data={
                "grant_type": "password",
                "client_id": "admin-cli",
                "username": creds.admin_user,
                "password": creds.admin_password,
            },
            timeout=30,
        )
        response.raise_for_status()
        return response.json()["access_token"]

    def apply_credentials(self) -> None:
        """Set the demo users' passwords and the system client's secret to the generated ones
        (the realm import is skipped when the realm exists already, so this runs at every start)."""
        creds = self.credentials()
        marker = self.server_dir / "data" / "credentials.applied"  # beside the database it describes
        digest = hashlib.sha256(json.dumps(asdict(creds), sort_keys=True).encode()).hexdigest()
        if marker.exists() and marker.read_text() == digest:
            return
        admin = f"{self.url}/admin/realms/{REALM}"
        with httpx.Client(headers={"Authorization": f"Bearer {self.admin_token()}"}, timeout=30) as client:
            for username, password in creds.passwords.items():
                found = client.get(f"{admin}/users", params={"username": username, "exact": "true"})
                found.raise_for_status()
                if not found.json():
                    raise RuntimeError(
                        f"demo user {username} is missing from realm {REALM}: the realm file changed after this"
                        f" database imported it (imports skip an existing realm); start over with"
                        f" `rm -rf {self.home}` while Keycloak is stopped"
                    )
                reset = client.put(
                    f"{admin}/users/{found.json()[0]['id']}/reset-password",
                    json={"type": "password", "value": password, "temporary": False},
                )
                reset.raise_for_status()
            found = client.get(f"{admin}/clients", params={"clientId": SYSTEM_CLIENT})
            found.raise_for_status()
            rep = found.json()[0]
            if rep.get("secret") != creds.system_secret:
                rep["secret"] = creds.system_secret
                client.put(f"{admin}/clients/{rep['id']}", json=rep).raise_for_status()
        marker.write_text(digest)

    def allow_console(self, base_url: str) -> None:
        """Let the console at `base_url` sign in (redirect URI `<base_url>/*`), through the admin
        API: a stack on free ports (the e2e tests) runs its console on a port the realm file
        cannot know. A no-op when the URI is there already."""
        wanted = f"{base_url.rstrip('/')}/*"
        admin = f"{self.url}/admin/realms/{REALM}"
        with httpx.Client(headers={"Authorization": f"Bearer {self.admin_token()}"}, timeout=30) as client:
            found = client.get(f"{admin}/clients", params={"clientId": CONSOLE_CLIENT})
            found.raise_for_status()
            rep = found.json()[0]
            if wanted in rep.get("redirectUris", []):
                return
            rep["redirectUris"] = [*rep.get("redirectUris", []), wanted]
            client.put(f"{admin}/clients/{rep['id']}", json=rep).raise_for_status()

    def stop(self) -> None:
        self.process().stop(timeout=30)

    def users(self) -> list[dict]:
        """The demo users with their roles, unit and generated password (for the run command)."""
        creds = self.credentials()
        return [{**asdict(u), "roles": list(u.roles), "password": creds.passwords[u.username]} for u in demo_users()]


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["write-realm"]:
        print(write_realm())
        return 0
    if argv[:1] == ["install"]:
        print(install(REPO / ".local" / "cache"))
        try:
            print("java for keycloak:", find_java_home())
        except JavaNotFound as exc:
            print(f"warning: {exc}", file=sys.stderr)  # installed, but it will not start
        return 0
    print("usage: python -m thidua_devstack.keycloak write-realm | install", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main())
