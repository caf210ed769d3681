from django.urls import path

from jointly.contracts import views

app_name = "contracts"
urlpatterns = [
    path("", views.register, name="register"),
    path("new/", views.contract_form, name="new"),
    path("expiry/", views.expiry, name="expiry"),
    path("timeline/", views.timeline, name="timeline"),
    path("pipeline/", views.pipeline, name="pipeline"),
    path("conflicts/", views.conflicts, name="conflicts"),
    path("ocds/", views.ocds_export, name="ocds_export"),
    path("ocds/import/", views.ocds_import, name="ocds_import"),
    path("ocds/import/<int:pk>/", views.ocds_import_log, name="ocds_import_log"),
    path("procurement/new/", views.procurement_form, name="procurement_new"),
    path("procurement/<int:pk>/", views.procurement, name="procurement"),
    path("procurement/<int:pk>/edit/", views.procurement_form, name="procurement_edit"),
    path("procurement/<int:pk>/stages/new/", views.stage_form, name="stage_new"),
    path("procurement/<int:pk>/stages/<int:child_pk>/", views.stage_form, name="stage_edit"),
    path("procurement/<int:pk>/conflicts/new/", views.conflict_form, name="conflict_new"),
    path("procurement/<int:pk>/conflicts/<int:child_pk>/", views.conflict_form, name="conflict_edit"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/edit/", views.contract_form, name="edit"),
    path("<int:pk>/money/", views.money_form, name="money"),
    path("<int:pk>/funding/new/", views.funding_form, name="funding_new"),
    path("<int:pk>/funding/<int:child_pk>/", views.funding_form, name="funding_edit"),
    path("<int:pk>/documents/new/", views.document_form, name="document_new"),
    path("<int:pk>/documents/<int:child_pk>/", views.document_form, name="document_edit"),
    path("<int:pk>/subcontractors/new/", views.subcontractor_form, name="subcontractor_new"),
    path("<int:pk>/subcontractors/<int:child_pk>/", views.subcontractor_form, name="subcontractor_edit"),
    path("<int:pk>/variations/new/", views.variation_form, name="variation_new"),
    path("<int:pk>/variations/<int:child_pk>/", views.variation_form, name="variation_edit"),
    path("<int:pk>/variations/<int:variation_pk>/decide/", views.decide_variation, name="variation_decide"),
]
