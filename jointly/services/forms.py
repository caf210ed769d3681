"""Service edit form, list filters and the service map filter."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import Q, QuerySet

from jointly.accounts.permissions import Scope
from jointly.core.forms import GovUKFormMixin, VersionedModelForm
from jointly.core.rules import raise_for
from jointly.intentions.models import Intention, Theme
from jointly.outcomes.models import Outcome
from jointly.partnerships.models import COMMISSIONER_KINDS, Area, Organisation, Partnership
from jointly.services import levels, queries, rules
from jointly.services.models import CamhsTier, LevelOfNeed, Service

MAX_AGE = levels.MAX_AGE  # children's services stop at 25: levels.problems


def member_organisations(partnership: Partnership) -> QuerySet[Organisation]:
    return Organisation.objects.filter(partnership_memberships__partnership=partnership).distinct()


class ServiceForm(VersionedModelForm):
    class Meta:
        model = Service
        fields = [
            "name", "description", "provider", "commissioners", "population", "need_scale",
            "level_of_need", "camhs_tier", "age_min", "age_max", "areas", "themes", "intentions", "outcomes", "capacity",
            "capacity_unit", "published", "illustrative",
        ]  # fmt: skip
        labels = {
            "age_min": "Youngest age served",
            "age_max": "Oldest age served",
            "level_of_need": "Level of need (children's services)",
            "illustrative": "Some values are illustrative (not from a source document)",
        }
        widgets = {
            "commissioners": forms.CheckboxSelectMultiple(),
            "themes": forms.CheckboxSelectMultiple(),
        }

    def __init__(self, *args: Any, partnership: Partnership, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.instance.partnership = partnership
        for name in ("population", "need_scale"):  # left out of a post: the model's default
            self.fields[name].required = False
        orgs = member_organisations(partnership)
        self.fields["provider"].queryset = orgs
        self.fields["commissioners"].queryset = orgs.filter(kind__in=COMMISSIONER_KINDS)
        self.fields["areas"].queryset = queries.scope_areas(partnership)
        self.fields["areas"].help_text = "Leave empty if the service covers the whole partnership."
        self.fields["themes"].queryset = Theme.objects.filter(partnership=partnership)
        self.fields["intentions"].queryset = Intention.objects.filter(partnership=partnership)
        self.fields["outcomes"].queryset = Outcome.objects.filter(
            framework__partnership=partnership
        ).select_related("framework")
        self.fields["outcomes"].label_from_instance = lambda o: f"{o.framework.name}: {o.code} {o.title}"
        self.fields["intentions"].label_from_instance = lambda i: f"{i.reference} {i.title}"

    def clean_name(self) -> str:
        name = self.cleaned_data["name"].strip()
        raise_for(rules.service_name(self.instance.partnership, name, self.instance), "name")
        return name

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        for name, message in rules.check_ages(data.get("age_min"), data.get("age_max")).items():
            if name not in self.errors:
                self.add_error(name, message)
        return data


class ServiceFilterForm(GovUKFormMixin, forms.Form):
    q = forms.CharField(label="Search", required=False)
    theme = forms.ModelChoiceField(queryset=Theme.objects.none(), required=False)
    level = forms.ChoiceField(
        label="Level of need", choices=[("", "Any"), *LevelOfNeed.choices], required=False
    )
    area = forms.ModelChoiceField(queryset=Area.objects.none(), required=False)
    provider = forms.ModelChoiceField(queryset=Organisation.objects.none(), required=False)
    commissioner = forms.ModelChoiceField(queryset=Organisation.objects.none(), required=False)
    age = forms.IntegerField(label="Serves age", required=False, min_value=0, max_value=rules.MAX_AGE)
    camhs_tier = forms.ChoiceField(
        label="CAMHS tier", choices=[("", "Any"), *CamhsTier.choices[1:]], required=False
    )

    def __init__(
        self, *args: Any, partnership: Partnership, scope: Scope | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        orgs = member_organisations(partnership)
        self.fields["theme"].queryset = Theme.objects.filter(partnership=partnership)
        self.fields["area"].queryset = queries.scope_areas(partnership)
        self.fields["provider"].queryset = orgs if scope is None else scope.filter(orgs, "pk")
        self.fields["commissioner"].queryset = orgs.filter(kind__in=COMMISSIONER_KINDS)
        self.fields["age"].widget.attrs["class"] += " govuk-input--width-3"

    def apply(self, qs: QuerySet[Service]) -> QuerySet[Service]:
        """Filtered services; an invalid filter shows nothing rather than everything."""
        if not self.is_bound:
            return qs
        if not self.is_valid():
            return qs.none()
        d = self.cleaned_data
        if d["q"]:
            qs = qs.filter(Q(name__icontains=d["q"]) | Q(description__icontains=d["q"]))
        if d["theme"]:
            qs = qs.filter(themes=d["theme"])
        if d["level"]:
            qs = qs.filter(level_of_need=d["level"])
        if d["area"]:
            related = queries.related_area_ids(d["area"].pk, queries.area_parents())
            # services covering the area, part of it, an area containing it, or the whole partnership
            qs = qs.filter(Q(areas__in=related) | Q(areas__isnull=True))
        if d["provider"]:
            qs = qs.filter(provider=d["provider"])
        if d["commissioner"]:
            qs = qs.filter(commissioners=d["commissioner"])
        if d["age"] is not None:
            qs = qs.filter(age_min__lte=d["age"], age_max__gte=d["age"])
        if d["camhs_tier"]:
            qs = qs.filter(camhs_tier=d["camhs_tier"])
        return qs.distinct()


class MapFilterForm(GovUKFormMixin, forms.Form):
    area = forms.ModelChoiceField(
        queryset=Area.objects.none(), required=False, empty_label="All areas", to_field_name="gss_code"
    )
    age = forms.IntegerField(label="Serves age", required=False, min_value=0, max_value=rules.MAX_AGE)

    def __init__(self, *args: Any, partnership: Partnership, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["area"].queryset = queries.scope_areas(partnership)
        self.fields["age"].widget.attrs["class"] += " govuk-input--width-3"
