"""Forms of the needs pages."""

from __future__ import annotations

from typing import Any

from django import forms

from jointly.core.forms import DateInput, GovUKFormMixin, VersionedModelForm
from jointly.core.rules import raise_for
from jointly.core.uploads import max_upload_bytes, too_large_message
from jointly.intentions.models import Intention, Theme
from jointly.needs import rules
from jointly.needs.models import ComparatorGroup, ImportLayout, Indicator, NeedsAssessment
from jointly.outcomes.models import Outcome
from jointly.partnerships.models import Area, Partnership

MAX_UPLOAD_BYTES = 500 * 1024 * 1024  # the default of settings.JOINTLY_MAX_NEEDS_UPLOAD_BYTES


class ImportForm(GovUKFormMixin, forms.Form):
    layout = forms.ChoiceField(choices=ImportLayout.choices, widget=forms.RadioSelect)
    file = forms.FileField(label="CSV file", help_text="UTF-8 CSV, up to 500 MB")
    strict = forms.BooleanField(
        required=False,
        label="Refuse indicators and areas Jointly does not know yet",
        help_text=(
            "Without this, a Fingertips file's unknown indicators are added from their ID and name, "
            "and unknown areas from their GSS code and name; the report lists them."
        ),
    )

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > max_upload_bytes("needs"):
            raise forms.ValidationError(too_large_message(max_upload_bytes("needs")))
        if not upload.name.lower().endswith((".csv", ".txt")):
            raise forms.ValidationError("Choose a CSV file (.csv).")
        return upload


class FetchForm(GovUKFormMixin, forms.Form):
    """Fetch an indicator (or a whole profile) from the Fingertips API, as a background job."""

    indicator = forms.IntegerField(
        label="Fingertips indicator ID", min_value=1, max_value=2**31 - 1, required=False,
        help_text="For example 93356. Leave empty to fetch a whole profile instead.",
    )  # fmt: skip
    profile = forms.IntegerField(
        label="Fingertips profile ID", min_value=1, max_value=2**31 - 1, required=False,
        help_text="Every indicator of a profile (a large download). Leave empty to fetch one indicator.",
    )  # fmt: skip
    area_type = forms.IntegerField(
        label="Fingertips area type ID", min_value=1, max_value=100_000, initial=502,
        help_text="502: upper-tier local authorities (counties and unitary authorities, from April 2023).",
    )  # fmt: skip
    parent_area_type = forms.IntegerField(
        label="Fingertips parent area type ID", min_value=1, max_value=100_000, initial=15,
        help_text="15: England.",
    )  # fmt: skip
    strict = forms.BooleanField(
        required=False, label="Refuse indicators and areas Jointly does not know yet",
    )  # fmt: skip

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if bool(data.get("indicator")) == bool(data.get("profile")):
            raise forms.ValidationError("Give an indicator ID or a profile ID (one of the two).")
        return data


class IndicatorForm(VersionedModelForm):
    """Edit the shared catalogue entry; theme and outcome links are this partnership's only."""

    class Meta:
        model = Indicator
        fields = [
            "code", "name", "definition", "value_type", "multiplier", "unit", "polarity", "source",
            "fingertips_id", "needed_level", "themes", "outcomes", "illustrative", "notes",
        ]  # fmt: skip
        widgets = {"themes": forms.CheckboxSelectMultiple, "outcomes": forms.CheckboxSelectMultiple}

    def __init__(self, *args: Any, partnership: Partnership, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.partnership = partnership
        self.fields["themes"].queryset = Theme.objects.filter(partnership=partnership)
        self.fields["outcomes"].queryset = Outcome.objects.filter(
            framework__partnership=partnership
        ).select_related("framework")
        if self.instance.pk and not self.is_bound:
            self.initial["themes"] = list(self.instance.themes.filter(partnership=partnership))
            self.initial["outcomes"] = list(self.instance.outcomes.filter(framework__partnership=partnership))

    def _save_m2m(self) -> None:
        """Replace this partnership's links, keeping other partnerships' links to the shared indicator."""
        indicator = self.instance
        others_themes = list(indicator.themes.exclude(partnership=self.partnership))
        others_outcomes = list(indicator.outcomes.exclude(framework__partnership=self.partnership))
        indicator.themes.set([*others_themes, *self.cleaned_data.get("themes", [])])
        indicator.outcomes.set([*others_outcomes, *self.cleaned_data.get("outcomes", [])])


class ComparatorGroupForm(VersionedModelForm):
    class Meta:
        model = ComparatorGroup
        fields = ["name", "kind", "area", "members", "description"]

    def __init__(self, *args: Any, partnership: Partnership, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.partnership = partnership
        self.instance.partnership = partnership
        self.fields["area"].queryset = partnership.areas.order_by("name")
        self.fields["members"].queryset = Area.objects.order_by("area_type", "name")
        self.fields["members"].widget.attrs["size"] = 12

    def clean_name(self) -> str:
        name = self.cleaned_data["name"].strip()
        raise_for(rules.comparator_group_name(self.partnership, name, self.instance), "name")
        return name


class NeedsAssessmentForm(VersionedModelForm):
    class Meta:
        model = NeedsAssessment
        fields = [
            "topic", "area", "date", "key_findings", "recommendations", "indicators", "outcomes",
            "intentions", "illustrative",
        ]  # fmt: skip
        widgets = {
            "date": DateInput,
            "indicators": forms.CheckboxSelectMultiple,
            "outcomes": forms.CheckboxSelectMultiple,
            "intentions": forms.CheckboxSelectMultiple,
        }

    def __init__(self, *args: Any, partnership: Partnership, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.instance.partnership = partnership
        self.fields["area"].queryset = partnership.areas.order_by("name")
        self.fields["outcomes"].queryset = Outcome.objects.filter(
            framework__partnership=partnership
        ).select_related("framework")
        self.fields["intentions"].queryset = Intention.objects.filter(partnership=partnership)
        self.fields["indicators"].queryset = Indicator.objects.order_by("name")
