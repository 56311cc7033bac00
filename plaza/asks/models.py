"""Asks: a question to one's circle about a product or a cart, with an optional poll.

An ask is seen by its audience (:class:`~plaza.social.audiences.HasAudience`, read through
``visible_to`` only). Votes are one row per person per ask (a unique constraint), so the
tallies are counted, never kept as counters that concurrent voters could get wrong.
``version`` goes up with every vote, answer and closing: it is the row every write to the
ask updates first, which queues concurrent writers behind each other, and it tells a
polling client whether anything changed.
"""

from django.conf import settings
from django.db import models

from plaza.catalog.models import Product, Variant
from plaza.social.audiences import HasAudience

MAX_QUESTION = 280
MAX_DETAILS = 2000
MAX_OPTION_LABEL = 80
MIN_OPTIONS = 2
MAX_OPTIONS = 10
MAX_ANSWER = 1000
MAX_ITEMS = 50


class PollKind(models.TextChoices):
    NONE = "none", "No poll"
    OPTIONS = "options", "Choose among options"
    YES_NO = "yes_no", "Yes / no / maybe"


class YesNo(models.TextChoices):
    """The options of a yes/no poll, in this order."""

    YES = "yes", "Yes"
    NO = "no", "No"
    MAYBE = "maybe", "Maybe"


class Ask(HasAudience):
    asker = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="asks")
    question = models.CharField(max_length=MAX_QUESTION)
    details = models.TextField(max_length=MAX_DETAILS, blank=True)
    # The product asked about; null for an ask about the cart (its lines are the items).
    product = models.ForeignKey(Product, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    poll_kind = models.CharField(max_length=10, choices=PollKind.choices, default=PollKind.NONE)
    deadline = models.DateTimeField()
    closed_at = models.DateTimeField(null=True, blank=True)
    # Null while open (or by the deadline, not yet closed by the task); the ask's outcome once closed.
    summary = models.JSONField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    audience_owner_field = "asker"

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["asker", "-created_at"], name="ask_asker_created_idx"),
            models.Index(fields=["deadline"], condition=models.Q(closed_at__isnull=True), name="ask_open_deadline_idx"),
        ]

    def __str__(self) -> str:
        return self.question


class AskItem(models.Model):
    """What the ask is about: variants of its product, or the lines of the asker's cart."""

    ask = models.ForeignKey(Ask, on_delete=models.CASCADE, related_name="items")
    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="+")
    variant = models.ForeignKey(Variant, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    quantity = models.PositiveIntegerField(default=1)
    position = models.PositiveIntegerField()

    class Meta:
        ordering = ["ask_id", "position"]


class PollOption(models.Model):
    ask = models.ForeignKey(Ask, on_delete=models.CASCADE, related_name="options")
    label = models.CharField(max_length=MAX_OPTION_LABEL)
    # Set for a yes/no poll ("yes", "no", "maybe"); empty for options the asker wrote.
    answer_code = models.CharField(max_length=5, choices=YesNo.choices, blank=True)
    # The variant the option stands for: the one "Add to cart" adds when it wins.
    variant = models.ForeignKey(Variant, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    position = models.PositiveIntegerField()

    class Meta:
        ordering = ["ask_id", "position"]
        constraints = [models.UniqueConstraint(fields=["ask", "position"], name="poll_option_position_once")]

    def __str__(self) -> str:
        return self.label


class Vote(models.Model):
    ask = models.ForeignKey(Ask, on_delete=models.CASCADE, related_name="votes")
    option = models.ForeignKey(PollOption, on_delete=models.CASCADE, related_name="votes")
    voter = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["ask", "voter"], name="one_vote_per_person_per_ask")]


class Answer(models.Model):
    ask = models.ForeignKey(Ask, on_delete=models.CASCADE, related_name="answers")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    text = models.TextField(max_length=MAX_ANSWER)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["ask_id", "id"]
