"""Issue 12: the broker's own administration: SCRAM credentials, ACLs and topics, as a super user.
aiokafka has no ACL or SCRAM API; confluent-kafka's AdminClient (librdkafka, wheels on PyPI, no
Java) has both, so the local stack, compose's ACL job and `thidua-systems` in production use the
same code. Synchronous: these are one-off operations of setup tools, never of a request."""

import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from confluent_kafka import KafkaException
from confluent_kafka.admin import (
    AclBinding,
    AclBindingFilter,
    AclOperation,
    AclPermissionType,
    AdminClient,
    NewTopic,
    ResourcePatternType,
    ResourceType,
    ScramCredentialInfo,
    ScramMechanism,
    UserScramCredentialDeletion,
    UserScramCredentialUpsertion,
)

from ..settings import Settings
from .acls import Acl

SCRAM_ITERATIONS = 8192  # Kafka's minimum for SCRAM-SHA-512 is 4096


def new_password() -> str:
    return secrets.token_urlsafe(32)


@dataclass(frozen=True)
class AdminCredentials:
    """Where and as whom to administer: a super user of the broker (never a service's principal)."""

    bootstrap: str
    username: str
    password: str
    security_protocol: str = "SASL_PLAINTEXT"
    mechanism: str = "SCRAM-SHA-512"
    ssl_cafile: str = ""

    @classmethod
    def from_settings(cls, settings: Settings, username: str, password: str) -> "AdminCredentials":
        return cls(
            settings.kafka_bootstrap,
            username,
            password,
            settings.kafka_security_protocol,
            settings.kafka_sasl_mechanism,
            settings.kafka_ssl_cafile,
        )

    def config(self) -> dict[str, Any]:
        config: dict[str, Any] = {"bootstrap.servers": self.bootstrap, "security.protocol": self.security_protocol}
        if self.security_protocol.startswith("SASL_"):
            config.update({"sasl.mechanism": self.mechanism, "sasl.username": self.username})
            config["sasl.password"] = self.password
        if self.security_protocol.endswith("SSL") and self.ssl_cafile:
            config["ssl.ca.location"] = self.ssl_cafile
        return config


def _binding(acl: Acl) -> AclBinding:
    return AclBinding(
        ResourceType[acl.resource.upper()],
        acl.name,
        ResourcePatternType[acl.pattern.upper()],
        f"User:{acl.principal}",
        "*",
        AclOperation[acl.operation],
        AclPermissionType.ALLOW,
    )


def _every_acl_of(principal: str) -> AclBindingFilter:
    # None is the filter's wildcard (name, host), which confluent-kafka's annotations do not admit
    return AclBindingFilter(
        ResourceType.ANY,
        None,  # type: ignore[arg-type]
        ResourcePatternType.ANY,
        f"User:{principal}",
        None,  # type: ignore[arg-type]
        AclOperation.ANY,
        AclPermissionType.ANY,
    )


def _wait(futures: dict[Any, Any], timeout: float) -> None:
    for future in futures.values():
        future.result(timeout=timeout)


class KafkaAdmin:
    def __init__(self, credentials: AdminCredentials, timeout: float = 30.0):
        self.client = AdminClient(credentials.config())
        self.timeout = timeout
        self.mechanism = ScramMechanism[credentials.mechanism.replace("-", "_")]

    def set_password(self, user: str, password: str) -> None:
        """Create the SCRAM credential of `user`, or replace its password."""
        info = ScramCredentialInfo(self.mechanism, SCRAM_ITERATIONS)
        upsert = UserScramCredentialUpsertion(user, info, password.encode())
        _wait(self.client.alter_user_scram_credentials([upsert], request_timeout=self.timeout), self.timeout)

    def delete_user(self, user: str) -> None:
        """Remove the SCRAM credential of `user` (no error when there is none)."""
        try:
            deletion = UserScramCredentialDeletion(user, self.mechanism)
            _wait(self.client.alter_user_scram_credentials([deletion], request_timeout=self.timeout), self.timeout)
        except KafkaException as exc:
            if "RESOURCE_NOT_FOUND" not in str(exc) and "not found" not in str(exc).lower():
                raise

    def users(self) -> list[str]:
        described = self.client.describe_user_scram_credentials(request_timeout=self.timeout)
        result = described.result(timeout=self.timeout) if hasattr(described, "result") else described
        return sorted(result)

    def grant(self, acls: Iterable[Acl]) -> None:
        bindings = [_binding(acl) for acl in acls]
        if bindings:
            _wait(self.client.create_acls(bindings, request_timeout=self.timeout), self.timeout)

    def acls_of(self, principal: str) -> list[AclBinding]:
        found = self.client.describe_acls(_every_acl_of(principal), request_timeout=self.timeout)
        return list(found.result(timeout=self.timeout))

    def revoke_all(self, principal: str) -> None:
        """Delete every ACL that names `principal`."""
        _wait(self.client.delete_acls([_every_acl_of(principal)], request_timeout=self.timeout), self.timeout)

    def create_topic(self, name: str, partitions: int = 3, replication_factor: int = 1) -> bool:
        """Create `name` unless it exists; True when it was created here."""
        futures = self.client.create_topics(
            [NewTopic(name, partitions, replication_factor)], request_timeout=self.timeout
        )
        try:
            _wait(futures, self.timeout)
            return True
        except KafkaException as exc:
            if "TOPIC_ALREADY_EXISTS" in str(exc) or "already exists" in str(exc):
                return False
            raise

    def delete_topic(self, name: str) -> None:
        try:
            _wait(self.client.delete_topics([name], request_timeout=self.timeout), self.timeout)
        except KafkaException as exc:
            if "UNKNOWN_TOPIC" not in str(exc):
                raise
