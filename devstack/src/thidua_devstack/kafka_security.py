"""Issue 12: the local broker's principals. Random passwords are made once per stack home and kept
in <home>/kafka/credentials.json (git-ignored with .local/, readable by the owner only): the super
user `admin` (the broker itself, the stack's tools and the tests) and one user per service, each
with only the ACLs thidua_common.kafka.acls derives from the topic registry."""

import json
import os
import shutil
import time
from pathlib import Path

from thidua_common.kafka.acls import SERVICES, all_service_acls, service_principal
from thidua_common.kafka.admin import AdminCredentials, KafkaAdmin, new_password

from .kafka import ADMIN_USER

DEMO_SYSTEM = "demo"  # the outside system the demo feed writes as (thidua.inbound.demo.v1)


def credentials_file(kafka_home: Path) -> Path:
    return kafka_home / "credentials.json"


def load_or_create(kafka_home: Path) -> dict[str, str]:
    """principal -> password; made on first use. A broker formatted before issue 12 (plaintext, no
    SCRAM users) is moved aside, since its storage cannot take the super user any more."""
    path = credentials_file(kafka_home)
    if path.exists():
        return json.loads(path.read_text())
    old_data = list(kafka_home.glob("node-*/data/meta.properties"))
    if old_data:
        aside = kafka_home.with_name(f"kafka.plaintext-{int(time.time())}")
        shutil.move(str(kafka_home), aside)
        print(
            f"the local Kafka ran without SASL before: its data was moved to {aside} and a new broker is"
            " formatted; for a clean start with the demo data: uv run thidua-stack down && rm -rf .local/stack"
        )
    kafka_home.mkdir(parents=True, exist_ok=True)
    credentials = {ADMIN_USER: new_password(), **{service_principal(s): new_password() for s in SERVICES}}
    path.write_text(json.dumps(credentials, indent=2))
    os.chmod(path, 0o600)
    return credentials


def apply(bootstrap: str, prefix: str, credentials: dict[str, str]) -> None:
    """Create (or reset) each service's SCRAM user and grant its ACLs; idempotent."""
    admin = KafkaAdmin(AdminCredentials(bootstrap, ADMIN_USER, credentials[ADMIN_USER]))
    for service in SERVICES:
        principal = service_principal(service)
        admin.set_password(principal, credentials[principal])
    admin.grant(all_service_acls(prefix))
