"""Every write to notifications: creating one as the recipient's preference says, marking
them read, choosing channels, and claiming the ones due by e-mail for the batched send.

A person only ever touches their own notifications: ids of someone else's are ignored
(in bulk) or not found (one by one).
"""

import logging

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme

from plaza.accounts.models import User
from plaza.asks.models import Ask
from plaza.core.errors import InvalidInput
from plaza.core.outbox import record_event
from plaza.core.text import clean_text
from plaza.feed.models import Share
from plaza.notifications import emails, selectors
from plaza.notifications.models import (
    MAX_DEDUPE_KEY_LENGTH,
    MAX_TEXT_LENGTH,
    MAX_URL_LENGTH,
    Channel,
    Notification,
    NotificationKind,
    NotificationPreference,
)
from plaza.social.audiences import can_see
from plaza.social.selectors import blocked_either_way

logger = logging.getLogger(__name__)

MAX_IDS_PER_CALL = 100
# One e-mail carries at most this many notifications; the rest go in the next run's.
MAX_CLAIMED_PER_EMAIL = 1000
MAX_RECIPIENTS_PER_RUN = 500


def is_site_path(url: str) -> bool:
    """A path on this site (``/friends/``), never a link elsewhere (``//evil``, ``https://…``)."""
    return (
        url.startswith("/")
        and not url.startswith("//")
        and "\\" not in url
        and url_has_allowed_host_and_scheme(url, allowed_hosts=set(), require_https=False)
    )


def _validated_notification(kind, text, url, dedupe_key) -> dict:
    errors: dict[str, list[str]] = {}
    cleaned: dict[str, str] = {}
    if kind not in NotificationKind.values:
        errors["kind"] = ["Unknown kind of notification."]
    for field, value, limit in (("text", text, MAX_TEXT_LENGTH), ("url", url, MAX_URL_LENGTH), ("dedupe_key", dedupe_key, MAX_DEDUPE_KEY_LENGTH)):
        try:
            cleaned[field] = clean_text(value, max_length=limit, required=True, label=field.capitalize())
        except ValueError as error:
            errors[field] = [str(error)]
    if "url" in cleaned and not is_site_path(cleaned["url"]):
        errors["url"] = ["Use a path on this site, starting with a single /."]
    if errors:
        raise InvalidInput("The notification is not valid.", fields=errors)
    return cleaned


@transaction.atomic
def notify(
    recipient_id: int, kind: str, *, actor_id: int | None, text: str, url: str, dedupe_key: str, subject: str = ""
) -> Notification | None:
    """Tell someone what happened, the way their preference for the kind says.

    Returns the notification (the one an earlier delivery of the same event wrote, if
    any), or None when nothing is to be said: the kind is off for them, a block stands
    between them and the actor, the actor is themselves, or they are gone.
    """
    cleaned = _validated_notification(kind, text, url, dedupe_key)
    recipient = User.objects.filter(pk=recipient_id, is_active=True).first()
    if recipient is None or actor_id == recipient_id:
        return None
    if actor_id is not None and blocked_either_way(recipient, actor_id):
        return None
    earlier = Notification.objects.filter(recipient=recipient, dedupe_key=cleaned["dedupe_key"]).first()
    if earlier is not None:
        return earlier
    channel = selectors.channel_for(recipient.pk, kind)
    if channel == Channel.OFF:
        return None
    try:
        with transaction.atomic():
            notification = Notification.objects.create(
                recipient=recipient, kind=kind, actor_id=actor_id, email_due=channel == Channel.EMAIL, subject=subject, **cleaned
            )
    except IntegrityError:  # the same event, delivered twice at once: the other delivery wrote it
        return Notification.objects.get(recipient=recipient, dedupe_key=cleaned["dedupe_key"])
    record_event("notification.created", {"notification_id": notification.pk, "recipient_id": recipient.pk})
    return notification


_SUBJECT_MODELS = {"ask": Ask, "share": Share}


def withdraw_out_of_reach(pairs: list[tuple[int, int]]) -> int:
    """After an unfriending, a block or a removal from a circle: each (recipient, actor)
    pair's notices about an ask or share the recipient can no longer see go, so none
    quotes what they may not read or links to a page that is now a 404. Returns how many
    went."""
    gone = []
    for recipient_id, actor_id in pairs:
        notices = Notification.objects.filter(recipient_id=recipient_id, actor_id=actor_id).exclude(subject="")
        recipient = User.objects.filter(pk=recipient_id).first()
        for notice in notices.only("pk", "subject"):
            kind, _, subject_id = notice.subject.partition(":")
            model = _SUBJECT_MODELS.get(kind)
            if model is None or recipient is None:
                continue
            subject = model.objects.filter(pk=int(subject_id)).first()
            if subject is None or not can_see(recipient, subject):
                gone.append(notice.pk)
    return Notification.objects.filter(pk__in=gone).delete()[0] if gone else 0


def withdraw(subject: str) -> int:
    """What was said about something now deleted goes: its text quoted it, its link leads nowhere,
    and it is not e-mailed later. Returns how many notices went."""
    if not subject:
        return 0
    deleted, _ = Notification.objects.filter(subject=subject).delete()
    return deleted


def _validated_ids(ids) -> list[int]:
    if not isinstance(ids, list | tuple) or not ids:
        raise InvalidInput("Say which notifications.", fields={"ids": ["Give at least one notification id."]})
    if len(ids) > MAX_IDS_PER_CALL:
        raise InvalidInput("Too many notifications at once.", fields={"ids": [f"Give at most {MAX_IDS_PER_CALL} ids."]})
    if not all(isinstance(value, int) and not isinstance(value, bool) and value >= 1 for value in ids):
        raise InvalidInput("Some ids are not valid.", fields={"ids": ["Ids are positive whole numbers."]})
    return list(ids)


@transaction.atomic
def mark_read(user, ids) -> int:
    """Mark some of the user's notifications read; others' ids are ignored. Returns how many changed."""
    return Notification.objects.filter(recipient=user, pk__in=_validated_ids(ids), read_at__isnull=True).update(
        read_at=timezone.now()
    )


@transaction.atomic
def mark_all_read(user) -> int:
    return Notification.objects.filter(recipient=user, read_at__isnull=True).update(read_at=timezone.now())


def _preference_errors(kind, channel) -> dict[str, list[str]]:
    errors = {}
    if kind not in NotificationKind.values:
        errors["kind"] = [f"Unknown kind: choose one of {', '.join(NotificationKind.values)}."]
    if channel not in Channel.values:
        errors["channel"] = [f"Unknown channel: choose one of {', '.join(Channel.values)}."]
    return errors


@transaction.atomic
def set_preferences(user, channels: dict[str, str]) -> None:
    """Choose the channel of several kinds at once: all are valid and saved, or none.

    Errors are keyed by kind (the field of the preferences form). A kind no longer
    e-mailed drops its notifications still waiting for the e-mail.
    """
    errors = {}
    for kind, channel in channels.items():
        problems = _preference_errors(kind, channel)
        if problems:
            errors[str(kind)] = [message for messages in problems.values() for message in messages]
    if errors:
        raise InvalidInput("Some choices are not valid.", fields=errors)
    for kind, channel in channels.items():
        NotificationPreference.objects.update_or_create(user=user, kind=kind, defaults={"channel": channel})
        if channel != Channel.EMAIL:
            Notification.objects.filter(recipient=user, kind=kind, email_due=True, emailed_at__isnull=True).update(email_due=False)


def set_preference(user, kind, channel) -> None:
    errors = _preference_errors(kind, channel)
    if errors:
        raise InvalidInput("That choice is not valid.", fields=errors)
    set_preferences(user, {kind: channel})


# --- the batched e-mail -----------------------------------------------------------------


def _due_by_email():
    # Read ones are not e-mailed: the person has seen them already.
    return Notification.objects.filter(email_due=True, emailed_at__isnull=True, read_at__isnull=True)


@transaction.atomic
def _claim_due(recipient_id: int) -> list[Notification]:
    """Take the recipient's notifications due by e-mail, marking them e-mailed.

    Another worker running at the same moment skips the rows this one locked
    (PostgreSQL), or waits for this transaction and then finds them taken (SQLite's
    transactions are IMMEDIATE, one writer at a time): each is claimed exactly once.
    """
    due = list(
        _due_by_email()
        .select_for_update(skip_locked=True)
        .filter(recipient_id=recipient_id)
        .order_by("-id")[:MAX_CLAIMED_PER_EMAIL]
    )
    if due:
        claimed_at = timezone.now()
        Notification.objects.filter(pk__in=[notification.pk for notification in due]).update(emailed_at=claimed_at)
        for notification in due:
            notification.emailed_at = claimed_at
    return due


def _release(claimed: list[Notification]) -> None:
    """Hand back what could not be sent, for the next run."""
    Notification.objects.filter(pk__in=[notification.pk for notification in claimed]).update(emailed_at=None)


def send_due_emails() -> int:
    """One e-mail per person listing their notifications due by e-mail. Returns e-mails sent.

    Rows are claimed in a short transaction and the e-mail sent after it commits, so no
    lock is held while talking to the mail server; a failed send releases its claim.
    """
    recipient_ids = list(
        _due_by_email()
        .filter(recipient__is_active=True)
        .order_by("recipient_id")
        .values_list("recipient_id", flat=True)
        .distinct()[:MAX_RECIPIENTS_PER_RUN]
    )
    recipients = User.objects.in_bulk(recipient_ids)
    sent = 0
    for recipient_id in recipient_ids:
        claimed = _claim_due(recipient_id)
        if not claimed:
            continue
        try:
            emails.send_digest(recipients[recipient_id], claimed)
        except Exception:
            logger.exception("could not e-mail %d notifications to user %s", len(claimed), recipient_id)
            _release(claimed)
            continue
        sent += 1
    return sent
