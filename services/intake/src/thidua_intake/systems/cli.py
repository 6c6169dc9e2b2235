"""`thidua-systems`: add, list and remove the outside systems that publish on Kafka.

    thidua-systems add so-noi-vu --contact it@snv.daknong.gov.vn --tenant daknong --all-units --kind submission
    thidua-systems add phan-mem-x --contact x@y.vn --tenant daknong --unit don-vi-1 --unit don-vi-2 --kind submission
    thidua-systems add tham-dinh --contact td@x.vn --tenant daknong --all-units --kind review --review-as board
    thidua-systems list [--json]
    thidua-systems remove so-noi-vu [--delete-topic]

`add` creates the system's SCRAM user (a random password, printed once or written to
--credentials-file), its topic thidua.inbound.<name>.v1 and ACLs that let it write that topic only,
and records its scope in intake's database. `remove` deletes the user, its ACLs and the record.
The broker is administered as a super user: THIDUA_KAFKA_ADMIN_USERNAME and
THIDUA_KAFKA_ADMIN_PASSWORD (else THIDUA_KAFKA_SASL_USERNAME/PASSWORD), with the broker address,
protocol and CA of the usual THIDUA_KAFKA_* settings. No Java needed (confluent-kafka's admin API).
"""

import argparse
import asyncio
import json
import os
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from confluent_kafka import KafkaException

from thidua_common.kafka.acls import system_acls, system_principal, system_topic, valid_system_name
from thidua_common.kafka.admin import AdminCredentials, KafkaAdmin, new_password
from thidua_common.mongo import make_client
from thidua_common.settings import Settings, get_settings

from . import store
from .rules import KINDS, System, parse_kinds, parse_review_as, parse_units


def admin_for(settings: Settings) -> KafkaAdmin:
    user = os.environ.get("THIDUA_KAFKA_ADMIN_USERNAME") or settings.kafka_sasl_username
    password = os.environ.get("THIDUA_KAFKA_ADMIN_PASSWORD") or settings.kafka_sasl_password
    return KafkaAdmin(AdminCredentials.from_settings(settings, user, password))


async def _db_call(settings: Settings, action: Any) -> Any:
    mongo = make_client(settings)
    try:
        return await action(mongo[settings.db_name("intake")])
    finally:
        await mongo.close()


def add(settings: Settings, args: argparse.Namespace) -> int:
    if not valid_system_name(args.name):
        print(f"invalid system name {args.name!r}: lower-case letters, digits and '-' (not a reserved name)")
        return 2
    try:
        kinds = parse_kinds(args.kind)
        units = parse_units(args.tenant, args.unit, args.all_units)
        system = System(args.name, args.contact, units, kinds, review_as=parse_review_as(args.review_as, kinds))
    except ValueError as exc:
        print(f"error: {exc}")
        return 2
    if asyncio.run(_db_call(settings, lambda db: store.get(db, args.name))) is not None:
        print(f"system {args.name} exists already (thidua-systems remove {args.name} first)")
        return 1
    admin = admin_for(settings)
    topic, principal, password = (
        system_topic(settings.topic_prefix, args.name),
        system_principal(args.name),
        new_password(),
    )
    admin.create_topic(topic, args.partitions, args.replication_factor)
    admin.set_password(principal, password)
    admin.grant(system_acls(settings.topic_prefix, args.name))
    asyncio.run(
        _db_call(
            settings,
            lambda db: store.save(db, system, principal=principal, topic=topic, created_at=datetime.now(UTC)),
        )
    )
    credentials = {
        "system": args.name,
        "bootstrap_servers": settings.kafka_bootstrap,
        "security_protocol": settings.kafka_security_protocol,
        "sasl_mechanism": settings.kafka_sasl_mechanism,
        "username": principal,
        "password": password,
        "topic": topic,
    }
    if args.credentials_file:
        path = Path(args.credentials_file)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.touch(mode=0o600)
        path.write_text(json.dumps(credentials, indent=2))
        print(f"system {args.name} added: topic {topic}, user {principal}; credentials in {path}")
    else:
        print(f"system {args.name} added; give it these credentials (the password is not shown again):")
        print(json.dumps(credentials, indent=2))
    return 0


def list_systems(settings: Settings, args: argparse.Namespace) -> int:
    docs = asyncio.run(_db_call(settings, store.all_docs))
    if args.json:
        print(json.dumps(docs, default=str, ensure_ascii=False, indent=2))
        return 0
    for doc in docs:
        units = "; ".join(f"{t}: {', '.join(ids)}" for t, ids in doc.get("units", {}).items())
        review = doc.get("review_as")
        as_reviewer = f" review_as={review['level']}:{review.get('unit_id') or '-'}" if review else ""
        kinds = ",".join(doc.get("kinds", []))
        print(f"{doc['_id']:<20} {doc.get('contact', ''):<30} kinds={kinds} units={units}{as_reviewer}")
    if not docs:
        print("no systems")
    return 0


def remove(settings: Settings, args: argparse.Namespace) -> int:
    admin = admin_for(settings)
    principal = system_principal(args.name)
    admin.revoke_all(principal)  # first: from now on the broker refuses its writes
    admin.delete_user(principal)
    if args.delete_topic:
        admin.delete_topic(system_topic(settings.topic_prefix, args.name))
    removed = asyncio.run(_db_call(settings, lambda db: store.remove(db, args.name)))
    print(f"system {args.name} removed" if removed else f"system {args.name} had no record; its user and ACLs are gone")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="thidua-systems", description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    sub = parser.add_subparsers(dest="command", required=True)
    a = sub.add_parser("add", help="create a system's user, topic, ACLs and scope")
    a.add_argument("name")
    a.add_argument("--contact", required=True, help="who is told about its dead letters (email)")
    a.add_argument("--tenant", action="append", default=[], required=True)
    a.add_argument("--unit", action="append", default=[], help="an allowed unit (tenant/unit with several tenants)")
    a.add_argument("--all-units", action="store_true", help="every unit of its tenants")
    a.add_argument("--kind", action="append", default=[], help=f"an allowed event kind: {', '.join(sorted(KINDS))}")
    a.add_argument(
        "--review-as",
        help="with --kind review: the reviewer role it acts in (board, board:<its unit>, cluster:<unit heading it>)",
    )
    a.add_argument("--credentials-file", help="write the credentials here (mode 600) instead of printing them")
    a.add_argument("--partitions", type=int, default=3)
    a.add_argument("--replication-factor", type=int, default=1)
    ls = sub.add_parser("list", help="the systems and their scopes")
    ls.add_argument("--json", action="store_true")
    rm = sub.add_parser("remove", help="delete a system's user, ACLs and record")
    rm.add_argument("name")
    rm.add_argument("--delete-topic", action="store_true", help="also delete its topic and what is left on it")
    args = parser.parse_args(argv)
    settings = get_settings()
    commands = {"add": add, "list": list_systems, "remove": remove}
    try:
        return commands[args.command](settings, args)
    except KafkaException as exc:  # refused or unreachable: say so in one line, not a traceback
        error = exc.args[0] if exc.args else exc
        code = getattr(error, "name", lambda: "")()
        print(f"the Kafka broker refused or failed: {code or error}")
        if "AUTHORIZATION" in str(code):
            print(
                "run thidua-systems as the Kafka super user (THIDUA_KAFKA_ADMIN_USERNAME, THIDUA_KAFKA_ADMIN_PASSWORD)"
            )
        return 1


if __name__ == "__main__":
    sys.exit(main())
