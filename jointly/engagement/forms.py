"""Forms of engagement: the public comment form, themes, responses and activities."""

from __future__ import annotations

from typing import Any

from django import forms

from jointly.core.forms import GovUKFormMixin, VersionedModelForm
from jointly.directory.models import LocalOffer
from jointly.engagement.models import CommenterCategory, EngagementActivity, Feedback, FeedbackTheme, Response
from jointly.intentions.models import Intention
from jointly.services.models import Service


class PublicFeedbackForm(GovUKFormMixin, forms.Form):
    category = forms.ChoiceField(
        label="Who are you?", choices=CommenterCategory.choices, widget=forms.RadioSelect,
        help_text="We count comments by who sent them. We do not ask for your name.",
    )  # fmt: skip
    comment = forms.CharField(
        label="Your comment", widget=forms.Textarea, max_length=2000,
        help_text="Please do not include names, addresses or anything else that could identify you or your child.",
    )  # fmt: skip
    service = forms.CharField(widget=forms.HiddenInput, required=False)
    # Spam trap: hidden from people (and from assistive technology), filled in by robots.
    nickname = forms.CharField(required=False, label="Leave this blank")

    def clean_comment(self) -> str:
        text = self.cleaned_data["comment"].strip()
        if len(text) < 3:
            raise forms.ValidationError("Enter your comment.")
        return text


class ThemeFeedbackForm(VersionedModelForm):
    new_theme = forms.CharField(label="Or a new theme", max_length=200, required=False)

    class Meta:
        model = Feedback
        fields = ["theme", "status"]

    def __init__(self, *args: Any, offer: LocalOffer, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.offer = offer
        self.fields["theme"].queryset = FeedbackTheme.objects.filter(local_offer=offer)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        name = (data.get("new_theme") or "").strip()
        if name:
            data["theme"], _ = FeedbackTheme.objects.get_or_create(local_offer=self.offer, name=name)
            self.instance.theme = data["theme"]
        return data


class ResponseForm(VersionedModelForm):
    class Meta:
        model = Response
        fields = ["theme", "you_said", "we_did", "intentions", "services", "published", "published_on"]
        widgets = {"published_on": forms.DateInput()}

    def __init__(self, *args: Any, offer: LocalOffer, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["theme"].queryset = FeedbackTheme.objects.filter(local_offer=offer)
        self.fields["intentions"].queryset = Intention.objects.filter(partnership=offer.partnership)
        self.fields["services"].queryset = Service.objects.filter(partnership=offer.partnership)
        self.instance.local_offer = offer

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("published") and not data.get("published_on"):
            self.add_error("published_on", "Give the date it is published.")
        return data


class ActivityForm(VersionedModelForm):
    class Meta:
        model = EngagementActivity
        fields = [
            "kind", "title", "held_on", "young_people", "parents_carers", "professionals", "others",
            "heard", "intentions", "services",
        ]  # fmt: skip
        widgets = {"held_on": forms.DateInput()}

    def __init__(self, *args: Any, partnership: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["intentions"].queryset = Intention.objects.filter(partnership=partnership)
        self.fields["services"].queryset = Service.objects.filter(partnership=partnership)
        self.instance.partnership = partnership
