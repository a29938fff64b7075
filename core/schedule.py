BEAT_SCHEDULE = {
    "core-purge-idempotency-keys": {"task": "core.tasks.purge_idempotency_keys", "schedule": 3600.0},
}
