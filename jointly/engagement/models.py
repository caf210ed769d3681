"""Engagement and the feedback loop ("you said, we did").

* :class:`Feedback`: a comment from the public on a Local Offer or one of its entries. It records
  the commenter's category (regulation 56 of the SEND Regulations 2014 asks for comments to be
  summarised, identifying no one) and nothing that names them: no name, e-mail or address is asked
  for, and the comment is deleted after ``retain_until``.
* :class:`FeedbackTheme`: the partnership groups comments into themes.
* :class:`Response`: "you said, we did": what was heard (a theme) and what changed, linked to the
  intentions and services it changed; published ones appear on the public pages as the yearly
  summary of comments and the council's response.
* :class:`EngagementActivity`: consultations, surveys, forums and co-production groups: when,
  how many were reached by group (counts only), which intentions and services they concern, and
  what was heard.
"""

from __future__ import annotations

from django.db import models
from django.urls import reverse
from simple_history.models import HistoricalRecords

from jointly.core.models import Provenance, VersionedModel


class CommenterCategory(models.TextChoices):
    PARENT = "parent_carer", "Parent or carer"
    YOUNG_PERSON = "young_person", "Child or young person"
    PRACTITIONER = "practitioner", "Practitioner or professional"
    OTHER = "other", "Someone else"


class FeedbackTheme(VersionedModel):
    local_offer = models.ForeignKey("directory.LocalOffer", on_delete=models.CASCADE, related_name="themes")
    name = models.CharField(max_length=200)

    history = HistoricalRecords()
    public_fields = ("local_offer", "name")

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["local_offer", "name"], name="feedback_theme_unique")]

    def __str__(self) -> str:
        return self.name


class FeedbackStatus(models.TextChoices):
    NEW = "new", "New"
    THEMED = "themed", "Themed"
    CLOSED = "closed", "Closed"


class Feedback(Provenance, VersionedModel):
    local_offer = models.ForeignKey("directory.LocalOffer", on_delete=models.CASCADE, related_name="feedback")
    entry = models.ForeignKey(
        "directory.DirectoryEntry", null=True, blank=True, on_delete=models.SET_NULL, related_name="feedback"
    )
    category = models.CharField("who is commenting", max_length=16, choices=CommenterCategory.choices)
    comment = models.TextField(max_length=2000)
    received_on = models.DateField()
    theme = models.ForeignKey(
        FeedbackTheme, null=True, blank=True, on_delete=models.SET_NULL, related_name="feedback"
    )
    status = models.CharField(max_length=8, choices=FeedbackStatus.choices, default=FeedbackStatus.NEW)
    retain_until = models.DateField(help_text="The comment is deleted after this date")

    history = HistoricalRecords()
    public_fields = (
        "local_offer", "entry", "category", "received_on", "theme", "status", "retain_until",
        "illustrative", "source",
    )  # fmt: skip
    # Free text from the public may mention a child or family, whatever the form asks.
    sensitive_fields = ("comment",)

    class Meta:
        ordering = ["-received_on", "-id"]
        verbose_name_plural = "feedback"

    def __str__(self) -> str:
        return f"Feedback of {self.received_on:%d %b %Y} ({self.get_category_display()})"


class Response(Provenance, VersionedModel):
    local_offer = models.ForeignKey(
        "directory.LocalOffer", on_delete=models.CASCADE, related_name="responses"
    )
    theme = models.ForeignKey(
        FeedbackTheme, null=True, blank=True, on_delete=models.SET_NULL, related_name="responses"
    )
    you_said = models.TextField("you said")
    we_did = models.TextField("we did")
    intentions = models.ManyToManyField("intentions.Intention", blank=True, related_name="responses")
    services = models.ManyToManyField("services.Service", blank=True, related_name="responses")
    published = models.BooleanField(default=False, help_text="Shown on the public Local Offer")
    published_on = models.DateField(null=True, blank=True)

    history = HistoricalRecords(m2m_fields=[intentions, services])
    public_fields = (
        "local_offer", "theme", "you_said", "we_did", "intentions", "services", "published",
        "published_on", "illustrative", "source",
    )  # fmt: skip

    class Meta:
        ordering = ["-published_on", "-id"]

    def __str__(self) -> str:
        return self.you_said[:60]

    def get_absolute_url(self) -> str:
        return reverse("engagement:response", args=[self.local_offer.partnership.slug, self.pk])


class ActivityKind(models.TextChoices):
    CONSULTATION = "consultation", "Consultation"
    SURVEY = "survey", "Survey"
    FORUM = "forum", "Forum or patient group"
    COPRODUCTION = "coproduction", "Co-production group"
    EVENT = "event", "Event"


class EngagementActivity(Provenance, VersionedModel):
    partnership = models.ForeignKey(
        "partnerships.Partnership", on_delete=models.CASCADE, related_name="engagement_activities"
    )
    kind = models.CharField(max_length=16, choices=ActivityKind.choices)
    title = models.CharField(max_length=300)
    held_on = models.DateField(null=True, blank=True)
    young_people = models.PositiveIntegerField("children and young people reached", null=True, blank=True)
    parents_carers = models.PositiveIntegerField("parents and carers reached", null=True, blank=True)
    professionals = models.PositiveIntegerField("professionals reached", null=True, blank=True)
    others = models.PositiveIntegerField("others reached", null=True, blank=True)
    heard = models.TextField("what was heard (themes)", blank=True)
    intentions = models.ManyToManyField(
        "intentions.Intention", blank=True, related_name="engagement_activities"
    )
    services = models.ManyToManyField("services.Service", blank=True, related_name="engagement_activities")

    history = HistoricalRecords(m2m_fields=[intentions, services])
    public_fields = (
        "partnership", "kind", "title", "held_on", "young_people", "parents_carers", "professionals",
        "others", "heard", "intentions", "services", "illustrative", "source",
    )  # fmt: skip

    class Meta:
        ordering = ["-held_on", "title"]
        verbose_name_plural = "engagement activities"

    def __str__(self) -> str:
        return self.title
