"""Forms of the directory: the public search (GET), entry edits and providers' proposals."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django import forms

from jointly.core.forms import GovUKFormMixin, VersionedModelForm
from jointly.directory import facts, rules
from jointly.directory.models import (
    PROPOSABLE_FIELDS,
    DirectoryEntry,
    InformationPage,
    LocalOffer,
    Location,
    Schedule,
    SendNeed,
)
from jointly.directory.queries import Search
from jointly.services.models import LevelOfNeed

DAY_CHOICES = [("", "Any day")] + [(d, facts.DAY_NAMES[d]) for d in facts.DAYS]


class SearchForm(GovUKFormMixin, forms.Form):
    q = forms.CharField(label="Search by words", required=False, max_length=200)
    age = forms.IntegerField(label="Child's age in years", required=False, min_value=0, max_value=25)
    born = forms.DateField(
        label="Or their date of birth",
        required=False,
        widget=forms.DateInput(),
    )
    area = forms.ChoiceField(label="Area", required=False)
    postcode = forms.CharField(
        label="Postcode or postcode district",
        required=False,
        max_length=10,
        help_text="For example, CO1 or CO1 1AA",
    )
    level = forms.ChoiceField(
        label="Level of need", required=False, choices=[("", "Any")] + LevelOfNeed.choices
    )
    send = forms.ChoiceField(label="SEND need", required=False, choices=[("", "Any")] + SendNeed.choices)
    cost = forms.ChoiceField(
        label="Cost", required=False, choices=[("", "Free or paid"), ("free", "Free"), ("paid", "Paid")]
    )
    day = forms.ChoiceField(label="Open on", required=False, choices=DAY_CHOICES)
    open_now = forms.BooleanField(label="Open now", required=False)

    def __init__(self, *args: Any, offer: LocalOffer, today: date, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.today = today
        self.fields["area"].choices = [("", "Anywhere")] + [(str(a.pk), a.name) for a in offer.areas.all()]

    def clean_born(self) -> date | None:
        born = self.cleaned_data.get("born")
        if born and born > self.today:
            raise forms.ValidationError("The date of birth must be in the past.")
        return born

    def clean_postcode(self) -> str:
        text = self.cleaned_data.get("postcode", "")
        if text and not facts.postcode_district(text):
            raise forms.ValidationError("Enter a postcode, like CO1 1AA, or a postcode district, like CO1.")
        return facts.postcode_district(text) if text else ""

    def search(self, now: datetime) -> Search:
        if not self.is_bound or not self.is_valid():
            return Search()
        d = self.cleaned_data
        age = d.get("age")
        if age is None and d.get("born"):
            age = facts.age_on(d["born"], self.today)
        return Search(
            words=d.get("q", ""), age=age, area_id=int(d["area"]) if d.get("area") else None,
            district=d.get("postcode", ""), level=d.get("level", ""), send_need=d.get("send", ""),
            cost=d.get("cost", ""), day=d.get("day", ""),
            open_now=(facts.day_code(now.date()), now.time().replace(microsecond=0)) if d.get("open_now") else None,
        )  # fmt: skip


class EntryForm(VersionedModelForm):
    website = forms.URLField(required=False, assume_scheme="https")
    send_needs_choice = forms.MultipleChoiceField(
        label="SEND needs", choices=SendNeed.choices, required=False, widget=forms.CheckboxSelectMultiple
    )

    class Meta:
        model = DirectoryEntry
        fields = [
            "how_to_access", "self_referral", "eligibility", "cost_free", "cost_description", "languages",
            "accessibility", "contact_name", "contact_email", "contact_phone", "website", "confidential",
            "contact_instructions", "last_checked",
        ]  # fmt: skip
        widgets = {"last_checked": forms.DateInput()}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial["send_needs_choice"] = self.instance.send_need_list

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        self.instance.send_needs = ",".join(data.get("send_needs_choice") or [])
        for field, message in rules.entry_problems(
            confidential=data.get("confidential", False),
            contact_instructions=data.get("contact_instructions", ""),
            cost_free=data.get("cost_free", True),
            cost_description=data.get("cost_description", ""),
        ).items():
            self.add_error(field if field in self.fields else None, message)
        return data


class ProposalForm(GovUKFormMixin, forms.Form):
    """A provider's proposed values for its own entry: only the fields that change are recorded."""

    how_to_access = forms.CharField(label="How to get it", widget=forms.Textarea, required=False)
    self_referral = forms.BooleanField(label="Families can refer themselves", required=False)
    eligibility = forms.CharField(label="Who it is for", widget=forms.Textarea, required=False)
    send_needs = forms.MultipleChoiceField(
        label="SEND needs", choices=SendNeed.choices, required=False, widget=forms.CheckboxSelectMultiple
    )
    cost_free = forms.BooleanField(label="Free to use", required=False)
    cost_description = forms.CharField(label="Cost", max_length=300, required=False)
    languages = forms.CharField(max_length=300, required=False)
    accessibility = forms.CharField(widget=forms.Textarea, required=False)
    contact_name = forms.CharField(max_length=200, required=False)
    contact_email = forms.EmailField(required=False)
    contact_phone = forms.CharField(max_length=40, required=False)
    website = forms.URLField(required=False, assume_scheme="https")
    contact_instructions = forms.CharField(
        label="How to make contact instead", widget=forms.Textarea, required=False
    )
    note = forms.CharField(label="Why (for the partnership)", widget=forms.Textarea, required=False)

    def __init__(self, *args: Any, entry: DirectoryEntry, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.entry = entry
        if not self.is_bound:
            for name in PROPOSABLE_FIELDS:
                self.initial[name] = entry.send_need_list if name == "send_needs" else getattr(entry, name)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        for field, message in rules.entry_problems(
            confidential=self.entry.confidential,
            contact_instructions=data.get("contact_instructions", ""),
            cost_free=data.get("cost_free", True),
            cost_description=data.get("cost_description", ""),
        ).items():
            self.add_error(field if field in self.fields else None, message)
        if not self.changes():
            self.add_error(None, "Change at least one value: nothing differs from the live entry.")
        return data

    def changes(self) -> dict[str, Any]:
        data = getattr(self, "cleaned_data", {})
        out: dict[str, Any] = {}
        for name in PROPOSABLE_FIELDS:
            if name not in data:
                continue
            value = ",".join(data[name]) if name == "send_needs" else data[name]
            current = getattr(self.entry, name)
            if name == "send_needs":
                current = ",".join(self.entry.send_need_list)
            if value != current:
                out[name] = value
        return out


class DecisionForm(GovUKFormMixin, forms.Form):
    decision = forms.ChoiceField(
        choices=[("approve", "Approve"), ("reject", "Reject")], widget=forms.RadioSelect
    )


class NewEntryForm(GovUKFormMixin, forms.Form):
    """Give a service of the partnership its directory entry (its owner: the provider, else the
    organisation chosen)."""

    service = forms.ModelChoiceField(queryset=None, label="Service")  # type: ignore[arg-type]
    owner = forms.ModelChoiceField(queryset=None, label="Who keeps it current")  # type: ignore[arg-type]

    def __init__(self, *args: Any, partnership: Any, **kwargs: Any) -> None:
        from jointly.partnerships.models import Organisation
        from jointly.services.models import Service

        super().__init__(*args, **kwargs)
        self.fields["service"].queryset = Service.objects.filter(
            partnership=partnership, directory_entry__isnull=True
        ).order_by("name")
        self.fields["owner"].queryset = Organisation.objects.filter(
            partnership_memberships__partnership=partnership
        ).distinct()


class LocationForm(VersionedModelForm):
    class Meta:
        model = Location
        fields = ["name", "address_1", "city", "postcode", "latitude", "longitude", "confidential"]

    def clean_postcode(self) -> str:
        text = self.cleaned_data.get("postcode", "")
        if text and not facts.normalise_postcode(text):
            raise forms.ValidationError("Enter a full postcode, like CO1 1AA.")
        return facts.normalise_postcode(text) if text else ""


class ScheduleForm(VersionedModelForm):
    days = forms.MultipleChoiceField(
        choices=[(d, facts.DAY_NAMES[d]) for d in facts.DAYS], widget=forms.CheckboxSelectMultiple
    )

    class Meta:
        model = Schedule
        fields = ["opens_at", "closes_at", "description"]
        widgets = {"opens_at": forms.TimeInput(format="%H:%M"), "closes_at": forms.TimeInput(format="%H:%M")}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not self.is_bound and self.instance.pk:
            self.initial["days"] = facts.days_list(self.instance.byday)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        self.instance.byday = ",".join(facts.days_list(",".join(data.get("days") or [])))
        opens, closes = data.get("opens_at"), data.get("closes_at")
        if (opens is None) != (closes is None):
            self.add_error("closes_at", "Give both times, or neither (open all day).")
        elif opens and closes and closes <= opens:
            self.add_error("closes_at", "The closing time must be after the opening time.")
        return data


def links_as_text(links: list[dict[str, str]]) -> str:
    return "\n".join(f"{link.get('label', '')} | {link.get('url', '')}" for link in links or [])


def links_from_text(text: str) -> tuple[list[dict[str, str]], str]:
    """``("Label | https://address" lines)`` -> (links, "" or a message naming the bad line)."""
    links: list[dict[str, str]] = []
    for i, line in enumerate((text or "").splitlines(), start=1):
        if not line.strip():
            continue
        if "|" not in line:
            return [], f"Line {i}: write the label, then a | and then the address."
        label, url = (part.strip() for part in line.rsplit("|", 1))
        links.append({"label": label, "url": url})
    return links, ""


class InformationPageForm(VersionedModelForm):
    """An information page of a Local Offer (publishing is its own step: :class:`PublishForm`)."""

    links_text = forms.CharField(
        label="Useful links",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="One a line: the link's words, a | and the address, for example "
        "“IPSEA | https://www.ipsea.org.uk”. Addresses must start with https:// or http://.",
    )

    field_order = [
        "topic",
        "title",
        "slug",
        "summary",
        "body",
        "links_text",
        "contact",
        "owner",
        "last_checked",
    ]

    class Meta:
        model = InformationPage
        fields = ["topic", "title", "slug", "summary", "body", "contact", "owner", "last_checked"]
        widgets = {
            "last_checked": forms.DateInput(),
            "body": forms.Textarea(attrs={"rows": 12}),
            "contact": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        from jointly.partnerships.models import Organisation

        super().__init__(*args, **kwargs)
        offer = self.instance.local_offer
        self.fields["owner"].queryset = Organisation.objects.filter(
            partnership_memberships__partnership_id=offer.partnership_id
        ).distinct()
        self.fields["owner"].label = "Who keeps it current"
        if not self.is_bound:
            self.initial["links_text"] = links_as_text(self.instance.links)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        links, message = links_from_text(data.get("links_text", ""))
        if message:
            self.add_error("links_text", message)
            return data
        self.instance.links = links
        slug = data.get("slug", "")
        duplicate = bool(slug) and (
            InformationPage.objects.filter(local_offer_id=self.instance.local_offer_id, slug=slug)
            .exclude(pk=self.instance.pk)
            .exists()
        )
        for name, problem in rules.page_problems(
            title=data.get("title", ""), slug=slug, links=links, duplicate_slug=duplicate
        ).items():
            target = "links_text" if name == "links" else name
            if target not in self.errors:
                self.add_error(target if target in self.fields else None, problem)
        return data

    def validate_unique(self) -> None:
        """The slug's uniqueness is checked in :meth:`clean`, with a message naming the address."""


class PublishForm(GovUKFormMixin, forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
