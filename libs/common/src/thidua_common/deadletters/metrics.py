"""`thidua_dead_letters_total{topic,reason}`: dead letters a service wrote since it started, by
dead-letter topic and reason code. Labels stay bounded: topics are the registry's, reasons are
catalogue keys (the code of a reason, never its message)."""

from prometheus_client import CollectorRegistry, Counter


class DeadLetterCounter:
    def __init__(self, registry: CollectorRegistry | None):
        self.counter = Counter(
            "thidua_dead_letters",
            "Dead letters written since the service started, by dead-letter topic and reason code",
            ["topic", "reason"],
            registry=registry,
        )

    def __call__(self, topic: str, reason: str) -> None:
        self.counter.labels(topic, reason).inc()
