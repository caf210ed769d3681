from django.urls import path

from jointly.outcomes import views

app_name = "outcomes"
urlpatterns = [
    path("", views.index, name="index"),
    path("unlinked-intentions/", views.unlinked_intentions, name="unlinked"),
    path("o/<int:pk>/", views.outcome, name="outcome"),
    path("o/<int:pk>/link/", views.link_new, name="link_new"),
    path("<slug:framework_slug>/", views.framework, name="framework"),
    path("<slug:framework_slug>/new/", views.outcome_form, name="outcome_new"),
    path("<slug:framework_slug>/<int:pk>/edit/", views.outcome_form, name="outcome_edit"),
]
