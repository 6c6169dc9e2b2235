"""The local stack: Kafka (KRaft), SecantusDB, the mail catcher and the four services, each a
separate process with its own pid file and log file under one home folder."""

import asyncio
import json
import os
import subprocess
import sys
import time
from dataclasses import asdict, dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

from thidua_common.auth.api_keys import digest
from thidua_common.kafka import ensure_topics
from thidua_common.kafka.acls import service_principal
from thidua_common.settings import Settings

from . import kafka, kafka_security, keycloak, secantus
from .processes import Managed, free_port, port_open, wait_port

REPO = Path(__file__).resolve().parents[3]
SERVICES = ("intake", "scoring", "notify", "reporting")
HTTP_SERVICES = ("intake", "reporting")  # the only ones that take API keys
CONSOLE = "web"  # issue 10: the browser console, started only with Keycloak (it signs in through OIDC)

# The local stack's API key: send `X-API-Key: dev-system-key`. Only its digest is configured,
# as in production (thidua_common.auth.api_keys); make real keys with `thidua-api-key`.
DEV_API_KEY = "dev-system-key"
DEV_API_KEYS = [{"name": "dev-system", "hash": digest(DEV_API_KEY), "tenant": "daknong", "roles": ["system"]}]


@dataclass
class Ports:
    kafka: int = 9092
    kafka_controller: int = 9093
    mongo: int = 27017
    smtp: int = 1025
    mail_http: int = 8025
    intake: int = 8001
    scoring: int = 8002
    notify: int = 8003
    reporting: int = 8004
    keycloak: int = 8080  # only when the stack runs Keycloak (keycloak=True, THIDUA_KEYCLOAK=1)
    web: int = 8005  # the console, also only with Keycloak

    @classmethod
    def free(cls) -> "Ports":
        return cls(**{name: free_port() for name in asdict(cls())})


class Stack:
    def __init__(
        self,
        home: Path,
        ports: Ports | None = None,
        cache: Path | None = None,
        prefix: str = "thidua",
        extra_env: dict[str, str] | None = None,
        keycloak: bool | None = None,
        durable_db: bool = False,
    ):
        self.extra_env = extra_env or {}
        # issue 15: exactly once — SecantusDB fsyncs each commit (the notify fault tests kill it)
        self.durable_db = durable_db
        self.home = home.resolve()
        self.cache = (cache or REPO / ".local" / "cache").resolve()
        state = self.home / "stack.json"
        if ports is None and state.exists():
            ports = Ports(**json.loads(state.read_text())["ports"])
        self.ports = ports or Ports()
        # Keycloak is off unless asked for (the shared test stack and the default local stack stay on
        # HS256 development tokens)
        self.with_keycloak = (
            keycloak if keycloak is not None else os.environ.get("THIDUA_KEYCLOAK", "") in ("1", "true")
        )
        self.prefix = prefix
        self.run_dir = self.home / "run"
        self.log_dir = self.home / "logs"
        self.maildir = self.home / "mail"

    # -- configuration ----------------------------------------------------------------------
    def env(self) -> dict[str, str]:
        p = self.ports
        return {
            # the public development JWT secret is accepted only in development (thidua_common.startup)
            "THIDUA_ENVIRONMENT": "development",
            "THIDUA_KAFKA_BOOTSTRAP": f"127.0.0.1:{p.kafka}",
            # issue 12: SASL/SCRAM and ACLs as in production; this is the super user (the stack's
            # tools and the tests), each service gets its own user instead (service())
            **self.kafka_client_env(kafka.ADMIN_USER),
            # retryWrites=false: SecantusDB keeps every retryable write and scans them on each write,
            # which slows it down over time (production MongoDB does not need this)
            "THIDUA_MONGO_URI": f"mongodb://127.0.0.1:{p.mongo}/?directConnection=true&retryWrites=false",
            "THIDUA_TOPIC_PREFIX": self.prefix,
            "THIDUA_SMTP_HOST": "127.0.0.1",
            "THIDUA_SMTP_PORT": str(p.smtp),
            "THIDUA_API_KEYS": json.dumps(DEV_API_KEYS),
            "PYTHONUNBUFFERED": "1",
            # issue 10: the demo tenant shows its verified leaderboards on reporting's public board
            "THIDUA_PUBLIC_BOARD_TENANTS": "daknong",
            # issue 10: with Keycloak, intake and reporting accept its tokens too (beside the HS256
            # development tokens, told apart by `iss`: development only, see auth/tokens.authenticate)
            **({"THIDUA_OIDC_ISSUER": self.keycloak.issuer} if self.with_keycloak else {}),
            **self.extra_env,
        }

    # -- issue 12: Kafka principals ------------------------------------------------------------
    @property
    def kafka_home(self) -> Path:
        return self.home / "kafka"

    @cached_property
    def kafka_credentials(self) -> dict[str, str]:
        """principal -> password, made once per stack home (kafka_security.credentials_file)."""
        return kafka_security.load_or_create(self.kafka_home)

    def kafka_client_env(self, principal: str) -> dict[str, str]:
        return {
            "THIDUA_KAFKA_SECURITY_PROTOCOL": "SASL_PLAINTEXT",
            "THIDUA_KAFKA_SASL_MECHANISM": "SCRAM-SHA-512",
            "THIDUA_KAFKA_SASL_USERNAME": principal,
            "THIDUA_KAFKA_SASL_PASSWORD": self.kafka_credentials[principal],
        }

    @property
    def demo_system_credentials_file(self) -> Path:
        """Where the demo system's Kafka user, password and topic are written (thidua-systems add)."""
        return self.kafka_home / "systems" / f"{kafka_security.DEMO_SYSTEM}.json"

    def ensure_demo_system(self) -> None:
        """The outside system the demo feeds as: its SCRAM user, ACLs, topic and scope (all units of
        the demo tenant, submissions), made with the operators' own CLI; kept when it exists."""
        if self.demo_system_credentials_file.exists():
            return
        subprocess.run(
            [
                sys.executable,
                "-m",
                "thidua_intake.systems",
                "add",
                kafka_security.DEMO_SYSTEM,
                "--contact",
                "he-thong-demo@thidua.local",
                "--tenant",
                "daknong",
                "--all-units",
                "--kind",
                "submission",
                "--credentials-file",
                str(self.demo_system_credentials_file),
            ],
            env={**os.environ, **self.env()},
            cwd=REPO,
            check=True,
            stdout=subprocess.DEVNULL,
        )

    def settings(self) -> Settings:
        # field name -> value from the environment the services get (Any: pydantic converts the strings)
        values: dict[str, Any] = {
            k.removeprefix("THIDUA_").lower(): v for k, v in self.env().items() if k.startswith("THIDUA_")
        }
        return Settings(**values)

    def url(self, service: str) -> str:
        return f"http://127.0.0.1:{getattr(self.ports, service)}"

    # -- Keycloak (optional) ------------------------------------------------------------------
    @cached_property
    def keycloak(self) -> keycloak.Keycloak:
        return keycloak.Keycloak(self.cache, self.home / "keycloak", self.ports.keycloak, self.run_dir, self.log_dir)

    @property
    def keycloak_url(self) -> str:
        return self.keycloak.url

    @property
    def keycloak_issuer(self) -> str:
        """`iss` of the realm's tokens; its JWKS is at <issuer>/protocol/openid-connect/certs."""
        return self.keycloak.issuer

    @property
    def keycloak_users(self) -> list[dict]:
        """Demo users: username, roles, unit, name, password (generated for this stack home)."""
        return self.keycloak.users()

    @property
    def keycloak_system_secret(self) -> str:
        """Secret of the confidential client `thidua-system` (client credentials, role system)."""
        return self.keycloak.credentials().system_secret

    # -- components --------------------------------------------------------------------------
    def _kafka(self) -> Managed:
        libs = kafka.install(self.cache)
        home = self.home / "kafka"
        return kafka.broker(
            libs=libs,
            home=home,
            node_id=1,
            port=self.ports.kafka,
            controller_ports={1: self.ports.kafka_controller},
            cluster_id=kafka.cluster_id(home),
            run_dir=self.run_dir,
            log_dir=self.log_dir,
            admin_password=self.kafka_credentials[kafka.ADMIN_USER],
        )

    def _mongo(self) -> Managed:
        return Managed(
            "secantusdb",
            secantus.command(self.cache, "127.0.0.1", self.ports.mongo, self.home, sync_on_commit=self.durable_db),
            self.run_dir,
            self.log_dir,
        )

    def _mail(self) -> Managed:
        return Managed(
            "mailcatcher",
            [
                sys.executable,
                "-m",
                "thidua_devstack.mailcatcher",
                "--smtp-port",
                str(self.ports.smtp),
                "--http-port",
                str(self.ports.mail_http),
                "--maildir",
                str(self.maildir),
            ],
            self.run_dir,
            self.log_dir,
        )

    def service(self, name: str) -> Managed:
        env = {
            **self.env(),
            "THIDUA_HTTP_PORT": str(getattr(self.ports, name)),
            "THIDUA_READY_FILE": str(self.run_dir / f"{name}.ready"),
        }
        if name == CONSOLE:
            env.update(
                {
                    "THIDUA_WEB_PUBLIC_URL": self.url(CONSOLE),
                    "THIDUA_WEB_REPORTING_URL": self.url("reporting"),
                    "THIDUA_WEB_INTAKE_URL": self.url("intake"),
                    # issue 11: scoring's POST /api/v1/preview (the editor's «Xem thử điểm»)
                    "THIDUA_WEB_SCORING_URL": self.url("scoring"),
                }
            )
        if name in SERVICES:  # issue 12: each service as its own Kafka user, with only its ACLs
            env.update(self.kafka_client_env(service_principal(name)))
        if name not in HTTP_SERVICES:
            env["THIDUA_API_KEYS"] = ""  # scoring and notify have no HTTP API: no keys at all (not even inherited)
        return Managed(name, [sys.executable, "-m", f"thidua_{name}"], self.run_dir, self.log_dir, env=env, cwd=REPO)

    # -- lifecycle ---------------------------------------------------------------------------
    def save_state(self) -> None:
        self.home.mkdir(parents=True, exist_ok=True)
        (self.home / "stack.json").write_text(json.dumps({"ports": asdict(self.ports)}, indent=2))

    def start_infra(self) -> None:
        self.save_state()
        if self.with_keycloak:
            self.keycloak.launch()  # the slowest to start (about a minute here): first, waited for in up()
        kafka_proc, mongo, mail = self._kafka(), self._mongo(), self._mail()
        for proc in (kafka_proc, mongo, mail):
            proc.start()
        wait_port(self.ports.mongo, 60, mongo)
        wait_port(self.ports.smtp, 30, mail)
        wait_port(self.ports.kafka, 90, kafka_proc)
        asyncio.run(ensure_topics(self.settings()))
        kafka_security.apply(self.settings().kafka_bootstrap, self.prefix, self.kafka_credentials)

    @property
    def service_names(self) -> tuple[str, ...]:
        """The services this stack runs: the four, and the console when Keycloak runs."""
        return SERVICES + ((CONSOLE,) if self.with_keycloak else ())

    def start_services(self, names: tuple[str, ...] | None = None) -> None:
        names = self.service_names if names is None else names
        for name in names:
            if self.service(name).running():
                continue  # already up (and ready): `up` may be run again safely
            (self.run_dir / f"{name}.ready").unlink(missing_ok=True)
            self.service(name).start()
        for name in names:
            if name in ("intake", "reporting", CONSOLE):
                wait_port(getattr(self.ports, name), 60, self.service(name))
        self.wait_ready(tuple(n for n in names if n != CONSOLE))  # the console consumes no topic: its port says ready

    def wait_ready(self, names: tuple[str, ...], timeout: float = 60) -> None:
        """A consumer service writes run/<name>.ready once it has joined its consumer group."""
        deadline = time.monotonic() + timeout
        for name in names:
            ready = self.run_dir / f"{name}.ready"
            while not ready.exists():
                proc = self.service(name)
                if not proc.running():
                    raise RuntimeError(f"{name} exited:\n{proc.log_file.read_text(errors='replace')[-3000:]}")
                if time.monotonic() > deadline:
                    raise TimeoutError(f"{name} not ready after {timeout}s")
                time.sleep(0.2)

    def up(self) -> None:
        self.start_infra()
        self.ensure_demo_system()
        self.start_services()
        if self.with_keycloak:
            self.keycloak.ready()
            self.keycloak.allow_console(self.url(CONSOLE))

    def stop_service(self, name: str) -> None:
        self.service(name).stop()
        (self.run_dir / f"{name}.ready").unlink(missing_ok=True)

    def stop_kafka(self) -> None:
        """Take the broker away (tests of how the services ride out a Kafka outage)."""
        self._kafka().stop(timeout=40)

    def start_kafka(self) -> None:
        proc = self._kafka()
        if not proc.running():
            proc.start()
        wait_port(self.ports.kafka, 90, proc)

    # issue 15: exactly once — crash the database or the broker (SIGKILL) and bring it back, for the
    # fault tests of notify (tests/e2e/test_notify_faults.py)
    def kill_mongo(self) -> None:
        self._mongo().kill()

    def start_mongo(self) -> None:
        proc = self._mongo()
        if not proc.running():
            proc.start()
        wait_port(self.ports.mongo, 60, proc)

    def kill_kafka(self) -> None:
        self._kafka().kill()

    def down(self) -> None:
        for name in (*SERVICES, CONSOLE):
            self.stop_service(name)
        for proc in (self._mail(), self._mongo()):
            proc.stop()
        self._kafka().stop(timeout=40)
        self.keycloak.stop()  # whether or not this run asked for it: a no-op when not running

    def status(self) -> list[dict]:
        rows = []
        consoles = [CONSOLE] if self.with_keycloak or self.service(CONSOLE).running() else []
        procs = [self._kafka(), self._mongo(), self._mail()] + [self.service(n) for n in (*SERVICES, *consoles)]
        if self.with_keycloak or self.keycloak.running():
            procs.append(self.keycloak.process())
        port_of = {"kafka": self.ports.kafka, "secantusdb": self.ports.mongo, "mailcatcher": self.ports.smtp}
        for proc in procs:
            port = port_of.get(proc.name) or getattr(self.ports, proc.name, None)
            rows.append(
                {
                    "name": proc.name,
                    "pid": proc.pid(),
                    "port": port,
                    "listening": bool(port and port_open(port)),
                    "log": str(proc.log_file),
                }
            )
        return rows
