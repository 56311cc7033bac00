"""Reactions to events: what the people concerned are told, and the live push of each notification.

Each notification's dedupe key is the event that caused it, so a redelivered event
notifies once.
"""

from plaza.accounts.models import User
from plaza.asks.models import Ask
from plaza.core.outbox import subscriber
from plaza.feed.models import Share
from plaza.notifications import services
from plaza.notifications.consumers import push_notification
from plaza.notifications.models import NotificationKind
from plaza.social.audiences import reached_user_ids


def _event_key(event) -> str:
    return f"{event.topic}:{event.pk}"


def _public_name(user_id: int) -> str | None:
    """The name to show, or None for someone gone since the event.

    Characters a notification's text may not hold become spaces, so an odd name cannot
    make the event fail on every redelivery."""
    user = User.objects.filter(pk=user_id).first()
    if user is None:
        return None
    return "".join(character if character.isprintable() else " " for character in user.public_name)


def _still_in_audience(posted, user_ids) -> list[int]:
    """The audience was read when the ask or share was made, the notice is written later (a
    worker's backlog can be hours): it goes only to those the audience reaches now, so a
    question never reaches someone taken out of the circle meanwhile (blocks are checked
    by ``notify``)."""
    if posted is None:
        return []
    reached = reached_user_ids(posted)
    return [user_id for user_id in user_ids if user_id in reached]


def _friend_request_subject(from_user_id: int, to_user_id: int) -> str:
    return f"friend-request:{from_user_id}:{to_user_id}"


@subscriber("friend.requested")
def friend_requested(event) -> None:
    sender_id = event.payload["from_user_id"]
    name = _public_name(sender_id)
    if name is not None:
        services.notify(
            event.payload["to_user_id"],
            NotificationKind.FRIEND_REQUEST,
            actor_id=sender_id,
            text=f"{name} wants to be your friend",
            url="/friends/",
            dedupe_key=_event_key(event),
            subject=_friend_request_subject(sender_id, event.payload["to_user_id"]),
        )


@subscriber("friend.request_withdrawn")
@subscriber("friend.request_declined")
def withdraw_notice_of_ended_request(event) -> None:
    """A request taken back or turned down is no longer news: its notice goes."""
    services.withdraw(_friend_request_subject(event.payload["from_user_id"], event.payload["to_user_id"]))


@subscriber("friend.accepted")
def friend_accepted(event) -> None:
    # user_id accepted; friend_id is the one who had asked. The request's "wants to be your
    # friend" is answered: it goes.
    accepter_id = event.payload["user_id"]
    services.withdraw(_friend_request_subject(event.payload["friend_id"], accepter_id))
    name = _public_name(accepter_id)
    if name is not None:
        services.notify(
            event.payload["friend_id"],
            NotificationKind.FRIEND_ACCEPTED,
            actor_id=accepter_id,
            text=f"{name} accepted your friend request",
            url=f"/people/{accepter_id}/",
            dedupe_key=_event_key(event),
        )


def _quoted(text: str, limit: int = 80) -> str:
    text = " ".join(text.split())
    return f"“{text if len(text) <= limit else text[: limit - 1] + '…'}”"


def _tell(recipient_id: int, kind: str, event, *, actor_id: int | None, text: str, url: str) -> None:
    services.notify(recipient_id, kind, actor_id=actor_id, text=text, url=url, dedupe_key=_event_key(event), subject=_subject(event))


def _subject(event) -> str:
    """The ask or share a notice is about, so that deleting it takes the notice along."""
    for key, name in (("ask_id", "ask"), ("share_id", "share")):
        if key in event.payload:
            return f"{name}:{event.payload[key]}"
    return ""


@subscriber("ask.deleted")
@subscriber("share.deleted")
def withdraw_notices_of_deleted(event) -> None:
    services.withdraw(_subject(event))


@subscriber("friend.removed")
def withdraw_notices_after_unfriending(event) -> None:
    one, other = event.payload["user_id"], event.payload["friend_id"]
    services.withdraw_out_of_reach([(one, other), (other, one)])


@subscriber("person.blocked")
def withdraw_notices_after_a_block(event) -> None:
    blocker, blocked = event.payload["blocker_id"], event.payload["blocked_id"]
    services.withdraw_out_of_reach([(blocker, blocked), (blocked, blocker)])


@subscriber("circle.members_removed")
def withdraw_notices_after_leaving_a_circle(event) -> None:
    owner = event.payload["owner_id"]
    services.withdraw_out_of_reach([(member, owner) for member in event.payload["member_ids"]])


@subscriber("ask.created")
def asked(event) -> None:
    asker_id = event.payload["asker_id"]
    name = _public_name(asker_id)
    if name is None:
        return
    ask = Ask.objects.filter(pk=event.payload["ask_id"]).first()
    for recipient_id in _still_in_audience(ask, event.payload["recipient_ids"]):
        _tell(
            recipient_id,
            NotificationKind.ASK_RECEIVED,
            event,
            actor_id=asker_id,
            text=f"{name} asks: {_quoted(event.payload['question'])}",
            url=f"/asks/{event.payload['ask_id']}/",
        )


@subscriber("ask.answered")
def ask_answered(event) -> None:
    author_id = event.payload["author_id"]
    name = _public_name(author_id)
    if name is not None:
        _tell(
            event.payload["asker_id"],
            NotificationKind.ASK_ANSWER,
            event,
            actor_id=author_id,
            text=f"{name} answered {_quoted(event.payload['question'])}",
            url=f"/asks/{event.payload['ask_id']}/#answer-{event.payload['answer_id']}",
        )


@subscriber("ask.voted")
def ask_voted(event) -> None:
    """A first vote is news to the asker; a changed mind is not."""
    if event.payload.get("previous_option_id") is not None:
        return
    voter_id = event.payload["voter_id"]
    name = _public_name(voter_id)
    if name is not None:
        _tell(
            event.payload["asker_id"],
            NotificationKind.ASK_VOTE,
            event,
            actor_id=voter_id,
            text=f"{name} voted on your ask",
            url=f"/asks/{event.payload['ask_id']}/",
        )


@subscriber("ask.closed")
def ask_closed(event) -> None:
    """Those who took part learn the outcome; the asker gets the summary when the deadline
    closed the ask (closing it early, they have just seen it)."""
    question = _quoted(event.payload["question"])
    url = f"/asks/{event.payload['ask_id']}/"
    outcome = _outcome(event.payload.get("summary") or {})
    if event.payload.get("closed_by_id") is None:
        _tell(event.payload["asker_id"], NotificationKind.ASK_CLOSED, event, actor_id=None, text=f"Your ask {question} is closed: {outcome}", url=url)
    for participant_id in event.payload.get("participant_ids", []):
        _tell(participant_id, NotificationKind.ASK_CLOSED, event, actor_id=event.payload["asker_id"], text=f"An ask you took part in is closed: {question}: {outcome}", url=url)


def _outcome(summary: dict) -> str:
    answers = summary.get("answer_count", 0)
    answered = f"{answers} answer{'s' if answers != 1 else ''}"
    winners = summary.get("winner_labels") or []
    if not winners:
        return answered
    votes = summary.get("votes", {}).get(str(summary["winner_option_ids"][0]), 0)
    return f"{' and '.join(winners)} won with {votes} of {summary.get('total_votes', 0)} votes, {answered}"


@subscriber("share.created")
def shared_with_me(event) -> None:
    """Only a share to chosen people is news to each of them; the rest simply shows in feeds."""
    author_id = event.payload["author_id"]
    name = _public_name(author_id)
    if name is None:
        return
    share = Share.objects.filter(pk=event.payload["share_id"]).first()
    for recipient_id in _still_in_audience(share, event.payload.get("people_ids", [])):
        _tell(
            recipient_id,
            NotificationKind.SHARE_RECEIVED,
            event,
            actor_id=author_id,
            text=f"{name} shared {event.payload['subject']} with you",
            url=f"/feed/shares/{event.payload['share_id']}/",
        )


@subscriber("share.commented")
def share_commented(event) -> None:
    author_id = event.payload["author_id"]
    name = _public_name(author_id)
    if name is not None:
        _tell(
            event.payload["share_author_id"],
            NotificationKind.SHARE_COMMENT,
            event,
            actor_id=author_id,
            text=f"{name} commented on what you shared",
            url=f"/feed/shares/{event.payload['share_id']}/#comments",
        )


@subscriber("notification.created", live=True)
def push_live(event) -> None:
    push_notification(event.payload["notification_id"])
