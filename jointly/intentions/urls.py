from django.urls import path

from jointly.intentions import views

app_name = "intentions"
urlpatterns = [
    path("", views.register, name="register"),
    path("new/", views.intention_form, name="new"),
    path("report/", views.progress_report, name="progress_report"),
    path("import/", views.import_view, name="import"),
    path("<str:reference>/", views.detail, name="detail"),
    path("<str:reference>/edit/", views.intention_form, name="edit"),
    path("<str:reference>/milestones/new/", views.milestone_form, name="milestone_new"),
    path("<str:reference>/milestones/<int:pk>/", views.milestone_form, name="milestone_edit"),
    path("<str:reference>/progress/new/", views.progress_form, name="progress_new"),
    path("<str:reference>/progress/<int:pk>/", views.progress_form, name="progress_edit"),
]
