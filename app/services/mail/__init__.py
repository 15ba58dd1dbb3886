"""Email through an outbox: queued in the request's transaction, sent after it commits."""
