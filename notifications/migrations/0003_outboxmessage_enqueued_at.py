from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("notifications", "0002_outboxmessage_lease_expires_at_mailpreference"),
    ]

    operations = [
        migrations.AddField(
            model_name="outboxmessage",
            name="enqueued_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
        # The relay looks for pending rows never handed to the broker.
        migrations.AddIndex(
            model_name="outboxmessage",
            index=models.Index(condition=models.Q(("status", "pending")), fields=["enqueued_at", "updated_at"],
                               name="outbox_pending_relay_idx"),
        ),
    ]
