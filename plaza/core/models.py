from django.db import models


class OutboxEvent(models.Model):
    """A domain event, written in the same transaction as the change it describes.

    Delivery is at-least-once: a subscriber may see an event twice (a dispatcher killed
    mid-batch redelivers the batch), so subscribers must tolerate it.
    """

    # Not indexed: nothing reads events by topic, and every write of every app pays for
    # each index of this table.
    topic = models.CharField(max_length=100)
    payload = models.JSONField(default=dict)
    created_at = models.DateTimeField(auto_now_add=True)
    # When every subscriber had its first run; one that failed is retried from its
    # FailedDelivery row.
    delivered_at = models.DateTimeField(null=True, blank=True)

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


class FailedDelivery(models.Model):
    """One subscriber that failed on one event: retried with backoff, apart from the
    event's other subscribers, until it succeeds (the row goes) or runs out of attempts
    (a dead letter the operator can retry from the admin)."""

    event = models.ForeignKey(OutboxEvent, on_delete=models.CASCADE, related_name="failed_deliveries")
    # The handler's dotted path, as core.outbox names it.
    subscriber = models.CharField(max_length=255)
    attempts = models.PositiveIntegerField(default=1)
    last_error = models.TextField(blank=True)
    failed_at = models.DateTimeField(auto_now=True)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    given_up_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["id"]
        verbose_name_plural = "failed deliveries"
        constraints = [
            models.UniqueConstraint(fields=["event", "subscriber"], name="one_failure_per_event_and_subscriber"),
        ]
        indexes = [
            models.Index(
                fields=["next_attempt_at"],
                name="outbox_retry_due_idx",
                condition=models.Q(given_up_at__isnull=True),
            )
        ]

    def __str__(self) -> str:
        return f"{self.subscriber} on {self.event}"
