from __future__ import annotations

from typing import Any

from django import forms

from jointly.core.forms import GovUKFormMixin, VersionedModelForm
from jointly.core.rules import add_to_form, raise_for
from jointly.intentions import rules
from jointly.intentions.models import Intention, Milestone, ProgressUpdate, Rag, Theme
from jointly.outcomes.models import Outcome
from jointly.partnerships.models import (
    COMMISSIONER_KINDS,
    CommissioningStage,
    Organisation,
    Partnership,
)


def member_organisations(partnership: Partnership):  # type: ignore[no-untyped-def]
    return Organisation.objects.filter(partnership_memberships__partnership=partnership)


class IntentionForm(VersionedModelForm):
    class Meta:
        model = Intention
        fields = [
            "reference", "title", "aim", "objectives", "scope", "benefits_users",
            "benefits_staff", "benefits_organisation", "metrics", "expected_outcome",
            "integrated", "lead_commissioner", "partner_commissioners",
            "coordinating_commissioner", "providers_affected", "themes", "outcomes", "stage",
            "sro", "lead_officer", "start_date", "end_date", "outcomes_inferred", "illustrative", "source",
        ]  # fmt: skip
        widgets = {
            "start_date": forms.DateInput(),
            "end_date": forms.DateInput(),
            "partner_commissioners": forms.CheckboxSelectMultiple(),
            "themes": forms.CheckboxSelectMultiple(),
        }
        help_texts = {
            "integrated": "One of the partnership's shared (integrated) intentions, not one partner's "
            "own. A partner's own intention can still name several commissioners, such as two CCGs.",
        }

    def __init__(self, *args: Any, partnership: Partnership, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.instance.partnership = partnership
        orgs = member_organisations(partnership)
        commissioners = orgs.filter(kind__in=COMMISSIONER_KINDS)
        self.fields["lead_commissioner"].queryset = commissioners
        self.fields["partner_commissioners"].queryset = commissioners
        self.fields["coordinating_commissioner"].queryset = commissioners
        self.fields["providers_affected"].queryset = orgs
        self.fields["themes"].queryset = Theme.objects.filter(partnership=partnership)
        self.fields["outcomes"].queryset = Outcome.objects.filter(
            framework__partnership=partnership
        ).select_related("framework")
        self.fields["outcomes"].label_from_instance = lambda o: f"{o.framework.name}: {o}"

    def clean_reference(self) -> str:
        ref = self.cleaned_data["reference"].strip()
        raise_for(rules.intention_reference(self.instance.partnership, ref, self.instance), "reference")
        return ref

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        add_to_form(self, rules.intention_dates(data.get("start_date"), data.get("end_date")))
        lead, partners = data.get("lead_commissioner"), data.get("partner_commissioners")
        add_to_form(self, rules.intention_partners(lead, partners))
        # No rule ties "single partner" to an empty list of partner commissioners: in Essex's paper a
        # partner's own intentions (§6.3, e.g. the CCGs' table) are led jointly by several CCGs
        # ("Southend CCG & Castle Point & Rochford CCG", "All CCGs"). "Integrated" means the
        # partnership's shared list (§6.2), not "more than one commissioner" (issue 10.1).
        return data


class MilestoneForm(VersionedModelForm):
    class Meta:
        model = Milestone
        fields = ["title", "due_date", "completed_on", "illustrative", "source"]
        widgets = {"due_date": forms.DateInput(), "completed_on": forms.DateInput()}

    def __init__(self, *args: Any, intention: Intention, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.instance.intention = intention


class ProgressForm(VersionedModelForm):
    class Meta:
        model = ProgressUpdate
        fields = [
            "period",
            "rag",
            "narrative",
            "author",
            "date",
            "illustrative",
            "rag_illustrative",
            "source",
        ]
        widgets = {"date": forms.DateInput()}

    def __init__(self, *args: Any, intention: Intention, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.instance.intention = intention

    def clean_period(self) -> str:
        period = self.cleaned_data["period"].strip().upper()
        raise_for(rules.progress_period(self.instance.intention, period, self.instance), "period")
        return period


class RegisterFilterForm(GovUKFormMixin, forms.Form):
    q = forms.CharField(label="Search", required=False)
    theme = forms.ModelChoiceField(queryset=Theme.objects.none(), required=False)
    integrated = forms.ChoiceField(
        choices=[("", "Any"), ("yes", "Integrated"), ("no", "Single partner")], required=False
    )
    lead = forms.ModelChoiceField(
        queryset=Organisation.objects.none(), required=False, label="Lead commissioner"
    )
    stage = forms.ChoiceField(choices=[("", "Any"), *CommissioningStage.choices], required=False)
    rag = forms.ChoiceField(
        choices=[("", "Any"), ("none", "Not rated"), *Rag.choices], required=False, label="RAG"
    )
    sro = forms.CharField(label="Senior responsible officer", required=False)

    def __init__(self, *args: Any, partnership: Partnership, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["theme"].queryset = Theme.objects.filter(partnership=partnership)
        self.fields["lead"].queryset = member_organisations(partnership).filter(kind__in=COMMISSIONER_KINDS)

    def apply(self, qs):  # type: ignore[no-untyped-def]
        if not self.is_valid():
            return qs
        d = self.cleaned_data
        if d["q"]:
            from django.db.models import Q

            qs = qs.filter(
                Q(title__icontains=d["q"]) | Q(reference__icontains=d["q"]) | Q(aim__icontains=d["q"])
            )
        if d["theme"]:
            qs = qs.filter(themes=d["theme"])
        if d["integrated"]:
            qs = qs.filter(integrated=d["integrated"] == "yes")
        if d["lead"]:
            qs = qs.filter(lead_commissioner=d["lead"])
        if d["stage"]:
            qs = qs.filter(stage=d["stage"])
        if d["rag"]:
            qs = qs.filter(current_rag="" if d["rag"] == "none" else d["rag"])
        if d["sro"]:
            qs = qs.filter(sro__icontains=d["sro"])
        return qs
