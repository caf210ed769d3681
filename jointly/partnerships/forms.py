from __future__ import annotations

from typing import Any

from django import forms

from jointly.core.forms import GovUKFormMixin, VersionedModelForm
from jointly.core.rules import raise_for
from jointly.partnerships import rules
from jointly.partnerships.models import (
    KIND_BASIS,
    Action,
    Agreement,
    Board,
    BoardMember,
    CommissioningFunction,
    Flexibility,
    LegalBasis,
    Meeting,
    Organisation,
    Partnership,
    ReportingLine,
)


class BoardForm(VersionedModelForm):
    class Meta:
        model = Board
        fields = [
            "name", "slug", "kind", "purpose", "duties", "chair", "quorum",
            "meeting_frequency", "reports_to", "reporting_cadence", "illustrative", "source",
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
        raise_for(rules.board_slug(self.instance.partnership, slug, self.instance), "slug")
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
        if (
            target is not None
            and self.instance.pk
            and self.instance.reporting_lines.filter(to_board=target).exists()
        ):
            raise forms.ValidationError(
                "It already reports there along another line: remove that line first, or keep it as it is."
            )
        return target


class ReportingLineForm(VersionedModelForm):
    """A further line along which a board reports, with its cadence."""

    class Meta:
        model = ReportingLine
        fields = ["to_board", "cadence", "notes", "illustrative", "source"]
        labels = {"to_board": "Reports to"}

    def __init__(self, *args: Any, board: Board, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.instance.board = board
        self.fields["to_board"].queryset = Board.objects.filter(partnership=board.partnership).exclude(
            pk=board.pk
        )

    def clean_to_board(self) -> Board:
        target = self.cleaned_data["to_board"]
        board = self.instance.board
        if board.reports_to_id == target.pk:
            raise forms.ValidationError("This is already the board's principal reporting line.")
        clash = ReportingLine.objects.filter(board=board, to_board=target)
        if self.instance.pk:
            clash = clash.exclude(pk=self.instance.pk)
        if clash.exists():
            raise forms.ValidationError("The board already reports to this one.")
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
        self.fields["account"] = forms.EmailField(
            label="Account e-mail (optional)", required=False,
            help_text="The member's Jointly account, so they can sign in to read the board's packs",
            initial=self.instance.user.email if self.instance.user_id else "",
        )  # fmt: skip

    def clean_account(self) -> str:
        from django.contrib.auth import get_user_model

        email = self.cleaned_data.get("account", "")
        if not email:
            self.instance.user = None
            return ""
        user = get_user_model().objects.filter(email__iexact=email, is_active=True).first()
        if user is None:
            raise forms.ValidationError(
                "No active account has that e-mail address: create the account first."
            )
        self.instance.user = user
        return email

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
        fields = ["date", "title", "notes", "held_in_public", "illustrative", "source"]
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
    legal_bases = forms.MultipleChoiceField(
        choices=LegalBasis.choices, required=False, widget=forms.CheckboxSelectMultiple,
        help_text="Tick every section it is made under (a 'Section 75/256' agreement ticks both).",
    )  # fmt: skip
    flexibilities = forms.MultipleChoiceField(
        choices=Flexibility.choices, required=False, widget=forms.CheckboxSelectMultiple,
        help_text="Section 75 only.",
    )  # fmt: skip

    class Meta:
        model = Agreement
        fields = [
            "title", "slug", "kind", "legal_bases", "host", "parties", "flexibilities",
            "delegated_by", "delegated_to", "delegated_functions", "pool_manager", "managing_board",
            "fund_type", "transfer_amount", "transfer_from", "transfer_to", "transfer_purpose",
            "services_in_scope", "services_out_of_scope", "start_date", "review_date", "end_date",
            "sources_disagree", "illustrative", "source",
        ]  # fmt: skip
        widgets = {
            "start_date": forms.DateInput(),
            "review_date": forms.DateInput(),
            "end_date": forms.DateInput(),
            "parties": forms.CheckboxSelectMultiple(),
            "delegated_functions": forms.CheckboxSelectMultiple(),
        }

    ORG_FIELDS = ("host", "delegated_by", "delegated_to", "pool_manager", "transfer_from", "transfer_to")

    def __init__(self, *args: Any, partnership: Partnership, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.instance.partnership = partnership
        members = Organisation.objects.filter(partnership_memberships__partnership=partnership)
        for name in (*self.ORG_FIELDS, "parties"):
            self.fields[name].queryset = members
        self.fields["delegated_functions"].queryset = CommissioningFunction.objects.all()
        self.fields["managing_board"].queryset = Board.objects.filter(partnership=partnership)

    def clean_slug(self) -> str:
        slug = self.cleaned_data["slug"]
        raise_for(rules.agreement_slug(self.instance.partnership, slug, self.instance), "slug")
        return slug

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        start, end, review = data.get("start_date"), data.get("end_date"), data.get("review_date")
        if start and end and end < start:
            self.add_error("end_date", "The end date must be on or after the start date.")
        if start and review and review < start:
            self.add_error("review_date", "The review date must be on or after the start date.")
        implied = KIND_BASIS.get(data.get("kind"))
        if implied and "legal_bases" in data and implied not in data["legal_bases"]:
            data["legal_bases"] = [
                implied.value,
                *data["legal_bases"],
            ]  # a Section 75 agreement is made under s75
        parties = data.get("parties")
        if parties is None:
            return data
        probe = Agreement(partnership=self.instance.partnership, kind=self.instance.kind)
        for name in ("kind", "legal_bases", "flexibilities", "fund_type", "transfer_amount",
                     "managing_board", *self.ORG_FIELDS):  # fmt: skip
            if name in data:
                setattr(probe, name, data[name])
        for name, message in probe.problems(list(parties)).items():
            if name in self.fields and name not in self.errors:
                self.add_error(name, message)
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
