from django.db import models


class OutboxEvent(models.Model):
    """A domain event, written in the same transaction as the change it describes.

    Delivery is at-least-once: an event stays pending until every subscriber has run,
    so subscribers must tolerate seeing an event twice.
    """

    # Not indexed: nothing reads events by topic, and every write of every app pays for
    # each index of this table.
    topic = models.CharField(max_length=100)
    payload = models.JSONField(default=dict)
    created_at = models.DateTimeField(auto_now_add=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True)
    # The transaction that recorded it: one delivery task per batch (see core.outbox).
    batch = models.UUIDField(null=True, blank=True, editable=False, db_index=True)

    class Meta:
        ordering = ["id"]
        indexes = [
            models.Index(
                fields=["id"],
                name="outbox_pending_idx",
                condition=models.Q(delivered_at__isnull=True),
            )
        ]

    def __str__(self) -> str:
        return f"{self.topic} #{self.pk}"
