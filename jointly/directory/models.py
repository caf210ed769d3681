"""The public Local Offer: a council's directory of services for children and young people with
special educational needs and disabilities (0 to 25), drawn from the services partnerships commission.

* :class:`LocalOffer` belongs to a council (one per local authority). It shows the published
  services of every partnership that serves one of its areas (RESOLUTIONS 23). ``partnership`` is the
  partnership whose members keep the Local Offer itself (its feedback and responses).
* :class:`DirectoryEntry` is the public face of one :class:`~jointly.services.models.Service`: how
  to get it, cost, languages, accessibility, a published contact and the date it was last checked.
  Only entries of services marked published appear; nothing about contracts, values or KPIs.
* :class:`Location` and :class:`Schedule` say where and when (a confidential service or location,
  such as a refuge, never shows its address anywhere public).
* :class:`ChangeProposal`: a provider proposes changes to its own entry; another person of the
  partnership approves them (four eyes) before they go live.
* :class:`InformationPage`: what the council publishes beyond services, under the headings the SEND
  Regulations 2014 (Schedule 2) require (schools, how to ask for an EHC needs assessment, mediation,
  tribunal...): plain text, escaped when shown, public only while published.
"""

from __future__ import annotations

import uuid

from django.db import models
from django.db.models import Q
from django.urls import reverse
from simple_history.models import HistoricalRecords

from jointly.core.models import Provenance, VersionedModel, recorded_person
from jointly.directory import facts, text


class LocalOffer(VersionedModel):
    slug = models.SlugField(max_length=80, unique=True)
    name = models.CharField(max_length=200)
    council = models.ForeignKey(
        "partnerships.Organisation", on_delete=models.PROTECT, related_name="local_offers"
    )
    partnership = models.ForeignKey(
        "partnerships.Partnership",
        on_delete=models.PROTECT,
        related_name="local_offers",
        help_text="The partnership whose members keep this Local Offer's feedback and responses",
    )
    areas = models.ManyToManyField(
        "partnerships.Area", related_name="local_offers", help_text="The council's area and areas inside it"
    )
    introduction = models.TextField(blank=True)
    freshness_days = models.PositiveSmallIntegerField(
        "freshness window (days)",
        default=facts.DEFAULT_FRESHNESS_DAYS,
        help_text="Entries not checked within this many days are shown as possibly out of date",
    )

    history = HistoricalRecords(m2m_fields=[areas])
    public_fields = ("slug", "name", "council", "partnership", "areas", "introduction", "freshness_days")

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("directory_public:search", args=[self.slug])


class SendNeed(models.TextChoices):
    """The four broad areas of need of the SEND Code of Practice (2015, 5.32 and 6.28)."""

    COMMUNICATION = "communication", "Communication and interaction"
    COGNITION = "cognition", "Cognition and learning"
    SEMH = "semh", "Social, emotional and mental health"
    SENSORY = "sensory", "Sensory and/or physical"


class DirectoryEntry(Provenance, VersionedModel):
    service = models.OneToOneField(
        "services.Service", on_delete=models.CASCADE, related_name="directory_entry"
    )
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    owner = models.ForeignKey(
        "partnerships.Organisation",
        on_delete=models.PROTECT,
        related_name="directory_entries",
        help_text="The organisation that keeps this entry current (usually the provider)",
    )
    how_to_access = models.TextField("how to get it", blank=True)
    self_referral = models.BooleanField("families can refer themselves", default=False)
    eligibility = models.TextField("who it is for", blank=True)
    send_needs = models.CharField(
        "SEND needs", max_length=100, blank=True, help_text="Comma-separated: " + ", ".join(SendNeed.values)
    )
    cost_free = models.BooleanField("free to use", default=True)
    cost_description = models.CharField("cost", max_length=300, blank=True)
    languages = models.CharField(max_length=300, blank=True, help_text="Comma-separated, e.g. English, BSL")
    accessibility = models.TextField(blank=True)
    contact_name = models.CharField(
        max_length=200, blank=True, help_text="A team or role; a person's name only if they agree"
    )
    contact_email = models.EmailField(blank=True)
    contact_phone = models.CharField(max_length=40, blank=True)
    website = models.URLField(blank=True)
    confidential = models.BooleanField(
        default=False, help_text="Refuges and similar: no address is ever published for this service"
    )
    contact_instructions = models.TextField(
        "how to make contact instead", blank=True, help_text="Shown when the service is confidential"
    )
    last_checked = models.DateField(null=True, blank=True)

    history = HistoricalRecords()
    public_fields = (
        "service", "uuid", "owner", "how_to_access", "self_referral", "eligibility", "send_needs",
        "cost_free", "cost_description", "languages", "accessibility", "website", "confidential",
        "contact_instructions", "last_checked", "illustrative", "source",
    )  # fmt: skip
    # A published contact may name a person: personal data, published only with their agreement.
    personal_fields = ("contact_name", "contact_email", "contact_phone")

    class Meta:
        ordering = ["service__name"]
        verbose_name_plural = "directory entries"

    def __str__(self) -> str:
        return self.service.name

    @property
    def send_need_list(self) -> list[str]:
        return [n for n in SendNeed.values if n in {s.strip() for s in self.send_needs.split(",")}]

    @property
    def send_need_labels(self) -> list[str]:
        labels = dict(SendNeed.choices)
        return [labels[n] for n in self.send_need_list]

    @property
    def language_list(self) -> list[str]:
        return [x.strip() for x in self.languages.split(",") if x.strip()]


class Location(Provenance, VersionedModel):
    entry = models.ForeignKey(DirectoryEntry, on_delete=models.CASCADE, related_name="locations")
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    name = models.CharField(max_length=200)
    address_1 = models.CharField("address", max_length=200, blank=True)
    city = models.CharField("town or city", max_length=100, blank=True)
    postcode = models.CharField(max_length=10, blank=True)
    postcode_district = models.CharField(max_length=4, blank=True, editable=False, db_index=True)
    latitude = models.DecimalField(max_digits=8, decimal_places=5, null=True, blank=True)
    longitude = models.DecimalField(max_digits=8, decimal_places=5, null=True, blank=True)
    confidential = models.BooleanField(default=False, help_text="Never publish this address")

    history = HistoricalRecords()
    public_fields = (
        "entry", "uuid", "name", "address_1", "city", "postcode", "postcode_district", "latitude",
        "longitude", "confidential", "illustrative", "source",
    )  # fmt: skip

    class Meta:
        ordering = ["name", "id"]
        indexes = [models.Index(fields=["latitude", "longitude"], name="location_lat_lon")]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        self.postcode = facts.normalise_postcode(self.postcode) or self.postcode.strip().upper()
        self.postcode_district = facts.postcode_district(self.postcode)
        super().save(*args, **kwargs)

    @property
    def hidden(self) -> bool:
        """True when the address must never be published (the location or its service is confidential)."""
        return self.confidential or self.entry.confidential


class Schedule(VersionedModel):
    entry = models.ForeignKey(DirectoryEntry, on_delete=models.CASCADE, related_name="schedules")
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    location = models.ForeignKey(
        Location, null=True, blank=True, on_delete=models.CASCADE, related_name="schedules"
    )
    byday = models.CharField("days", max_length=20, help_text="e.g. MO,TU,WE")
    opens_at = models.TimeField(null=True, blank=True)
    closes_at = models.TimeField(null=True, blank=True)
    description = models.CharField(max_length=200, blank=True)

    history = HistoricalRecords()
    public_fields = ("entry", "uuid", "location", "byday", "opens_at", "closes_at", "description")

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.days_label} {self.hours_label}".strip()

    @property
    def days_label(self) -> str:
        return ", ".join(facts.DAY_NAMES[d] for d in facts.days_list(self.byday))

    @property
    def hours_label(self) -> str:
        if self.opens_at and self.closes_at:
            return f"{self.opens_at:%H:%M} to {self.closes_at:%H:%M}"
        return ""


class ProposalStatus(models.TextChoices):
    PROPOSED = "proposed", "Waiting for approval"
    APPROVED = "approved", "Approved (live)"
    REJECTED = "rejected", "Rejected"


# What a provider may propose: the entry's own public fields (never the service's contract links).
PROPOSABLE_FIELDS = (
    "how_to_access", "self_referral", "eligibility", "send_needs", "cost_free", "cost_description",
    "languages", "accessibility", "contact_name", "contact_email", "contact_phone", "website",
    "contact_instructions",
)  # fmt: skip


class ChangeProposal(VersionedModel):
    entry = models.ForeignKey(DirectoryEntry, on_delete=models.CASCADE, related_name="proposals")
    changes = models.JSONField(help_text="field name -> proposed value")
    note = models.TextField(blank=True)
    status = models.CharField(
        max_length=10, choices=ProposalStatus.choices, default=ProposalStatus.PROPOSED, editable=False
    )
    proposed_by = recorded_person("Who proposed it (they cannot approve it)")
    decided_by = recorded_person()
    decided_on = models.DateField(null=True, blank=True, editable=False)

    history = HistoricalRecords()
    public_fields = ("entry", "status", "decided_on", "note")
    # Proposed values may include a contact's name or e-mail.
    personal_fields = ("changes", "proposed_by", "decided_by")

    class Meta:
        ordering = ["-id"]

    def __str__(self) -> str:
        return f"Proposed change to {self.entry} ({self.get_status_display()})"


class InformationTopic(models.TextChoices):
    """What a Local Offer must say beyond the services it lists (SEND Regulations 2014, Schedule 2),
    in the order the public home shows them; ``OTHER`` is anything else a council adds."""

    SCHOOLS = "schools", "Schools"
    EARLY_YEARS = "early_years", "Early years"
    POST_16 = "post_16", "Post-16 education and training"
    OUT_OF_AREA = "out_of_area", "Provision outside the area"
    EHC_ASSESSMENT = "ehc_assessment", "Asking for an EHC needs assessment"
    INFORMATION_ADVICE = "information_advice", "Information, advice and support (SENDIASS)"
    TRAVEL = "travel", "Travel and transport"
    PREPARING_FOR_ADULTHOOD = "preparing_for_adulthood", "Preparing for adulthood"
    COMPLAINTS = "complaints", "Complaints"
    MEDIATION = "mediation", "Mediation"
    TRIBUNAL = "tribunal", "Appeals to the First-tier Tribunal (SEND)"
    OTHER = "other", "Other information"


#: The topics every Local Offer must cover (the coverage view checks each has a published page).
REQUIRED_TOPICS: tuple[str, ...] = tuple(t for t in InformationTopic.values if t != InformationTopic.OTHER)


class InformationPage(Provenance, VersionedModel):
    """One page of a council's Local Offer about a Schedule 2 topic, at
    ``/local-offer/<offer>/information/<slug>/`` while it is published.

    ``body`` is plain text: blank lines separate paragraphs, lines starting "- " or "* " make a
    bulleted list and "1. " a numbered one (:mod:`jointly.directory.text`); it is always escaped,
    never trusted as HTML. ``links`` is a list of ``{"label": ..., "url": ...}`` (http or https only,
    :func:`jointly.directory.rules.link_problems`)."""

    local_offer = models.ForeignKey(LocalOffer, on_delete=models.CASCADE, related_name="information_pages")
    topic = models.CharField(max_length=30, choices=InformationTopic.choices)
    title = models.CharField(max_length=200)
    slug = models.SlugField(
        max_length=80, help_text="The last part of the page's web address; changing it changes the address"
    )
    summary = models.CharField(max_length=300, blank=True, help_text="One or two sentences shown in lists")
    body = models.TextField(
        blank=True,
        help_text='Plain text. A blank line starts a new paragraph; start lines with "- " for a bulleted '
        'list or "1. " for a numbered one.',
    )
    links = models.JSONField(default=list, blank=True, help_text='[{"label": ..., "url": "https://..."}]')
    contact = models.TextField(
        "who to contact", blank=True, help_text="A team or service, its telephone number or address"
    )
    owner = models.ForeignKey(
        "partnerships.Organisation",
        on_delete=models.PROTECT,
        related_name="information_pages",
        help_text="The organisation that keeps this page current",
    )
    last_checked = models.DateField(null=True, blank=True)
    published = models.BooleanField(default=False, help_text="Shown to the public")

    history = HistoricalRecords()
    public_fields = (
        "local_offer", "topic", "title", "slug", "summary", "body", "links", "contact", "owner",
        "last_checked", "published", "illustrative", "source",
    )  # fmt: skip

    class Meta:
        ordering = ["title", "id"]
        constraints = [
            models.UniqueConstraint(fields=["local_offer", "slug"], name="information_page_slug_unique"),
            models.CheckConstraint(condition=~Q(title=""), name="information_page_title_not_empty"),
            models.CheckConstraint(condition=~Q(slug=""), name="information_page_slug_not_empty"),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("directory_public:information", args=[self.local_offer.slug, self.slug])

    @property
    def body_blocks(self) -> list[text.Block]:
        return text.blocks(self.body)
