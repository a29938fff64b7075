# Reminders of due steps (7 and 1 days before): once an hour, each reminder sent once
# (its idempotency key), so a beat that runs late or twice changes nothing.
BEAT_SCHEDULE = {
    "awards-due-reminders": {"task": "awards.tasks.send_due_reminders", "schedule": 3600.0},
}
