from __future__ import annotations

from typing import Any

from django import forms

from jointly.core.forms import GovUKFormMixin, VersionedModelForm
from jointly.core.rules import raise_for
from jointly.outcomes import rules
from jointly.outcomes.models import Framework, Outcome


class OutcomeForm(VersionedModelForm):
    class Meta:
        model = Outcome
        fields = ["code", "title", "description", "parent", "position"]

    def __init__(self, *args: Any, framework: Framework, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.instance.framework = framework
        parents = framework.outcomes.all()
        if self.instance.pk:
            parents = parents.exclude(pk=self.instance.pk)
        self.fields["parent"].queryset = parents
        self.fields["position"].required = False

    def clean_code(self) -> str:
        code = self.cleaned_data["code"].strip()
        raise_for(rules.outcome_code(self.instance.framework, code, self.instance), "code")
        return code

    def clean_parent(self) -> Outcome | None:
        parent = self.cleaned_data.get("parent")
        node = parent
        while node is not None and self.instance.pk:
            if node.pk == self.instance.pk:
                raise forms.ValidationError("An outcome cannot sit under itself.")
            node = node.parent
        return parent

    def clean_position(self) -> int:
        return self.cleaned_data.get("position") or 0


class OutcomeLinkForm(GovUKFormMixin, forms.Form):
    target = forms.ModelChoiceField(queryset=Outcome.objects.none(), label="This outcome contributes to")

    def __init__(self, *args: Any, source: Outcome, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.source = source
        self.fields["target"].queryset = (
            Outcome.objects.filter(framework__partnership=source.framework.partnership)
            .exclude(pk=source.pk)
            .select_related("framework")
        )
        self.fields["target"].label_from_instance = lambda o: f"{o.framework.name}: {o}"

    def clean_target(self) -> Outcome:
        target = self.cleaned_data["target"]
        raise_for(rules.link_target(self.source, target), "target")
        return target
