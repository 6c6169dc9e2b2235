"""Append-only, hash-chained audit trail of every state change in intake: outbox.store.add writes
one record per event in the same transaction as the change, and `thidua-audit verify` walks the
chain."""
