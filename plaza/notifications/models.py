"""What a person is told about: notifications, and per kind how they want to hear of it.

A notification is written once per (recipient, dedupe key): the key names the event that
caused it, so an event delivered twice notifies once. Its text and link are fixed when it
is written; the link is always a path on this site.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q

MAX_TEXT_LENGTH = 300
MAX_URL_LENGTH = 500
MAX_DEDUPE_KEY_LENGTH = 100


class NotificationKind(models.TextChoices):
    """What happened. A new kind needs a default channel in DEFAULT_CHANNELS and a
    subscriber that calls ``services.notify``."""

    FRIEND_REQUEST = "friend_request", "Friend requests"
    FRIEND_ACCEPTED = "friend_accepted", "Accepted friend requests"
    ASK_RECEIVED = "ask_received", "Friends asking you"
    ASK_ANSWER = "ask_answer", "Answers to your asks"
    ASK_VOTE = "ask_vote", "Votes on your asks"
    ASK_CLOSED = "ask_closed", "Results of asks"
    SHARE_RECEIVED = "share_received", "Things shared with you"
    SHARE_COMMENT = "share_comment", "Comments on your shares"


class Channel(models.TextChoices):
    """How a person hears of one kind: on the site, on the site and by e-mail, or not at all."""

    IN_APP = "in_app", "In app"
    EMAIL = "email", "E-mail"
    OFF = "off", "Off"


# The channel of each kind for someone who never chose one.
DEFAULT_CHANNELS: dict[str, str] = {
    NotificationKind.FRIEND_REQUEST: Channel.IN_APP,
    NotificationKind.FRIEND_ACCEPTED: Channel.IN_APP,
    NotificationKind.ASK_RECEIVED: Channel.IN_APP,
    NotificationKind.ASK_ANSWER: Channel.IN_APP,
    NotificationKind.ASK_VOTE: Channel.IN_APP,
    NotificationKind.ASK_CLOSED: Channel.IN_APP,
    NotificationKind.SHARE_RECEIVED: Channel.IN_APP,
    NotificationKind.SHARE_COMMENT: Channel.IN_APP,
}


class Notification(models.Model):
    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    kind = models.CharField(max_length=32, choices=NotificationKind.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    text = models.CharField(max_length=MAX_TEXT_LENGTH)
    url = models.CharField(max_length=MAX_URL_LENGTH, help_text="A path on this site, e.g. /friends/.")
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)
    email_due = models.BooleanField(default=False, help_text="The recipient wants this kind by e-mail too.")
    emailed_at = models.DateTimeField(null=True, blank=True)
    dedupe_key = models.CharField(max_length=MAX_DEDUPE_KEY_LENGTH, help_text="The event it came from.")
    # What it is about ("ask:12", "share:7", "friend-request:3:9"): when that is deleted
    # or over, so is the notice.
    subject = models.CharField(max_length=64, blank=True, db_index=True)

    class Meta:
        ordering = ["-id"]
        constraints = [
            models.UniqueConstraint(fields=["recipient", "dedupe_key"], name="notification_once_per_event"),
            # A stored link is followed by a redirect: it must stay on this site.
            models.CheckConstraint(
                condition=Q(url__startswith="/") & ~Q(url__startswith="//") & ~Q(url__contains="\\"),
                name="notification_url_on_site",
            ),
        ]
        indexes = [
            models.Index(fields=["recipient", "-id"], name="notification_newest"),
            models.Index(fields=["recipient"], condition=Q(read_at__isnull=True), name="notification_unread"),
            models.Index(
                fields=["recipient"],
                condition=Q(email_due=True, emailed_at__isnull=True, read_at__isnull=True),
                name="notification_email_pending",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} for {self.recipient_id}: {self.text}"

    @property
    def is_unread(self) -> bool:
        return self.read_at is None


class NotificationPreference(models.Model):
    """A person's choice for one kind; absent means DEFAULT_CHANNELS applies."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_preferences")
    kind = models.CharField(max_length=32, choices=NotificationKind.choices)
    channel = models.CharField(max_length=16, choices=Channel.choices)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "kind"], name="notification_preference_once")]

    def __str__(self) -> str:
        return f"{self.user_id} {self.kind}: {self.channel}"
