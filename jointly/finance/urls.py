from django.urls import path

from jointly.finance import views

app_name = "finance"
urlpatterns = [
    path("", views.index, name="index"),
    path("reconciliation/", views.reconciliation, name="reconciliation"),
    path("funds/<slug:fund_slug>/", views.fund_detail, name="fund"),
    path("funds/<slug:fund_slug>/actuals/", views.actuals, name="actuals"),
    path("funds/<slug:fund_slug>/upload/", views.upload, name="upload"),
    path("funds/<slug:fund_slug>/changes/new/", views.change_new, name="change_new"),
    path("funds/<slug:fund_slug>/changes/<int:pk>/", views.change_detail, name="change"),
    path("public-health/", views.public_health, name="public_health"),
    path("public-health/consultations/new/", views.consultation_new, name="consultation_new"),
    path("savings/<slug:plan_slug>/", views.savings, name="savings"),
    path("models/<slug:model_slug>/", views.budget_model, name="model"),
]
