"""Transactional outbox: events are written in the same MongoDB transaction as the state they
describe, then relayed to Kafka; so an accepted request is never lost and never half-written."""
