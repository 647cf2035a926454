"""Administration: users and roles, reference data, the mail outbox, the audit log."""
