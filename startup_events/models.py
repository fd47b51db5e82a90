"""Entrepreneurship events (创业活动) of the 2020 report, section 一(三): financing fairs (融资集市) and
poverty-finance / bank-enterprise matching events (扶贫融资对接, 银企对接), contests (the 中国创翼 selection
round, 创梦天府) and salons (创业沙龙).

An event is published for registration, held, then closed (or cancelled). People and enterprises of the registry
register (online themselves, or at the desk through staff); the live registration (not cancelled) is unique per
participant and event (a database constraint) and never beyond the capacity (the event row is locked while a seat
is taken). Once the event is full a registration waits (候补) and is moved up, earliest first, when a registered
participant cancels before the event; a cancelled registration stays on record.
A fair records its banks, the intentions signed there (意向金额) and the guaranteed loans that resulted; a
contest its rounds, the judges' scores and the awards. Money is yuan with 2 places.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

MONEY = {"max_digits": 14, "decimal_places": 2}


class EventType(models.TextChoices):
    FAIR = "fair", _("Financing fair (融资集市)")
    MATCHING = "matching", _("Bank-enterprise / poverty-finance matching (银企对接)")
    CONTEST = "contest", _("Entrepreneurship contest (创业大赛)")
    SALON = "salon", _("Entrepreneurship salon (创业沙龙)")


FINANCE_TYPES = (EventType.FAIR, EventType.MATCHING)


class EventStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    OPEN = "open", _("Open for registration")
    HELD = "held", _("Held")
    CLOSED = "closed", _("Closed")
    CANCELLED = "cancelled", _("Cancelled")


class Event(models.Model):
    ref = models.CharField(_("reference"), max_length=24, unique=True)
    title = models.CharField(_("title"), max_length=200)
    event_type = models.CharField(_("type"), max_length=16, choices=EventType.choices)
    organiser = models.CharField(_("organiser"), max_length=128)
    held_on = models.DateField(_("date"))
    place = models.CharField(_("place"), max_length=200)
    region = models.ForeignKey("registry.Region", on_delete=models.PROTECT, verbose_name=_("district"))
    capacity = models.PositiveIntegerField(_("capacity"))
    description = models.TextField(_("description"), blank=True)
    status = models.CharField(_("status"), max_length=16, choices=EventStatus.choices, default=EventStatus.DRAFT)
    version = models.PositiveIntegerField(default=1)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-held_on", "-id"]
        verbose_name = _("entrepreneurship event")
        verbose_name_plural = _("entrepreneurship events")
        permissions = [("manage_event", "Can organise entrepreneurship events and record their outcomes"),
                       ("score_contest", "Can score contest entries as a judge")]
        constraints = [models.CheckConstraint(condition=Q(capacity__gt=0), name="event_capacity_positive")]
        indexes = [models.Index(fields=["region", "held_on"], name="event_region_date_idx")]

    def __str__(self):
        return self.title

    @property
    def is_finance(self) -> bool:
        return self.event_type in FINANCE_TYPES

    @property
    def is_contest(self) -> bool:
        return self.event_type == EventType.CONTEST


class Channel(models.TextChoices):
    ONLINE = "online", _("Online")
    DESK = "desk", _("At the desk (walk-in)")


class RegistrationStatus(models.TextChoices):
    REGISTERED = "registered", _("Registered")
    WAITING = "waiting", _("Waiting list")
    CANCELLED = "cancelled", _("Cancelled")
    # Still waiting when registration ended (the event was held or cancelled): no seat freed up in time.
    UNPLACED = "unplaced", _("Not placed")


# Live registrations hold a seat or a place on the waiting list; a cancelled one is history.
LIVE = Q(status__in=(RegistrationStatus.REGISTERED, RegistrationStatus.WAITING))


class Registration(models.Model):
    """A person or an enterprise of the registry taking part in an event (registered), waiting for a seat,
    having cancelled (kept on record with who cancelled and when), or left waiting when registration ended."""

    event = models.ForeignKey(Event, on_delete=models.PROTECT, related_name="registrations")
    person = models.ForeignKey("registry.Person", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    enterprise = models.ForeignKey("registry.Enterprise", on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+")
    name = models.CharField(_("participant"), max_length=128)
    project = models.CharField(_("project"), max_length=200, blank=True)
    channel = models.CharField(_("channel"), max_length=8, choices=Channel.choices)
    registered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    registered_at = models.DateTimeField(auto_now_add=True)
    attended = models.BooleanField(_("attended"), default=False)
    attendance_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                      related_name="+")
    status = models.CharField(_("registration status"), max_length=12, choices=RegistrationStatus.choices,
                              default=RegistrationStatus.REGISTERED)
    promoted_at = models.DateTimeField(_("moved up from the waiting list"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    cancelled_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                     related_name="+")

    class Meta:
        ordering = ["registered_at", "id"]
        verbose_name = _("registration")
        verbose_name_plural = _("registrations")
        constraints = [
            models.CheckConstraint(condition=Q(person__isnull=False, enterprise__isnull=True)
                                   | Q(person__isnull=True, enterprise__isnull=False),
                                   name="registration_one_participant"),
            # Only live registrations count: a participant who cancelled may register again.
            models.UniqueConstraint(fields=["event", "person"], condition=Q(person__isnull=False) & LIVE,
                                    name="registration_once_per_person"),
            models.UniqueConstraint(fields=["event", "enterprise"], condition=Q(enterprise__isnull=False) & LIVE,
                                    name="registration_once_per_enterprise"),
            models.CheckConstraint(condition=Q(attended=False) | Q(status=RegistrationStatus.REGISTERED),
                                   name="registration_attended_only_if_registered"),
            models.CheckConstraint(condition=Q(status=RegistrationStatus.CANCELLED, cancelled_at__isnull=False)
                                   | (~Q(status=RegistrationStatus.CANCELLED) & Q(cancelled_at__isnull=True)),
                                   name="registration_cancelled_has_time"),
        ]
        indexes = [models.Index(fields=["event", "status", "registered_at"], name="registration_event_status_idx")]

    def __str__(self):
        return self.name


class EventBank(models.Model):
    """A cooperating bank taking part in a fair or matching event."""

    event = models.ForeignKey(Event, on_delete=models.PROTECT, related_name="banks")
    bank = models.ForeignKey("entrepreneurship.CooperatingBank", on_delete=models.PROTECT, related_name="+",
                             verbose_name=_("bank"))

    class Meta:
        ordering = ["bank__name"]
        constraints = [models.UniqueConstraint(fields=["event", "bank"], name="event_bank_once")]


class Intention(models.Model):
    """A financing intention signed at the event (意向金额) between a participant and a bank."""

    event = models.ForeignKey(Event, on_delete=models.PROTECT, related_name="intentions")
    registration = models.ForeignKey(Registration, on_delete=models.PROTECT, related_name="intentions")
    bank = models.ForeignKey("entrepreneurship.CooperatingBank", on_delete=models.PROTECT, related_name="+",
                             verbose_name=_("bank"))
    amount = models.DecimalField(_("intended amount"), **MONEY)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="intention_amount_positive"),
            models.UniqueConstraint(fields=["registration", "bank"], name="intention_once_per_bank"),
        ]


class EventLoan(models.Model):
    """A guaranteed loan of an attendee that resulted from the event. A loan counts for one event only."""

    event = models.ForeignKey(Event, on_delete=models.PROTECT, related_name="loans")
    registration = models.ForeignKey(Registration, on_delete=models.PROTECT, related_name="loans")
    loan = models.OneToOneField("entrepreneurship.Loan", on_delete=models.PROTECT, related_name="event_link")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]


class ContestRound(models.Model):
    event = models.ForeignKey(Event, on_delete=models.PROTECT, related_name="rounds")
    seq = models.PositiveSmallIntegerField(_("order"))
    name = models.CharField(_("round"), max_length=100)

    class Meta:
        ordering = ["seq"]
        constraints = [models.UniqueConstraint(fields=["event", "seq"], name="contest_round_seq_unique")]

    def __str__(self):
        return self.name


class Score(models.Model):
    """One judge's score of one entry in one round (0-100): a judge scores an entry once per round."""

    round = models.ForeignKey(ContestRound, on_delete=models.PROTECT, related_name="scores")
    registration = models.ForeignKey(Registration, on_delete=models.PROTECT, related_name="scores")
    judge = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    score = models.DecimalField(_("score"), max_digits=5, decimal_places=2)
    scored_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["round__seq", "id"]
        constraints = [
            models.UniqueConstraint(fields=["round", "registration", "judge"], name="score_once_per_judge"),
            models.CheckConstraint(condition=Q(score__gte=0, score__lte=100), name="score_in_range"),
        ]


class AwardLevel(models.TextChoices):
    FIRST = "first", _("First prize")
    SECOND = "second", _("Second prize")
    THIRD = "third", _("Third prize")
    EXCELLENCE = "excellence", _("Excellence award")


AWARD_ORDER = {level: n for n, level in enumerate(AwardLevel.values)}


class Award(models.Model):
    """A prize of a contest. The bonus is entered per award: no source gives Guangyuan's amounts."""

    event = models.ForeignKey(Event, on_delete=models.PROTECT, related_name="awards")
    registration = models.OneToOneField(Registration, on_delete=models.PROTECT, related_name="award")
    level = models.CharField(_("prize"), max_length=16, choices=AwardLevel.choices)
    bonus = models.DecimalField(_("bonus (yuan)"), default=0, **MONEY)
    awarded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    awarded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]
        constraints = [models.CheckConstraint(condition=Q(bonus__gte=0), name="award_bonus_not_negative")]
