# The outbox relay runs often so that mail held back by a broker outage goes out within
# seconds of Redis coming back; each run is one indexed query when there is nothing to do.
RELAY_INTERVAL = 10.0

BEAT_SCHEDULE = {
    "notifications-requeue-pending": {"task": "notifications.tasks.requeue_pending_messages", "schedule": RELAY_INTERVAL},
}
