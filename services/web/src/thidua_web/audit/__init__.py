"""The auditor's pages: the audit trail with filters, hash links, the chain verified (issue 11)."""
