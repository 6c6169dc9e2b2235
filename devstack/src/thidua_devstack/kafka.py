"""Apache Kafka 4.x from Maven Central: the broker jars are resolved with Maven from
deploy/local/kafka/pom.xml (versions pinned) once, then cached; brokers run in KRaft mode."""

import hashlib
import shutil
import subprocess
import uuid
from pathlib import Path

from .processes import Managed

KAFKA_DIR = Path(__file__).resolve().parents[3] / "deploy" / "local" / "kafka"
ADMIN_USER = "admin"  # issue 12: the local broker's super user (the stack's tools, never a service)


def install(cache: Path) -> Path:
    """Return the folder of broker jars, fetching them with Maven on first use."""
    cache = cache.resolve()  # Maven resolves relative paths against the pom's folder
    pom = KAFKA_DIR / "pom.xml"
    digest = hashlib.sha256(pom.read_bytes()).hexdigest()[:12]
    libs = cache / f"kafka-{digest}" / "libs"
    if (libs / ".complete").exists():
        return libs
    if shutil.which("mvn") is None:
        raise RuntimeError("Maven (mvn) is required to fetch Apache Kafka from Maven Central")
    tmp = libs.with_name("libs.tmp")
    shutil.rmtree(tmp, ignore_errors=True)
    subprocess.run(
        [
            "mvn",
            "-q",
            "-B",
            "-f",
            str(pom),
            "dependency:copy-dependencies",
            f"-DoutputDirectory={tmp}",
            "-DincludeScope=runtime",
        ],
        check=True,
    )
    if not any(tmp.glob("kafka_2.13-*.jar")):
        raise RuntimeError(f"Maven did not deliver the Kafka broker jar into {tmp}")
    shutil.rmtree(libs, ignore_errors=True)
    tmp.rename(libs)
    (libs / ".complete").write_text("ok")
    return libs


def broker_properties(
    node_id: int, port: int, controller_ports: dict[int, int], data: Path, admin_password: str | None = None
) -> str:
    """With `admin_password` (issue 12: the default of the local stack), the client listener takes
    SASL/SCRAM-SHA-512 only and the standard authorizer denies whatever no ACL allows; the super
    user `admin` is the broker itself (inter-broker) and the stack's tools. The controller listener
    stays PLAINTEXT on loopback (KRaft cannot authenticate it with SCRAM, whose users live in the
    metadata it serves): its anonymous principal is the node talking to its own controller."""
    voters = ",".join(f"{n}@127.0.0.1:{p}" for n, p in sorted(controller_ports.items()))
    replicas = min(3, len(controller_ports))
    if admin_password is None:
        listener = ["listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT"]
        scheme = "PLAINTEXT"
    else:
        scheme = "CLIENT"
        listener = [
            "listener.security.protocol.map=CONTROLLER:PLAINTEXT,CLIENT:SASL_PLAINTEXT",
            "sasl.enabled.mechanisms=SCRAM-SHA-512",
            "sasl.mechanism.inter.broker.protocol=SCRAM-SHA-512",
            "listener.name.client.scram-sha-512.sasl.jaas.config=org.apache.kafka.common.security.scram."
            f'ScramLoginModule required username="{ADMIN_USER}" password="{admin_password}";',
            "authorizer.class.name=org.apache.kafka.metadata.authorizer.StandardAuthorizer",
            "allow.everyone.if.no.acl.found=false",
            f"super.users=User:{ADMIN_USER};User:ANONYMOUS",
        ]
    return "\n".join(
        [
            "process.roles=broker,controller",
            f"node.id={node_id}",
            f"controller.quorum.voters={voters}",
            f"listeners={scheme}://127.0.0.1:{port},CONTROLLER://127.0.0.1:{controller_ports[node_id]}",
            f"advertised.listeners={scheme}://127.0.0.1:{port}",
            "controller.listener.names=CONTROLLER",
            *listener,
            f"inter.broker.listener.name={scheme}",
            f"log.dirs={data}",
            "num.partitions=3",
            f"default.replication.factor={replicas}",
            f"min.insync.replicas={max(1, replicas - 1)}",
            f"offsets.topic.replication.factor={replicas}",
            f"transaction.state.log.replication.factor={replicas}",
            f"transaction.state.log.min.isr={max(1, replicas - 1)}",
            "group.initial.rebalance.delay.ms=0",
            "auto.create.topics.enable=false",
            "log.retention.hours=-1",
            "",
        ]
    )


def broker(
    *,
    libs: Path,
    home: Path,
    node_id: int,
    port: int,
    controller_ports: dict[int, int],
    cluster_id: str,
    run_dir: Path,
    log_dir: Path,
    heap: str = "512m",
    admin_password: str | None = None,
) -> Managed:
    """A broker+controller node; formats its storage on first start, keeps data across restarts.
    With `admin_password` the super user `admin` is created with the storage (SCRAM users must exist
    before the broker authenticates anyone); the services' users are added later, over the API."""
    node_dir = home / f"node-{node_id}"
    data = node_dir / "data"
    node_dir.mkdir(parents=True, exist_ok=True)
    props = node_dir / "server.properties"
    props.write_text(broker_properties(node_id, port, controller_ports, data, admin_password))
    classpath = f"{libs}/*"
    if not (data / "meta.properties").exists():
        scram = (
            []
            if admin_password is None
            else ["--add-scram", f"SCRAM-SHA-512=[name={ADMIN_USER},password={admin_password}]"]
        )
        subprocess.run(
            ["java", "-cp", classpath, "kafka.tools.StorageTool", "format", "-t", cluster_id, "-c", str(props), *scram],
            check=True,
            stdout=subprocess.DEVNULL,
        )
    return Managed(
        name=f"kafka-{node_id}" if len(controller_ports) > 1 else "kafka",
        argv=[
            "java",
            f"-Xmx{heap}",
            f"-Xms{heap}",
            "-XX:+UseG1GC",
            f"-Dlog4j2.configurationFile={KAFKA_DIR / 'log4j2.properties'}",
            "-cp",
            classpath,
            "kafka.Kafka",
            str(props),
        ],
        run_dir=run_dir,
        log_dir=log_dir,
    )


def cluster_id(home: Path) -> str:
    """One cluster id per data folder, kept so that restarts reuse the formatted storage."""
    path = home / "cluster.id"
    if path.exists():
        return path.read_text().strip()
    home.mkdir(parents=True, exist_ok=True)
    cid = _kafka_uuid()
    path.write_text(cid)
    return cid


def _kafka_uuid() -> str:
    """A Kafka cluster id; never one starting with '-', which the storage tool reads as an option."""
    import base64

    while True:
        cid = base64.urlsafe_b64encode(uuid.uuid4().bytes).decode().rstrip("=")
        if cid[0] != "-":
            return cid
