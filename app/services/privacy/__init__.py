"""Personal data over its life: the audit trail, the register of personal data, retention
settings, the purge, and people's requests for their data (export, erasure)."""
