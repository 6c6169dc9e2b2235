"""Issue 12: `python -m thidua_common.kafka.setup [--replication-factor N]`: the broker's setup as a
super user (THIDUA_KAFKA_SASL_USERNAME/PASSWORD are the admin's here): every registered topic,
each service's SCRAM user with the password in THIDUA_KAFKA_<SERVICE>_PASSWORD, and the ACLs of
thidua_common.kafka.acls. Idempotent: run on every deployment (compose's `topics` job, the
Kubernetes topics job); a changed password takes effect at the service's next start."""

import argparse
import asyncio
import os
import sys

from ..settings import get_settings
from .acls import SERVICES, service_acls, service_principal
from .admin import AdminCredentials, KafkaAdmin
from .client import ensure_topics


def password_variable(service: str) -> str:
    return f"THIDUA_KAFKA_{service.upper()}_PASSWORD"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m thidua_common.kafka.setup", description=__doc__)
    parser.add_argument("--replication-factor", type=int, default=1)
    args = parser.parse_args(argv)
    settings = get_settings()
    asyncio.run(ensure_topics(settings, replication_factor=args.replication_factor))
    admin = KafkaAdmin(
        AdminCredentials.from_settings(settings, settings.kafka_sasl_username, settings.kafka_sasl_password)
    )
    missing = [password_variable(s) for s in SERVICES if not os.environ.get(password_variable(s))]
    if missing:
        print(f"set {', '.join(missing)}: each service has its own Kafka user", file=sys.stderr)
        return 78
    for service in SERVICES:
        admin.set_password(service_principal(service), os.environ[password_variable(service)])
        admin.grant(service_acls(settings.topic_prefix, service))
        print(f"kafka user {service_principal(service)}: password set, ACLs granted")
    return 0


if __name__ == "__main__":
    sys.exit(main())
