from django.urls import path

from jointly.risks import views

app_name = "risks"
urlpatterns = [
    path("", views.register, name="register"),
    path("heat-map/", views.heat_map, name="heat_map"),
    path("matrix/", views.matrix, name="matrix"),
    path("import/", views.import_view, name="import"),
    path("new/", views.risk_form, name="new"),
    path("propose/", views.propose, name="propose"),
    path("proposals/", views.proposals, name="proposals"),
    path("proposals/<int:pk>/", views.proposal, name="proposal"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/edit/", views.risk_form, name="edit"),
    path("<int:pk>/rescore/", views.rescore, name="rescore"),
    path("<int:pk>/history/", views.history, name="history"),
    path("<int:pk>/controls/new/", views.control_form, name="control_new"),
    path("<int:pk>/controls/<int:item>/", views.control_form, name="control_edit"),
    path("<int:pk>/actions/new/", views.action_form, name="action_new"),
    path("<int:pk>/actions/<int:item>/", views.action_form, name="action_edit"),
]
