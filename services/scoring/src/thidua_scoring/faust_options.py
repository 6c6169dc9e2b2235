"""How scoring's faust app consumes, in one place: the app (app.py) and the pipeline benchmark's
bare-faust baseline (bench/) build their faust.App from these, so the baseline measures faust as
scoring runs it. Only options that do not depend on the environment: the broker, its credentials
and logging are the caller's."""

from typing import Any


def consumer_options() -> dict[str, Any]:
    """faust.App keyword arguments: raw bytes in and out, no local state, offsets committed often."""
    return {
        "value_serializer": "raw",
        "key_serializer": "raw",
        "store": "memory://",
        "web_enabled": False,
        "topic_replication_factor": 1,
        "topic_allow_declare": False,
        "consumer_auto_offset_reset": "earliest",
        "broker_commit_every": 100,
        "broker_commit_interval": 1.0,
        # a crashed worker's partitions move to a new one after this, not after faust's 60 s default
        "broker_session_timeout": 10.0,
        "broker_heartbeat_interval": 3.0,
        "worker_redirect_stdouts": False,
    }
