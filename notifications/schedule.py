BEAT_SCHEDULE = {
    "notifications-requeue-pending": {"task": "notifications.tasks.requeue_pending_messages", "schedule": 300.0},
}
