"""Forms for contracts, change control and procurement."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import Q, QuerySet, URLField

from jointly.accounts.permissions import Scope
from jointly.contracts import procurement_law, rules
from jointly.contracts.models import (
    ConflictOfInterest,
    Contract,
    ContractDocument,
    ContractStatus,
    ContractSubcontractor,
    ContractType,
    FundingShare,
    ProcurementProject,
    ProcurementStage,
    Variation,
)
from jointly.core import imports, uploads
from jointly.core.forms import GovUKFormMixin, VersionedModelForm
from jointly.core.rules import add_to_form, raise_for
from jointly.intentions.models import Intention, Theme
from jointly.outcomes.models import Outcome
from jointly.partnerships.models import COMMISSIONER_KINDS, Organisation, Partnership


def member_organisations(partnership: Partnership) -> QuerySet[Organisation]:
    return Organisation.objects.filter(partnership_memberships__partnership=partnership).distinct()


def commissioners(partnership: Partnership) -> QuerySet[Organisation]:
    return member_organisations(partnership).filter(kind__in=COMMISSIONER_KINDS)


def _with_current(qs: QuerySet[Organisation], *current: Any) -> QuerySet[Organisation]:
    """Member organisations plus any already chosen (e.g. an imported provider)."""
    ids = [o.pk for o in current if o is not None]
    if not ids:
        return qs
    return Organisation.objects.filter(Q(pk__in=qs.values("pk")) | Q(pk__in=ids)).distinct()


class ContractForm(VersionedModelForm):
    class Meta:
        model = Contract
        fields = [
            "reference", "title", "description", "provider", "lead_commissioner",
            "coordinating_commissioner", "contract_type", "status", "start_date", "end_date", "value",
            "extension_count", "extension_months", "notice_months", "efficiency_percent",
            "efficiency_from", "bundle", "services", "intentions", "outcomes",
        ]  # fmt: skip
        widgets = {
            "start_date": forms.DateInput(),
            "end_date": forms.DateInput(),
            "efficiency_from": forms.DateInput(),
            "intentions": forms.CheckboxSelectMultiple(),
        }

    def __init__(self, *args: Any, partnership: Partnership, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        from jointly.services.models import Service

        self.instance.partnership = partnership
        inst = self.instance
        provider = inst.provider if inst.provider_id else None
        lead = inst.lead_commissioner if inst.lead_commissioner_id else None
        self.fields["provider"].queryset = _with_current(member_organisations(partnership), provider)
        self.fields["lead_commissioner"].queryset = _with_current(commissioners(partnership), lead)
        self.fields["coordinating_commissioner"].queryset = commissioners(partnership)
        self.fields["services"].queryset = Service.objects.filter(partnership=partnership)
        self.fields["services"].required = False
        self.fields["intentions"].queryset = Intention.objects.filter(partnership=partnership)
        self.fields["outcomes"].queryset = Outcome.objects.filter(
            framework__partnership=partnership
        ).select_related("framework")
        self.fields["outcomes"].label_from_instance = lambda o: f"{o.framework.name}: {o}"

    def clean_reference(self) -> str:
        ref = self.cleaned_data["reference"].strip()
        if not ref:
            raise forms.ValidationError("Enter a reference.")
        raise_for(rules.contract_reference(self.instance.partnership, ref, self.instance), "reference")
        return ref

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        names = (
            "start_date",
            "end_date",
            "extension_count",
            "extension_months",
            "efficiency_percent",
            "efficiency_from",
        )
        add_to_form(self, rules.contract_terms(*(data.get(n) for n in names)))
        lead, coord = data.get("lead_commissioner"), data.get("coordinating_commissioner")
        provider = data.get("provider")
        if provider is not None and provider in (lead, coord):
            self.add_error("provider", "The provider cannot also be its own commissioner.")
        return data


class ContractMoneyForm(VersionedModelForm):
    """The money of a contract, for the finance role: its original value and efficiency requirement
    (the same rules as the whole contract form)."""

    class Meta:
        model = Contract
        fields = ["value", "efficiency_percent", "efficiency_from"]
        widgets = {"efficiency_from": forms.DateInput()}

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        c = self.instance
        add_to_form(
            self,
            rules.contract_terms(
                c.start_date, c.end_date, c.extension_count, c.extension_months,
                data.get("efficiency_percent"), data.get("efficiency_from"),
            ),
        )  # fmt: skip
        return data


class FundingShareForm(VersionedModelForm):
    class Meta:
        model = FundingShare
        fields = ["commissioner", "financial_year", "funding_stream", "amount", "ring_fenced_public_health"]

    def __init__(self, *args: Any, contract: Contract, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.instance.contract = contract
        self.fields["commissioner"].queryset = commissioners(contract.partnership)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        names = ("amount", "ring_fenced_public_health", "funding_stream")
        add_to_form(self, rules.funding_amount(*(data.get(n) for n in names)))
        key = [data.get(k) for k in ("commissioner", "financial_year", "funding_stream")]
        if all(key):
            add_to_form(self, rules.funding_share(self.instance.contract, *key, instance=self.instance))
        return data


class VariationForm(VersionedModelForm):
    """Propose a variation (decisions are made with :class:`DecisionForm`)."""

    class Meta:
        model = Variation
        fields = ["kind", "description", "value_change", "new_end_date", "effective_date"]
        widgets = {"new_end_date": forms.DateInput(), "effective_date": forms.DateInput()}

    def __init__(self, *args: Any, contract: Contract, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.instance.contract = contract

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        raise_for(rules.variation_open(self.instance), "status")
        kind, value, new_end = data.get("kind"), data.get("value_change"), data.get("new_end_date")
        add_to_form(self, rules.variation_terms(self.instance.contract, kind, value, new_end))
        add_to_form(
            self,
            rules.variation_in_term(
                self.instance.contract,
                data.get("effective_date"),
                self.instance if self.instance.pk else None,
            ),
        )
        if value is not None and value == 0:
            self.add_error("value_change", "A value change of zero changes nothing: leave it blank.")
        return data


class DecisionForm(GovUKFormMixin, forms.Form):
    decision = forms.ChoiceField(choices=[("approve", "Approve"), ("reject", "Reject")])
    reason = forms.CharField(widget=forms.Textarea, max_length=2000, label="Reason for the decision")
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


def _https_by_default(field: Any, **kwargs: Any) -> Any:
    """Addresses typed without a scheme are taken as https:// (Django 6's default)."""
    if isinstance(field, URLField):
        kwargs.setdefault("assume_scheme", "https")
    return field.formfield(**kwargs)


class DocumentForm(VersionedModelForm):
    class Meta:
        model = ContractDocument
        fields = ["title", "url", "kind"]
        formfield_callback = _https_by_default

    def __init__(self, *args: Any, contract: Contract, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.instance.contract = contract

    def clean_url(self) -> str:
        url = self.cleaned_data["url"]
        if not url.lower().startswith(("https://", "http://")):
            raise forms.ValidationError("Enter a web address starting https://")
        return url


class SubcontractorForm(VersionedModelForm):
    class Meta:
        model = ContractSubcontractor
        fields = ["organisation", "role"]

    def __init__(self, *args: Any, contract: Contract, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.instance.contract = contract
        self.fields["organisation"].queryset = member_organisations(contract.partnership)

    def clean_organisation(self) -> Organisation:
        org = self.cleaned_data["organisation"]
        raise_for(rules.subcontractor(self.instance.contract, org, self.instance), "organisation")
        return org


def route_choices(project: ProcurementProject) -> list[Any]:
    """Routes grouped by the law they belong to; only those of its time once a project has a date.

    The model's ``clean`` still decides (a changed date or buyer is checked on save).
    """
    blank: list[Any] = [("", "---------")]
    if project.start_date is not None:
        service = procurement_law.ServiceKind(project.service_kind)
        allowed = procurement_law.routes_allowed(project.buyer_kind, project.start_date, service)
        day = project.start_date
        label = f"Routes in force on {day.day} {day:%B %Y}: {project.regimes_text()}"
        choices = [(r.code, r.label) for r in allowed]
        if project.route and project.route not in {c for c, _ in choices}:
            current = procurement_law.ROUTES_BY_CODE.get(project.route)
            choices.append(
                (project.route, f"{current.label if current else project.route} (not of its time)")
            )
        return [*blank, (label, choices)]
    groups: dict[str, list[tuple[str, str]]] = {}
    for r in procurement_law.ROUTES:
        name = r.label.split(":")[0] if ":" in r.label else "Any time"
        groups.setdefault(name, []).append((r.code, r.label))
    return [*blank, *groups.items()]


class ProcurementForm(VersionedModelForm):
    class Meta:
        model = ProcurementProject
        fields = [
            "reference", "title", "description", "lead_commissioner", "start_date", "service_kind",
            "route", "status", "estimated_value", "intentions", "replaces", "resulting_contract",
        ]  # fmt: skip
        widgets = {"intentions": forms.CheckboxSelectMultiple(), "start_date": forms.DateInput()}

    def __init__(self, *args: Any, partnership: Partnership, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.instance.partnership = partnership
        self.fields["start_date"].required = True
        # Shown: the routes of the project's date. Posted: any route, so that a new date and a route
        # of that date can be sent together; the model's clean() decides.
        self.fields["route"].choices = route_choices(ProcurementProject() if self.is_bound else self.instance)
        lead = self.instance.lead_commissioner if self.instance.lead_commissioner_id else None
        self.fields["lead_commissioner"].queryset = _with_current(commissioners(partnership), lead)
        self.fields["intentions"].queryset = Intention.objects.filter(partnership=partnership)
        self.fields["replaces"].queryset = Contract.objects.filter(partnership=partnership)
        self.fields["resulting_contract"].queryset = Contract.objects.filter(partnership=partnership)

    def clean_reference(self) -> str:
        ref = self.cleaned_data["reference"].strip()
        raise_for(rules.procurement_reference(self.instance.partnership, ref, self.instance), "reference")
        return ref

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        value = data.get("estimated_value")
        if value is not None and value < 0:
            self.add_error("estimated_value", "The estimated value cannot be negative.")
        result, replaced = data.get("resulting_contract"), data.get("replaces")
        if result is not None and replaced and result in replaced:
            self.add_error("resulting_contract", "The contract awarded cannot be one it replaces.")
        return data


class StageForm(VersionedModelForm):
    class Meta:
        model = ProcurementStage
        fields = ["stage", "planned_date", "actual_date", "notes"]
        widgets = {"planned_date": forms.DateInput(), "actual_date": forms.DateInput()}

    def __init__(self, *args: Any, project: ProcurementProject, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.instance.project = project

    def clean_stage(self) -> str:
        stage = self.cleaned_data["stage"]
        raise_for(rules.procurement_stage(self.instance.project, stage, self.instance), "stage")
        return stage


class ConflictForm(VersionedModelForm):
    class Meta:
        model = ConflictOfInterest
        fields = ["person", "person_role", "interest", "declared_on", "decision", "decision_notes"]
        widgets = {"declared_on": forms.DateInput()}

    def __init__(self, *args: Any, project: ProcurementProject, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.instance.project = project

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if (
            data.get("decision") not in (None, "", "pending")
            and not (data.get("decision_notes") or "").strip()
        ):
            self.add_error("decision_notes", "Record why this decision was taken.")
        return data


class RegisterFilterForm(GovUKFormMixin, forms.Form):
    q = forms.CharField(label="Search", required=False)
    status = forms.ChoiceField(choices=[("", "Any"), *ContractStatus.choices], required=False)
    contract_type = forms.ChoiceField(
        choices=[("", "Any"), *ContractType.choices], required=False, label="Type"
    )
    provider = forms.ModelChoiceField(queryset=Organisation.objects.none(), required=False)
    lead = forms.ModelChoiceField(
        queryset=Organisation.objects.none(), required=False, label="Lead commissioner"
    )
    theme = forms.ModelChoiceField(queryset=Theme.objects.none(), required=False)
    ends_before = forms.DateField(required=False, widget=forms.DateInput(), label="Ends on or before")

    def __init__(
        self, *args: Any, partnership: Partnership, scope: Scope | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        providers = Organisation.objects.filter(contracts_provided__partnership=partnership)
        if scope is not None:
            providers = scope.filter(providers, "pk")
        self.fields["provider"].queryset = providers.distinct()
        self.fields["lead"].queryset = commissioners(partnership)
        self.fields["theme"].queryset = Theme.objects.filter(partnership=partnership)

    def apply(self, qs: QuerySet[Contract]) -> QuerySet[Contract]:
        if not self.is_valid():
            return qs
        d = self.cleaned_data
        if d["q"]:
            qs = qs.filter(Q(title__icontains=d["q"]) | Q(reference__icontains=d["q"]))
        if d["status"]:
            qs = qs.filter(status=d["status"])
        if d["contract_type"]:
            qs = qs.filter(contract_type=d["contract_type"])
        if d["provider"]:
            qs = qs.filter(provider=d["provider"])
        if d["lead"]:
            qs = qs.filter(lead_commissioner=d["lead"])
        if d["theme"]:
            qs = qs.filter(Q(services__themes=d["theme"]) | Q(intentions__themes=d["theme"])).distinct()
        if d["ends_before"]:
            qs = qs.filter(end_date__lte=d["ends_before"])
        return qs


class ExpiryForm(GovUKFormMixin, forms.Form):
    months = forms.IntegerField(
        min_value=1, max_value=120, initial=12, required=False, label="Within the next (months)"
    )
    window = forms.IntegerField(
        min_value=0,
        max_value=60,
        initial=6,
        required=False,
        label="Alignment window (months between end dates)",
    )
    as_at = forms.DateField(
        required=False, widget=forms.DateInput(), label="As at", help_text="Leave blank for today"
    )


class OcdsImportForm(GovUKFormMixin, forms.Form):
    file = forms.FileField(label="OCDS release package (JSON)")

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        try:
            imports.check_size(upload.size, uploads.limits())
            self.cleaned_data["data"] = imports.load_json(upload.file, limits=uploads.limits())
        except imports.ImportRefused as exc:
            raise forms.ValidationError([str(p) for p in exc.problems]) from exc
        return upload
