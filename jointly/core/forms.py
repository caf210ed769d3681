"""Form helpers: GOV.UK-styled widgets and optimistic-locking edits."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms

from jointly.core.models import StaleEdit, VersionedModel, save_versioned
from jointly.core.validators import NoControlCharactersValidator


def _unix_newlines(to_python: Any) -> Any:
    """Browsers send a text area's line breaks as CRLF: store them as the data has them (LF), so
    pressing Save on an untouched form changes nothing (issue 10.1)."""

    def convert(value: Any) -> Any:
        value = to_python(value)
        return value.replace("\r\n", "\n").replace("\r", "\n") if isinstance(value, str) else value

    return convert


class GovUKFormMixin:
    """Adds GOV.UK Frontend classes to widgets so templates stay simple."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():  # type: ignore[attr-defined]
            widget = field.widget
            if isinstance(field, forms.CharField):
                # Same rule as the API: no control characters; line breaks in multi-line text only.
                multiline = isinstance(widget, forms.Textarea)
                field.validators.append(NoControlCharactersValidator(multiline=multiline))
                if multiline:
                    field.to_python = _unix_newlines(field.to_python)  # type: ignore[method-assign]
            css = ""
            if isinstance(widget, forms.Textarea):
                css = "govuk-textarea"
                widget.attrs.setdefault("rows", 4)
            elif isinstance(widget, forms.CheckboxSelectMultiple):
                css = ""
            elif isinstance(widget, forms.SelectMultiple):
                css = "govuk-select jointly-multi"
            elif isinstance(widget, forms.Select):
                css = "govuk-select"
            elif isinstance(widget, forms.CheckboxInput):
                css = "govuk-checkboxes__input"
            elif isinstance(widget, forms.FileInput):
                css = "govuk-file-upload"
            elif isinstance(widget, forms.DateInput) and isinstance(field, forms.DateField):
                # GOV.UK's date input: day, month and year boxes in a fieldset (includes/date_input.html).
                field.widget = GovUKDateInput(attrs={k: v for k, v in widget.attrs.items() if k != "class"})
                field.widget.is_required = field.required
                field.error_messages["invalid"] = "Enter a real date, for example 31 3 2014"
            elif not isinstance(widget, forms.HiddenInput):
                css = "govuk-input"
            if css:
                widget.attrs["class"] = (widget.attrs.get("class", "") + " " + css).strip()

    def full_clean(self) -> None:
        # Mark fields in error only once the form has been validated: validating in __init__
        # would run before subclasses set their querysets and the instance's parent.
        super().full_clean()  # type: ignore[misc]
        for name in self._errors or {}:  # type: ignore[attr-defined]
            if name in self.fields:  # type: ignore[attr-defined]
                widget = self.fields[name].widget  # type: ignore[attr-defined]
                widget.attrs["aria-describedby"] = f"{name}-error"
                if isinstance(widget, GovUKDateInput):
                    continue  # its fieldset is marked; each box gets govuk-input--error in its template
                widget.attrs["class"] = (widget.attrs.get("class", "") + " govuk-input--error").strip()


class VersionedModelForm(GovUKFormMixin, forms.ModelForm):
    """A model form that refuses to save over a change made since it was loaded."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk and not self.is_bound:
            self.initial["version"] = self.instance.version

    def save_as(self, by: Any) -> VersionedModel:
        """Save (with many-to-many) or raise StaleEdit, adding a form error first."""
        instance = self.save(commit=False)
        try:
            save_versioned(instance, expected_version=self.cleaned_data.get("version"), by=by)
        except StaleEdit:
            self.add_error(None, StaleEdit(instance).args[0])
            raise
        self.save_m2m()
        return instance


class DateInput(forms.DateInput):
    """A date field's widget in a model form's ``Meta.widgets``: GovUKFormMixin turns it into
    :class:`GovUKDateInput` (kept so forms can say which fields are dates)."""

    input_type = "date"


DATE_PARTS = ("day", "month", "year")


class GovUKDateInput(forms.MultiWidget):
    """GOV.UK's date input: three boxes (day, month, year) named ``<name>_day`` etc. and given ids
    ``<id>_day`` etc., so an error summary links to ``#<id>_day``. Every web form's date field uses
    it (GovUKFormMixin); ``includes/date_input.html`` draws it in a fieldset with a legend.

    It reads the three boxes, or a single ``<name>=YYYY-MM-DD`` (a link such as ``?as_at=2014-03-31``),
    and gives the date field ISO text; boxes that make no real date give text the field refuses with
    "... must be a real date"."""

    is_govuk_date = True

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        boxes: dict[str, forms.Widget | type[forms.Widget]] = {
            part: forms.TextInput(
                attrs={
                    "inputmode": "numeric",
                    "class": f"govuk-input govuk-date-input__input govuk-input--width-{4 if part == 'year' else 2}",
                }
            )
            for part in DATE_PARTS
        }
        super().__init__(boxes, attrs)

    def decompress(self, value: Any) -> list[Any]:
        if isinstance(value, dt.date):
            return [value.day, value.month, value.year]
        if isinstance(value, str) and value.count("-") == 2:
            year, month, day = value.split("-")
            return [
                str(int(day)) if day.isdigit() else day,
                str(int(month)) if month.isdigit() else month,
                year,
            ]
        return [None, None, None]

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        base = context["widget"]["attrs"].get("id")
        for part, sub in zip(DATE_PARTS, context["widget"]["subwidgets"], strict=True):
            sub["part"] = part
            if base:
                sub["attrs"]["id"] = f"{base}_{part}"
        return context

    def id_for_label(self, id_: str) -> str:
        return f"{id_}_day" if id_ else ""

    def value_from_datadict(self, data: Any, files: Any, name: str) -> Any:  # ISO text, not a list
        if name in data:  # a whole date in one parameter, as links and bookmarks carry it
            return data.get(name)
        day, month, year = (str(data.get(f"{name}_{part}", "")).strip() for part in DATE_PARTS)
        if not (day or month or year):
            return None
        try:
            if len(year) != 4:
                raise ValueError(year)
            return dt.date(int(year), int(month), int(day)).isoformat()
        except ValueError:
            return f"{year or '?'}-{month or '?'}-{day or '?'}"  # not a date: the field says so

    def value_omitted_from_data(self, data: Any, files: Any, name: str) -> bool:
        return name not in data and not any(f"{name}_{part}" in data for part in DATE_PARTS)
