"""Issue 12: who may do what on the broker (pure: no I/O). Every service has its own principal; its
ACLs are derived from the topic registry (contracts.registry: each topic names its producers and
consumers) and from the consumer groups below, so a topic added there gets its ACLs here without a
second list to keep. Outside systems each write one topic of their own, thidua.inbound.<system>.v1,
and nothing else: the topic a record arrives on names the principal that wrote it (docs/architecture.md).
Applied by thidua_common.kafka.admin (the local stack at start, compose's ACL job, thidua-systems)."""

import re
from dataclasses import dataclass

from ..contracts.registry import TOPICS, topic_name

SERVICES = ("intake", "scoring", "notify", "reporting")

# The consumer group ids each service joins (scoring: faust's app id is its group id). The services
# take their group ids from here, so the ACL and the group cannot drift apart.
CONSUMER_GROUPS: dict[str, tuple[str, ...]] = {
    "intake": ("intake-inbound",),
    "scoring": ("thidua-scoring",),
    # notify-deadletters: notify's digest of new dead letters (issue 12, dead letters; reads the DLQ topics)
    "notify": ("notify", "notify-deadletters"),
    "reporting": ("reporting",),
}

# Topics no service writes: only the super user's tools do (the shared development inbound topic,
# which the local stack's tests write; the dead-letter replay ledger of `thidua-deadletters`)
ADMIN_WRITTEN_TOPICS = frozenset({"inbound", "deadletter_replays"})

# A system's name becomes part of its topic and of its principal: lower-case letters, digits, '-'
SYSTEM_NAME = r"[a-z0-9](?:[a-z0-9-]{0,46}[a-z0-9])?"
# names that would collide with the platform's own inbound topics (inbound.dlq.v1, …) or principals
RESERVED_SYSTEM_NAMES = frozenset({"dlq", "v1", "admin", *SERVICES})
SYSTEM_PRINCIPAL_PREFIX = "system-"


@dataclass(frozen=True, order=True)
class Acl:
    """One ALLOW entry: `principal` (a SCRAM user name) may do `operation` on a resource."""

    principal: str
    resource: str  # "topic" | "group"
    name: str
    operation: str  # "READ" | "WRITE" | "DESCRIBE" | "CREATE"
    pattern: str = "literal"  # "literal" | "prefixed"


def service_principal(service: str) -> str:
    return f"thidua-{service}"


def system_principal(system: str) -> str:
    return f"{SYSTEM_PRINCIPAL_PREFIX}{system}"


def system_topic(prefix: str, system: str) -> str:
    return f"{prefix}.inbound.{system}.v1"


def inbound_topic_pattern(prefix: str, *, shared: bool) -> str:
    """What intake subscribes to: every system's inbound topic (never the dead-letter topic); with
    `shared` (development only) also the old shared topic thidua.inbound.v1, which names no system."""
    systems = rf"(?!dlq\.){SYSTEM_NAME}\."
    return rf"^{re.escape(prefix)}\.inbound\.{f'(?:{systems})?' if shared else systems}v1$"


def system_of_topic(prefix: str, topic: str) -> str | None:
    """The system whose inbound topic this is; None for the shared development topic (or any other)."""
    match = re.fullmatch(rf"{re.escape(prefix)}\.inbound\.({SYSTEM_NAME})\.v1", topic)
    if match is None or match.group(1) in RESERVED_SYSTEM_NAMES:
        return None
    return match.group(1)


def valid_system_name(name: str) -> bool:
    return re.fullmatch(SYSTEM_NAME, name) is not None and name not in RESERVED_SYSTEM_NAMES


def service_acls(prefix: str, service: str) -> list[Acl]:
    """Everything `service` needs and nothing more: READ+DESCRIBE where it consumes, WRITE+DESCRIBE
    where it produces (WRITE also allows its idempotent producer: Kafka 3+ needs no IDEMPOTENT_WRITE
    on the cluster), READ on its own consumer groups. Topics are created by the admin, not by services."""
    principal = service_principal(service)
    acls: set[Acl] = set()
    for key, spec in TOPICS.items():
        name = topic_name(prefix, key)
        if service in spec.consumers:
            acls |= {Acl(principal, "topic", name, "READ"), Acl(principal, "topic", name, "DESCRIBE")}
        if service in spec.producers:
            acls |= {Acl(principal, "topic", name, "WRITE"), Acl(principal, "topic", name, "DESCRIBE")}
    for group in CONSUMER_GROUPS[service]:
        acls.add(Acl(principal, "group", group, "READ"))
    if service == "scoring":
        # faust subscribes to its app's own topics (<app id>-__assignor-__leader) even when it
        # declares none: let it see them, or every metadata refresh logs an authorization error
        internal = f"{CONSUMER_GROUPS['scoring'][0]}-"
        acls |= {Acl(principal, "topic", internal, op, "prefixed") for op in ("READ", "DESCRIBE")}
    if service == "intake":
        # every system's inbound topic, present and future (a prefix: a new system needs no change here)
        inbound = f"{prefix}.inbound."
        acls |= {Acl(principal, "topic", inbound, op, "prefixed") for op in ("READ", "DESCRIBE")}
    return sorted(acls)


def system_acls(prefix: str, system: str) -> list[Acl]:
    """An outside system may write its own inbound topic and see its metadata: nothing else."""
    principal, topic = system_principal(system), system_topic(prefix, system)
    return [Acl(principal, "topic", topic, "DESCRIBE"), Acl(principal, "topic", topic, "WRITE")]


def all_service_acls(prefix: str) -> list[Acl]:
    return [acl for service in SERVICES for acl in service_acls(prefix, service)]
