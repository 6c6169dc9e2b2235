"""The deployment files keep their safety properties (issue 8). Compose and Kubernetes cannot run
here (no Docker engine, no cluster), so their YAML is parsed and the properties that matter are
checked: no default secrets, loopback-only ports, authenticated MongoDB and Kafka, API keys and
the token secret only where an HTTP API verifies them, no committed placeholder Secret, and the
documented probes are the manifests' probes."""

import re
import subprocess
from pathlib import Path

import pytest
import yaml

from thidua_common.settings import DEV_JWT_SECRET

REPO = Path(__file__).resolve().parents[2]
COMPOSE_TEXT = (REPO / "docker-compose.yml").read_text()
COMPOSE = yaml.safe_load(COMPOSE_TEXT)
K8S = REPO / "deploy" / "k8s"
# issue 12: each service has its own Kafka user and password (no shared THIDUA_KAFKA_PASSWORD)
KAFKA_SERVICE_PASSWORDS = {name: f"THIDUA_KAFKA_{name.upper()}_PASSWORD" for name in ("intake", "scoring", "notify", "reporting")}
SECRETS = ("THIDUA_MONGO_PASSWORD", "MONGO_ROOT_PASSWORD", "KAFKA_ADMIN_PASSWORD", *KAFKA_SERVICE_PASSWORDS.values())
HTTP = ("intake", "reporting")
NO_HTTP = ("scoring", "notify")
CONSOLE = "web"  # issue 10: the browser console, a client of the HTTP APIs (no token secret, no keys)


def service(name: str) -> dict:
    return COMPOSE["services"][name]


def env(name: str) -> dict:
    return service(name).get("environment") or {}


# -- docker-compose.yml ---------------------------------------------------------------------------


def test_compose_has_no_default_for_any_secret():
    assert DEV_JWT_SECRET not in COMPOSE_TEXT
    for secret in SECRETS:
        # `$${X}` is compose's escape: the container's shell reads X, compose substitutes nothing
        uses = re.findall(r"(?<!\$)\$\{" + secret + r"(:?[-?+]?)([^}]*)\}", COMPOSE_TEXT)
        assert uses, f"{secret} is not used"
        for operator, message in uses:
            assert operator == ":?", f"${{{secret}}} must be required with :? (found {operator!r})"
            assert message.strip(), f"${{{secret}:?}} needs a message saying what to set"


def test_compose_passes_api_keys_only_to_the_http_services_and_no_token_secret_at_all():
    # production verifies only the identity provider's tokens: an HS256 secret would sign nothing
    # anybody could use, so none is asked for (it used to be required, for nothing)
    assert "THIDUA_JWT_SECRET" not in COMPOSE_TEXT
    for name in HTTP:
        assert "THIDUA_API_KEYS" in env(name)
        assert env(name)["THIDUA_OIDC_ISSUER"].startswith("${THIDUA_OIDC_ISSUER:?")
    for name in (*NO_HTTP, "topics", CONSOLE):
        assert "THIDUA_API_KEYS" not in env(name) and "THIDUA_JWT_SECRET" not in env(name), name


def test_compose_runs_the_services_in_production():
    for name in (*HTTP, *NO_HTTP, CONSOLE):
        assert env(name)["THIDUA_ENVIRONMENT"] == "production"


def test_compose_publishes_ports_on_loopback_only():
    published = [(name, port) for name, s in COMPOSE["services"].items() for port in s.get("ports", [])]
    assert published
    for name, port in published:
        assert isinstance(port, str), (name, port)
        address = port.split(":")[0]
        if name in (*HTTP, CONSOLE):  # may be moved deliberately, 127.0.0.1 unless told otherwise
            assert port.startswith("${THIDUA_PUBLISH_ADDRESS:-127.0.0.1}:"), port
        else:
            assert address == "127.0.0.1", (name, port)


def test_compose_mongodb_requires_authentication():
    mongo = service("mongo")
    assert mongo["environment"]["MONGO_INITDB_ROOT_PASSWORD"].startswith("${MONGO_ROOT_PASSWORD:?")
    script = " ".join(mongo["command"])
    assert "--keyFile" in script and "--replSet rs0" in script  # a replica set with auth needs the key file
    assert any("mongo-init.js" in v for v in mongo["volumes"])
    init = (REPO / "deploy" / "compose" / "mongo-init.js").read_text()
    assert "createUser" in init and "readWrite" in init and "process.env.THIDUA_MONGO_PASSWORD" in init
    assert "--eval" in mongo["healthcheck"]["test"][1] and "-u root" in mongo["healthcheck"]["test"][1]
    for name in (*HTTP, *NO_HTTP, "topics"):
        uri = env(name)["THIDUA_MONGO_URI"]
        assert uri.startswith("mongodb://thidua:${THIDUA_MONGO_PASSWORD:?") and "authSource=admin" in uri


def kafka_properties() -> dict[str, str]:
    script = service("kafka")["command"][0]
    block = script.split("cat > /tmp/server.properties <<PROPS\n", 1)[1].split("\nPROPS\n", 1)[0]
    return dict(line.split("=", 1) for line in block.splitlines() if line.strip())


def test_compose_kafka_authenticates_every_client_listener_with_scram():
    props = kafka_properties()
    protocols = dict(pair.split(":") for pair in props["listener.security.protocol.map"].split(","))
    listeners = {item.split("://")[0]: item.split("://")[1] for item in props["listeners"].split(",")}
    for name, protocol in protocols.items():
        if name == props["controller.listener.names"]:
            assert listeners[name].startswith("localhost:"), "the PLAINTEXT controller listener stays in the container"
        else:
            assert protocol == "SASL_PLAINTEXT", name
    assert props["sasl.enabled.mechanisms"] == "SCRAM-SHA-512"
    assert props["sasl.mechanism.inter.broker.protocol"] == "SCRAM-SHA-512"
    assert props["allow.everyone.if.no.acl.found"] == "false"
    assert "StandardAuthorizer" in props["authorizer.class.name"]
    script = service("kafka")["command"][0]
    assert "--add-scram \"SCRAM-SHA-512=[name=admin,password=$${KAFKA_ADMIN_PASSWORD}]\"" in script
    assert props["super.users"] == "User:admin;User:ANONYMOUS"  # issue 12: no service is a super user
    assert "--command-config /tmp/admin.properties" in service("kafka")["healthcheck"]["test"][1]


def test_compose_services_talk_to_kafka_with_sasl():
    for name in (*HTTP, *NO_HTTP, "topics"):
        e = env(name)
        assert (e["THIDUA_KAFKA_SECURITY_PROTOCOL"], e["THIDUA_KAFKA_SASL_MECHANISM"]) == ("SASL_PLAINTEXT", "SCRAM-SHA-512")
    # issue 12: each service as its own user; the setup job as the super user, setting their passwords
    for name, variable in KAFKA_SERVICE_PASSWORDS.items():
        assert env(name)["THIDUA_KAFKA_SASL_USERNAME"] == f"thidua-{name}"
        assert env(name)["THIDUA_KAFKA_SASL_PASSWORD"].startswith("${" + variable + ":?")
        assert env("topics")[variable].startswith("${" + variable + ":?")
    assert env("topics")["THIDUA_KAFKA_SASL_USERNAME"] == "admin"
    assert env("topics")["THIDUA_KAFKA_SASL_PASSWORD"].startswith("${KAFKA_ADMIN_PASSWORD:?")
    assert service("topics")["command"] == ["python", "-m", "thidua_common.kafka.setup"]


def test_compose_env_example_lists_every_required_secret_without_values():
    example = (REPO / "deploy" / "compose" / "env.example").read_text()
    values = dict(line.split("=", 1) for line in example.splitlines() if line and not line.startswith("#"))
    for secret in SECRETS:
        assert values[secret] == "", secret
    ignored = (REPO / ".gitignore").read_text().splitlines()
    assert ".env" in ignored


# -- deploy/k8s ------------------------------------------------------------------------------------


def manifests() -> list[dict]:
    kustomization = yaml.safe_load((K8S / "kustomization.yaml").read_text())
    docs = []
    for resource in kustomization["resources"]:
        docs += [d for d in yaml.safe_load_all((K8S / resource).read_text()) if d]
    return docs


def kind(k: str) -> list[dict]:
    return [d for d in manifests() if d["kind"] == k]


def containers(name: str) -> list[dict]:
    workload = next(d for d in [*kind("Deployment"), *kind("Job")] if d["metadata"]["name"] == name)
    return workload["spec"]["template"]["spec"]["containers"]


def secret_refs(name: str) -> set[str]:
    return {ref["secretRef"]["name"] for c in containers(name) for ref in c.get("envFrom", []) if "secretRef" in ref}


def test_kustomization_applies_no_secret_of_its_own():
    assert kind("Secret") == []
    assert not (K8S / "secret.yaml").exists()


def test_kustomization_generates_the_secrets_from_files_that_are_not_committed():
    kustomization = yaml.safe_load((K8S / "kustomization.yaml").read_text())
    generated = {g["name"]: g["envs"] for g in kustomization["secretGenerator"]}
    assert set(generated) == {"thidua-secrets", "thidua-http-secrets", "thidua-kafka-secrets"}
    ignored = (REPO / ".gitignore").read_text().splitlines()
    for files in generated.values():
        for file in files:
            assert f"deploy/k8s/{file}" in ignored, file
            assert (K8S / f"{file}.example").exists(), file
    tracked = subprocess.run(["git", "ls-files", "deploy/k8s"], cwd=REPO, capture_output=True, text=True).stdout.split()
    assert not {f"deploy/k8s/{f}" for files in generated.values() for f in files} & set(tracked)


def test_the_example_secret_files_hold_no_usable_secret():
    http = dict(line.split("=", 1) for line in (K8S / "http-secrets.env.example").read_text().splitlines()
                if line and not line.startswith("#"))
    assert "THIDUA_JWT_SECRET" not in http and http["THIDUA_API_KEYS"] == "[]"
    shared = (K8S / "secrets.env.example").read_text()
    assert "THIDUA_JWT_SECRET" not in shared and "THIDUA_API_KEYS" not in shared


def test_only_intake_and_reporting_get_the_token_secret_and_api_keys():
    for name in HTTP:
        assert secret_refs(name) == {"thidua-secrets", "thidua-http-secrets"}
    for name in NO_HTTP:
        assert secret_refs(name) == {"thidua-secrets"}
        assert all(e["name"] != "THIDUA_API_KEYS" for c in containers(name) for e in c.get("env", []))
    assert secret_refs("thidua-topics") == {"thidua-secrets", "thidua-kafka-secrets"}


def test_each_deployment_uses_kafka_as_its_own_user_with_its_own_password_only():
    # issue 12: the shared Kafka user is gone; the topics job sets the users and ACLs as the super user
    assert "THIDUA_KAFKA_SASL_USERNAME" not in kind("ConfigMap")[0]["data"]
    assert "THIDUA_KAFKA_SASL_PASSWORD" not in (K8S / "secrets.env.example").read_text()
    for name, variable in KAFKA_SERVICE_PASSWORDS.items():
        (container,) = containers(name)
        env_of = {e["name"]: e for e in container.get("env", [])}
        assert env_of["THIDUA_KAFKA_SASL_USERNAME"]["value"] == f"thidua-{name}"
        ref = env_of["THIDUA_KAFKA_SASL_PASSWORD"]["valueFrom"]["secretKeyRef"]
        assert ref == {"name": "thidua-kafka-secrets", "key": variable}
        assert "thidua-kafka-secrets" not in secret_refs(name)  # never every password at once
    (job,) = containers("thidua-topics")
    assert job["command"] == ["python", "-m", "thidua_common.kafka.setup", "--replication-factor", "3"]
    assert {e["name"]: e.get("value") for e in job["env"]}["THIDUA_KAFKA_SASL_USERNAME"] == "admin"
    example = (K8S / "kafka-secrets.env.example").read_text()
    for variable in ("KAFKA_ADMIN_PASSWORD", *KAFKA_SERVICE_PASSWORDS.values()):
        assert f"\n{variable}=\n" in example


def test_the_configmap_says_production_and_sasl():
    data = kind("ConfigMap")[0]["data"]
    assert data["THIDUA_ENVIRONMENT"] == "production"
    assert data["THIDUA_KAFKA_SECURITY_PROTOCOL"] in ("SASL_SSL", "SASL_PLAINTEXT")
    assert "THIDUA_API_KEYS" not in data and "THIDUA_JWT_SECRET" not in data


@pytest.mark.parametrize("name", HTTP)
def test_http_services_probe_readyz_for_readiness_and_healthz_for_liveness(name):
    (container,) = containers(name)
    assert container["readinessProbe"]["httpGet"]["path"] == "/readyz"
    assert container["livenessProbe"]["httpGet"]["path"] == "/healthz"


def test_deploy_readme_describes_the_probes_of_the_manifests():
    readme = (REPO / "deploy" / "README.md").read_text()
    rows = {line.split("|")[1].strip(" `"): line for line in readme.splitlines() if line.startswith("| `")}
    for name in HTTP:
        row = rows[f"{name}.yaml"]
        (container,) = containers(name)
        documented = dict(re.findall(r"(readiness|liveness) probe `GET (/\w+)`", row))
        assert documented == {"readiness": container["readinessProbe"]["httpGet"]["path"],
                              "liveness": container["livenessProbe"]["httpGet"]["path"]}, row
    assert "secret.yaml" not in rows


# -- Dockerfile (issue 9: one for the four services) ---------------------------------------------


def test_compose_builds_every_service_from_the_one_dockerfile_with_its_service_argument():
    dockerfile = (REPO / "Dockerfile").read_text()
    assert not list(REPO.glob("services/*/Dockerfile")), "one Dockerfile at the root, not a copy per service"
    for name in (*HTTP, *NO_HTTP, CONSOLE, "topics"):
        build = service(name)["build"]
        assert build["context"] == "." and build.get("dockerfile", "Dockerfile") == "Dockerfile", name
        wanted = "intake" if name == "topics" else name  # the topic step runs from intake's image
        assert build["args"] == {"SERVICE": wanted}, name
        assert service(name)["image"] == f"thidua/{wanted}:local", name
    # the argument picks the package installed and started, and only a known service is built
    assert 'uv sync --frozen --no-dev --package "thidua-${SERVICE}"' in dockerfile
    assert 'exec python -m \\"thidua_$SERVICE\\"' in dockerfile
    assert "intake|scoring|notify|reporting|web) ;;" in dockerfile


@pytest.mark.parametrize("name", (*HTTP, "scoring"))
def test_the_pods_that_serve_metrics_are_annotated_for_prometheus(name):
    (deployment,) = [d for d in kind("Deployment") if d["metadata"]["name"] == name]
    annotations = deployment["spec"]["template"]["metadata"]["annotations"]
    (container,) = containers(name)
    assert annotations == {"prometheus.io/scrape": "true", "prometheus.io/path": "/metrics",
                           "prometheus.io/port": str(container["ports"][0]["containerPort"])}


def test_kubernetes_runs_the_console_without_any_secret_pointing_it_at_the_apis():
    (container,) = containers(CONSOLE)
    assert secret_refs(CONSOLE) == set()  # a public OIDC client and two APIs: nothing secret to hold
    env = {e["name"]: e["value"] for e in container["env"]}
    assert env["THIDUA_WEB_INTAKE_URL"] == "http://intake:8000"
    assert env["THIDUA_WEB_REPORTING_URL"] == "http://reporting:8000"
    assert env["THIDUA_WEB_PUBLIC_URL"].startswith("https://")
    assert container["readinessProbe"]["httpGet"]["path"] == "/readyz"
    assert container["securityContext"]["readOnlyRootFilesystem"] is True
    (deployment,) = [d for d in kind("Deployment") if d["metadata"]["name"] == CONSOLE]
    assert deployment["spec"]["replicas"] == 1  # sessions in memory: one replica or sticky sessions
    images = {i["name"] for i in yaml.safe_load((K8S / "kustomization.yaml").read_text())["images"]}
    assert "thidua/web" in images
