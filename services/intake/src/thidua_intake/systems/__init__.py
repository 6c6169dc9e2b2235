"""Issue 12: outside systems as Kafka clients. Each has its own SCRAM user that may only write its
own inbound topic thidua.inbound.<system>.v1, and a scope recorded here (tenants, units, event
kinds); intake learns the system of a record from its topic and refuses what lies outside."""
