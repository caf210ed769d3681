from __future__ import annotations

from typing import Any

from django import forms

from jointly.core.forms import GovUKFormMixin, VersionedModelForm
from jointly.partnerships.models import (
    Action,
    Agreement,
    Board,
    BoardMember,
    CommissioningFunction,
    Meeting,
    Organisation,
    Partnership,
)


class BoardForm(VersionedModelForm):
    class Meta:
        model = Board
        fields = [
            "name", "slug", "kind", "purpose", "duties", "chair", "quorum",
            "meeting_frequency", "reports_to",
        ]  # fmt: skip

    def __init__(self, *args: Any, partnership: Partnership, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.instance.partnership = partnership
        others = Board.objects.filter(partnership=partnership)
        if self.instance.pk:
            others = others.exclude(pk=self.instance.pk)
        self.fields["reports_to"].queryset = others

    def clean_slug(self) -> str:
        slug = self.cleaned_data["slug"]
        clash = Board.objects.filter(partnership=self.instance.partnership, slug=slug)
        if self.instance.pk:
            clash = clash.exclude(pk=self.instance.pk)
        if clash.exists():
            raise forms.ValidationError("Another board in this partnership already uses this slug.")
        return slug

    def clean_reports_to(self) -> Board | None:
        target = self.cleaned_data.get("reports_to")
        # Walk up the chain: a board may not (indirectly) report to itself.
        seen = set()
        node = target
        while node is not None and self.instance.pk:
            if node.pk == self.instance.pk or node.pk in seen:
                raise forms.ValidationError("That would make a reporting loop.")
            seen.add(node.pk)
            node = node.reports_to
        return target


class BoardMemberForm(GovUKFormMixin, forms.ModelForm):
    class Meta:
        model = BoardMember
        fields = ["name", "organisation", "role"]

    def __init__(self, *args: Any, board: Board, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.instance.board = board
        self.fields["organisation"].queryset = Organisation.objects.filter(
            partnership_memberships__partnership=board.partnership
        )
        self.fields["organisation"].required = False

    def clean_name(self) -> str:
        name = self.cleaned_data["name"].strip()
        clash = BoardMember.objects.filter(board=self.instance.board, name__iexact=name)
        if self.instance.pk:
            clash = clash.exclude(pk=self.instance.pk)
        if clash.exists():
            raise forms.ValidationError("This person or post is already a member.")
        return name


class MeetingForm(GovUKFormMixin, forms.ModelForm):
    decisions = forms.CharField(widget=forms.Textarea, required=False, help_text="One decision per line.")

    class Meta:
        model = Meeting
        fields = ["date", "title", "notes"]
        widgets = {"date": forms.DateInput()}


class ActionForm(VersionedModelForm):
    class Meta:
        model = Action
        fields = ["description", "owner", "due_date", "status", "meeting"]
        widgets = {"due_date": forms.DateInput()}

    def __init__(self, *args: Any, board: Board, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.instance.board = board
        self.fields["meeting"].queryset = board.meetings.all()
        self.fields["meeting"].required = False


class AgreementForm(VersionedModelForm):
    class Meta:
        model = Agreement
        fields = [
            "title", "slug", "kind", "host", "parties", "delegated_functions", "fund_type",
            "services_in_scope", "services_out_of_scope", "start_date", "review_date",
            "end_date", "illustrative",
        ]  # fmt: skip
        widgets = {
            "start_date": forms.DateInput(),
            "review_date": forms.DateInput(),
            "end_date": forms.DateInput(),
            "parties": forms.CheckboxSelectMultiple(),
            "delegated_functions": forms.CheckboxSelectMultiple(),
        }

    def __init__(self, *args: Any, partnership: Partnership, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.instance.partnership = partnership
        members = Organisation.objects.filter(partnership_memberships__partnership=partnership)
        self.fields["host"].queryset = members
        self.fields["parties"].queryset = members
        self.fields["delegated_functions"].queryset = CommissioningFunction.objects.all()

    def clean_slug(self) -> str:
        slug = self.cleaned_data["slug"]
        clash = Agreement.objects.filter(partnership=self.instance.partnership, slug=slug)
        if self.instance.pk:
            clash = clash.exclude(pk=self.instance.pk)
        if clash.exists():
            raise forms.ValidationError("Another agreement in this partnership already uses this slug.")
        return slug

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        start, end, review = data.get("start_date"), data.get("end_date"), data.get("review_date")
        if start and end and end < start:
            self.add_error("end_date", "The end date must be on or after the start date.")
        if start and review and review < start:
            self.add_error("review_date", "The review date must be on or after the start date.")
        host, parties = data.get("host"), data.get("parties")
        if host and parties is not None and host not in parties:
            self.add_error("host", "The host must be one of the parties.")
        return data


class PartnershipForm(VersionedModelForm):
    class Meta:
        model = Partnership
        fields = ["name", "description", "population_group", "age_min", "age_max", "reference_date"]
        widgets = {"reference_date": forms.DateInput()}

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        lo, hi = data.get("age_min"), data.get("age_max")
        if lo is not None and hi is not None and lo > hi:
            self.add_error("age_max", "The upper age must not be below the lower age.")
        if hi is not None and hi > 25:
            self.add_error("age_max", "Children's and young people's services cover ages 0 to 25.")
        return data
