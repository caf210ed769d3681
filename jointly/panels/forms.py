"""Panel forms (GOV.UK styled). The rules live in :mod:`jointly.panels.rules`; these forms read values
and hand :class:`~jointly.panels.actions.Refused` problems back to their fields."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms

from jointly.core.forms import DateInput, GovUKFormMixin
from jointly.panels import actions
from jointly.panels.models import (
    AgeBand,
    ChcOutcome,
    CostBasis,
    DecisionOutcome,
    FundingStream,
    LegalStatus,
    PackageType,
    Panel,
    PanelMeeting,
)
from jointly.partnerships.models import Area, Organisation

FUNDER_SLOTS = 4
MONEY = {"max_digits": 12, "decimal_places": 2}


class PanelForm(GovUKFormMixin, forms.Form):
    def refused(self, exc: actions.Refused) -> None:
        for name, message in exc.problems.items():
            self.add_error(name if name in self.fields else None, message)


def _partnership_orgs(panel: Panel) -> Any:
    return Organisation.objects.filter(partnership_memberships__partnership=panel.partnership_id).order_by(
        "name"
    )


class ReferralForm(PanelForm):
    referred_on = forms.DateField(widget=DateInput, label="Referral date")
    referring_organisation = forms.ModelChoiceField(queryset=Organisation.objects.none(), label="Referred by")
    reason = forms.CharField(
        widget=forms.Textarea, label="Reason for referral", help_text="No names or dates of birth"
    )
    requested_support = forms.CharField(widget=forms.Textarea, required=False)
    age_band = forms.ChoiceField(choices=AgeBand.choices)
    need_band = forms.ModelChoiceField(queryset=None, required=False)  # type: ignore[arg-type]
    primary_need = forms.CharField(max_length=200)
    area = forms.ModelChoiceField(queryset=Area.objects.none(), required=False)
    legal_status = forms.ChoiceField(choices=LegalStatus.choices, required=False)
    ehc_plan = forms.BooleanField(required=False, label="Has an EHC plan")
    ehc_review_on = forms.DateField(widget=DateInput, required=False, label="EHC plan review date")
    chc_screening_on = forms.DateField(
        widget=DateInput, required=False, label="Adult continuing healthcare screening date (16–17)"
    )
    chc_outcome = forms.ChoiceField(choices=ChcOutcome.choices, required=False, label="Screening outcome")
    name = forms.CharField(max_length=200, required=False, label="Name (encrypted, shown only on request)")
    date_of_birth = forms.DateField(widget=DateInput, required=False, label="Date of birth (encrypted)")
    nhs_number = forms.CharField(max_length=20, required=False, label="NHS number (encrypted)")
    address = forms.CharField(widget=forms.Textarea, required=False, label="Address (encrypted)")
    social_care_id = forms.CharField(max_length=50, required=False, label="Social care id (encrypted)")
    education_id = forms.CharField(max_length=50, required=False, label="Unique pupil number (encrypted)")

    FACTS = (
        "referred_on", "referring_organisation", "reason", "requested_support", "age_band", "need_band",
        "primary_need", "area", "legal_status", "ehc_plan", "ehc_review_on", "chc_screening_on", "chc_outcome",
    )  # fmt: skip

    def __init__(self, *args: Any, panel: Panel, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["referring_organisation"].queryset = _partnership_orgs(panel)
        self.fields["need_band"].queryset = panel.need_bands.all()
        self.fields["area"].queryset = Area.objects.order_by("name")

    def facts(self) -> dict[str, Any]:
        d = self.cleaned_data
        return {k: (d.get(k) if d.get(k) is not None else "") for k in self.FACTS} | {
            k: d.get(k) for k in ("need_band", "area", "ehc_review_on", "chc_screening_on")
        }

    def identity(self) -> dict[str, str]:
        d = self.cleaned_data
        dob = d.get("date_of_birth")
        return {
            "name": d.get("name", ""), "date_of_birth": dob.isoformat() if dob else "",
            "nhs_number": d.get("nhs_number", ""), "address": d.get("address", ""),
            "social_care_id": d.get("social_care_id", ""), "education_id": d.get("education_id", ""),
        }  # fmt: skip


class IdentityForm(PanelForm):
    name = forms.CharField(max_length=200, required=False)
    date_of_birth = forms.DateField(widget=DateInput, required=False)
    nhs_number = forms.CharField(max_length=20, required=False, label="NHS number")
    address = forms.CharField(widget=forms.Textarea, required=False)
    social_care_id = forms.CharField(max_length=50, required=False)
    education_id = forms.CharField(max_length=50, required=False, label="Unique pupil number")

    def identity(self) -> dict[str, str]:
        d = dict(self.cleaned_data)
        d["date_of_birth"] = d["date_of_birth"].isoformat() if d.get("date_of_birth") else ""
        return d


class BreakGlassForm(PanelForm):
    reason = forms.CharField(
        widget=forms.Textarea, label="Why you must see this child's details",
        help_text="Logged with your name and shown to the panel's chair",
    )  # fmt: skip


class DocumentForm(PanelForm):
    title = forms.CharField(max_length=200, help_text="What it is, e.g. Health assessment (no names)")
    file = forms.FileField(help_text="PDF, DOCX, plain text or an image")


class MeetingForm(PanelForm):
    held_on = forms.DateField(widget=DateInput, label="Meeting date")
    present = forms.ModelMultipleChoiceField(
        queryset=None,
        widget=forms.CheckboxSelectMultiple,
        label="Members present",  # type: ignore[arg-type]
    )

    def __init__(self, *args: Any, panel: Panel, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["present"].queryset = panel.members.filter(active=True).select_related(
            "user", "organisation"
        )
        self.fields["present"].label_from_instance = lambda m: (
            f"{m.user.display_name} ({m.organisation.name})"
        )


class TermsMixin(forms.Form):
    package_type = forms.ChoiceField(choices=PackageType.choices)
    description = forms.CharField(max_length=300, help_text="The placement or services (no names)")
    provider = forms.ModelChoiceField(queryset=Organisation.objects.none(), required=False)
    provider_name = forms.CharField(max_length=200, required=False, label="Provider (if not listed)")
    personal_health_budget = forms.BooleanField(required=False, label="Delivered as a personal health budget")
    starts_on = forms.DateField(widget=DateInput, label="Start date")
    ends_on = forms.DateField(widget=DateInput, label="End date")
    amount = forms.DecimalField(**MONEY, label="Cost (£)")
    basis = forms.ChoiceField(choices=CostBasis.choices, label="Cost basis")
    weeks_per_year = forms.DecimalField(
        max_digits=4, decimal_places=1, initial=Decimal("52"), help_text="38 for a term-time school placement"
    )
    next_review_on = forms.DateField(widget=DateInput, label="Next review date")

    def _add_funders(self, panel: Panel) -> None:
        orgs = _partnership_orgs(panel)
        self.fields["provider"].queryset = Organisation.objects.order_by("name")
        for i in range(1, FUNDER_SLOTS + 1):
            self.fields[f"funder_{i}_organisation"] = forms.ModelChoiceField(
                queryset=orgs, required=False, label=f"Funder {i}: organisation"
            )
            self.fields[f"funder_{i}_stream"] = forms.ChoiceField(
                choices=[("", "Choose")] + FundingStream.choices,
                required=False,
                label=f"Funder {i}: funding stream",
            )
            self.fields[f"funder_{i}_percent"] = forms.DecimalField(
                max_digits=6, decimal_places=3, required=False, label=f"Funder {i}: percentage"
            )
            self.fields[f"funder_{i}_amount"] = forms.DecimalField(
                **MONEY, required=False, label=f"Funder {i}: or amount a year (£)"
            )

    def terms(self, effective_from: Any = None) -> actions.Terms:
        d = self.cleaned_data
        return actions.Terms(
            package_type=d.get("package_type", ""), description=d.get("description", ""),
            starts_on=d.get("starts_on"), ends_on=d.get("ends_on"), amount=d.get("amount"),
            basis=d.get("basis", ""), weeks_per_year=d.get("weeks_per_year"), next_review_on=d.get("next_review_on"),
            provider=d.get("provider"), provider_name=d.get("provider_name", ""),
            personal_health_budget=bool(d.get("personal_health_budget")), effective_from=effective_from,
        )  # fmt: skip

    def shares(self) -> list[actions.ShareSpec]:
        d = self.cleaned_data
        out = []
        for i in range(1, FUNDER_SLOTS + 1):
            org, stream = d.get(f"funder_{i}_organisation"), d.get(f"funder_{i}_stream")
            pct, amt = d.get(f"funder_{i}_percent"), d.get(f"funder_{i}_amount")
            if org is None and not stream and pct is None and amt is None:
                continue
            out.append(actions.ShareSpec(org, stream or "", pct, amt))
        return out

    def refused(self, exc: actions.Refused) -> None:
        for name, message in exc.problems.items():
            if name.startswith("shares-"):
                name = f"funder_{name.split('-')[1]}_organisation"
            self.add_error(name if name in self.fields else None, message)  # type: ignore[attr-defined]


class DecisionForm(TermsMixin, PanelForm):
    meeting = forms.ModelChoiceField(queryset=PanelMeeting.objects.none())
    outcome = forms.ChoiceField(choices=DecisionOutcome.choices)
    reasons = forms.CharField(widget=forms.Textarea)
    dissent = forms.CharField(widget=forms.Textarea, required=False, label="Dissent (if any)")

    field_order = ["meeting", "outcome", "reasons", "dissent"]

    def __init__(self, *args: Any, panel: Panel, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["meeting"].queryset = panel.meetings.order_by("-held_on")
        self._add_funders(panel)
        if self.data.get("outcome") and self.data.get("outcome") != DecisionOutcome.APPROVED:
            for name in ("package_type", "description", "starts_on", "ends_on", "amount", "basis",
                         "weeks_per_year", "next_review_on"):  # fmt: skip
                self.fields[name].required = False


class ReviewForm(TermsMixin, PanelForm):
    reviewed_on = forms.DateField(widget=DateInput, label="Review date")
    goals_met = forms.NullBooleanField(
        required=False,
        widget=forms.Select(choices=[("unknown", "Not recorded"), ("true", "Yes"), ("false", "No")]),
    )
    placement_stable = forms.NullBooleanField(
        required=False,
        widget=forms.Select(choices=[("unknown", "Not recorded"), ("true", "Yes"), ("false", "No")]),
    )
    moved_closer_to_home = forms.NullBooleanField(
        required=False,
        widget=forms.Select(choices=[("unknown", "Not recorded"), ("true", "Yes"), ("false", "No")]),
    )
    notes = forms.CharField(widget=forms.Textarea, required=False)
    change = forms.BooleanField(required=False, label="The cost, dates or funding change from this review")
    reason = forms.CharField(widget=forms.Textarea, required=False, label="Why they change")

    field_order = [
        "reviewed_on",
        "goals_met",
        "placement_stable",
        "moved_closer_to_home",
        "notes",
        "change",
        "reason",
    ]

    def __init__(self, *args: Any, panel: Panel, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._add_funders(panel)
        if not self.data.get("change"):
            for name in ("package_type", "description", "starts_on", "ends_on", "amount", "basis",
                         "weeks_per_year", "next_review_on"):  # fmt: skip
                self.fields[name].required = False


class EndForm(PanelForm):
    ended_on = forms.DateField(widget=DateInput, label="Date the package or case ended")
    close = forms.BooleanField(required=False, label="Close the case (starts the retention period)")


class AggregateForm(forms.Form):
    financial_year = forms.CharField(required=False)


class PanelNewForm(PanelForm):
    name = forms.CharField(max_length=200)
    slug = forms.SlugField(max_length=80, help_text="Short name for addresses, e.g. jap")
    chair_email = forms.EmailField(
        label="Chair's e-mail address", help_text="Someone with an account in this partnership"
    )
    chair_organisation = forms.ModelChoiceField(
        queryset=Organisation.objects.none(), label="Chair's organisation"
    )
    quorum = forms.IntegerField(min_value=1, max_value=50, initial=3)
    quorum_organisations = forms.IntegerField(min_value=1, max_value=20, initial=2)
    meeting_frequency = forms.CharField(max_length=100, required=False)
    terms_of_reference = forms.CharField(widget=forms.Textarea, required=False)
    criteria = forms.CharField(widget=forms.Textarea, required=False)
    protocol = forms.CharField(widget=forms.Textarea, required=False)
    suppression_threshold = forms.IntegerField(
        min_value=7,
        max_value=100,
        initial=7,
        help_text="Counts from 1 to this are shown as c outside the panel (7 or more)",
    )
    retention_years = forms.IntegerField(min_value=1, max_value=100, initial=7)

    def __init__(self, *args: Any, partnership: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["chair_organisation"].queryset = Organisation.objects.filter(
            partnership_memberships__partnership=partnership
        ).order_by("name")


class MemberForm(PanelForm):
    form = forms.CharField(widget=forms.HiddenInput, initial="member")
    email = forms.EmailField(
        label="Their e-mail address", help_text="Someone with an account in this partnership"
    )
    organisation = forms.ModelChoiceField(queryset=Organisation.objects.none())
    role = forms.CharField(max_length=200, required=False)
    can_confirm_funding = forms.BooleanField(
        required=False, label="May confirm this organisation's funding shares"
    )

    def __init__(self, *args: Any, panel: Panel, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = _partnership_orgs(panel)


class NeedBandForm(PanelForm):
    form = forms.CharField(widget=forms.HiddenInput, initial="band")
    name = forms.CharField(max_length=100)
    description = forms.CharField(widget=forms.Textarea, required=False)
