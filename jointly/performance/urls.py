from django.urls import path

from jointly.performance import views

app_name = "performance"
urlpatterns = [
    path("", views.kpi_list, name="index"),
    path("summary/", views.summary, name="summary"),
    path("exceptions/", views.exceptions, name="exceptions"),
    path("late/", views.late, name="late"),
    path("pack/", views.pack, name="pack"),
    path("kpis/new/", views.kpi_form, name="kpi_new"),
    path("kpis/<str:code>/", views.kpi_detail, name="kpi"),
    path("kpis/<str:code>/edit/", views.kpi_form, name="kpi_edit"),
    path("kpis/<str:code>/curve/", views.curve, name="curve"),
    path("kpis/<str:code>/curve/edit/", views.curve_form, name="curve_edit"),
    path(
        "turn-the-curve/indicator/<int:indicator_id>/<str:area_gss>/",
        views.indicator_curve,
        name="indicator_curve",
    ),
    path(
        "turn-the-curve/indicator/<int:indicator_id>/<str:area_gss>/edit/",
        views.indicator_curve_form,
        name="indicator_curve_edit",
    ),
    path("contracts/<int:contract_id>/", views.kpi_list, name="contract"),
    path("contracts/<int:contract_id>/summary/", views.summary, name="contract_summary"),
    path("contracts/<int:contract_id>/scorecard/", views.scorecard, name="contract_scorecard"),
    path("contracts/<int:contract_id>/return/", views.return_form, name="return_form"),
    path("contracts/<int:contract_id>/upload/", views.upload, name="upload"),
    path("contracts/<int:contract_id>/template/", views.upload_template, name="template"),
    path("contracts/<int:contract_id>/notices/new/", views.notice_new, name="notice_new"),
    path("services/<int:service_id>/scorecard/", views.scorecard, name="service_scorecard"),
    path("returns/<int:pk>/", views.return_detail, name="return"),
    path("notices/<int:pk>/", views.notice, name="notice"),
    path("notices/<int:pk>/plan/", views.plan_form, name="plan_edit"),
    path("notices/<int:pk>/actions/new/", views.action_form, name="action_new"),
    path("notices/<int:pk>/actions/<int:action_id>/", views.action_form, name="action_edit"),
]
