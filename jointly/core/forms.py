"""Form helpers: GOV.UK-styled widgets and optimistic-locking edits."""

from __future__ import annotations

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
            elif isinstance(widget, forms.DateInput):
                css = "govuk-input govuk-input--width-10"
                widget.input_type = "date"
                widget.format = "%Y-%m-%d"
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
                widget.attrs["class"] = (widget.attrs.get("class", "") + " govuk-input--error").strip()
                widget.attrs["aria-describedby"] = f"{name}-error"


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
    input_type = "date"
