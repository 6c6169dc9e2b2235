"""intake: the only way data enters Thi Đua (HTTP API and the inbound Kafka topic)."""
