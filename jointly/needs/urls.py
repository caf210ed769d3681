from django.urls import path

from jointly.needs import views

app_name = "needs"
urlpatterns = [
    path("", views.index, name="index"),
    path("profile/", views.profile, name="profile"),
    path("gaps/", views.gaps, name="gaps"),
    path("import/", views.import_values, name="import"),
    path("import/<int:pk>/", views.import_status, name="import_status"),
    path("import/fetch/", views.fetch_values, name="fetch"),
    path("indicators/new/", views.indicator_form, name="indicator_new"),
    path("indicators/<int:pk>/", views.indicator_detail, name="indicator"),
    path("indicators/<int:pk>/edit/", views.indicator_form, name="indicator_edit"),
    path("indicators/<int:pk>/compare/", views.compare, name="compare"),
    path("indicators/<int:pk>/funnel/", views.funnel, name="funnel"),
    path("comparators/", views.comparator_list, name="comparators"),
    path("comparators/new/", views.comparator_form, name="comparator_new"),
    path("comparators/<int:pk>/edit/", views.comparator_form, name="comparator_edit"),
    path("assessments/", views.assessment_list, name="assessments"),
    path("assessments/new/", views.assessment_form, name="assessment_new"),
    path("assessments/<int:pk>/", views.assessment_detail, name="assessment"),
    path("assessments/<int:pk>/edit/", views.assessment_form, name="assessment_edit"),
]
