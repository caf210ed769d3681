"""The shared GOV.UK includes in jointly/templates/includes/ render the components' markup."""

from __future__ import annotations

from django import forms
from django.template import Context, Template


def render(source: str, **context) -> str:
    return Template(source).render(Context(context))


def test_summary_row_shows_a_dash_for_nothing_and_keeps_line_breaks_when_asked():
    html = render('{% include "includes/summary_row.html" with key="Aim" value=aim pre=True %}', aim="")
    assert html == (
        '<div class="govuk-summary-list__row"><dt class="govuk-summary-list__key">Aim</dt>'
        '<dd class="govuk-summary-list__value jointly-pre">–</dd></div>'
    )
    assert "jointly-pre" not in render('{% include "includes/summary_row.html" with key="A" value="b" %}')


def test_tag_and_rag():
    assert render('{% include "includes/tag.html" with text="Missed" colour="red" %}') == (
        '<strong class="govuk-tag govuk-tag--red">Missed</strong>'
    )
    assert render('{% include "includes/rag.html" with rag="amber" %}') == (
        '<strong class="govuk-tag govuk-tag--orange jointly-rag">Amber</strong>'
    )


def test_table_head_marks_numeric_columns():
    html = render('{% include "includes/table_head.html" with columns="Ref, Value:numeric" caption="C" %}')
    assert '<caption class="govuk-table__caption govuk-table__caption--s">C</caption>' in html
    assert '<th scope="col" class="govuk-table__header">Ref</th>' in html
    assert '<th scope="col" class="govuk-table__header govuk-table__header--numeric">Value</th>' in html


class Choose(forms.Form):
    themes = forms.MultipleChoiceField(
        choices=[("1", "Early help"), ("2", "Health")], widget=forms.CheckboxSelectMultiple, help_text="Any"
    )


def test_a_multiple_choice_is_a_fieldset_with_a_legend_and_govuk_checkboxes():
    form = Choose({"themes": ["2"]})
    html = render('{% include "includes/checkboxes.html" with field=form.themes %}', form=form)
    assert '<legend class="govuk-fieldset__legend govuk-fieldset__legend--s">Themes</legend>' in html
    assert 'aria-describedby="themes-hint"' in html
    assert (
        '<input class="govuk-checkboxes__input" type="checkbox" name="themes" value="2" id="id_themes_1" checked>'
        '<label class="govuk-label govuk-checkboxes__label" for="id_themes_1">Health</label>'
    ) in html
    assert 'value="1" id="id_themes_0">' in html  # not chosen, not checked
    # includes/form.html uses it for every multiple-choice field
    page = render('{% include "includes/form.html" %}', form=form)
    assert page.count("<legend ") == 1 and page.count("govuk-checkboxes__item") == 2
