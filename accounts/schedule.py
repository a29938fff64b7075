BEAT_SCHEDULE = {
    "accounts-prune-login-failures": {"task": "accounts.tasks.prune_login_failures", "schedule": 3600.0},
}
