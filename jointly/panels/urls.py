from django.urls import path

from jointly.panels import views

app_name = "panels"
C = "<slug:panel_slug>/cases/<str:reference>/"
urlpatterns = [
    path("", views.index, name="index"),
    path("new/", views.panel_new, name="new"),
    path("<slug:panel_slug>/", views.panel, name="panel"),
    path("<slug:panel_slug>/members/", views.members, name="members"),
    path("<slug:panel_slug>/oversight/", views.oversight, name="oversight"),
    path("<slug:panel_slug>/reveals/", views.reveals, name="reveals"),
    path("<slug:panel_slug>/refer/", views.refer, name="refer"),
    path("<slug:panel_slug>/meetings/new/", views.meeting_new, name="meeting_new"),
    path(C, views.case, name="case"),
    path(C + "reveal/", views.reveal, name="reveal"),
    path(C + "break-glass/", views.break_glass, name="break_glass"),
    path(C + "identity/", views.identity_edit, name="identity"),
    path(C + "documents/new/", views.document_new, name="document_new"),
    path(C + "documents/<int:pk>/", views.document, name="document"),
    path(C + "decide/", views.decide, name="decide"),
    path(C + "end/", views.end, name="end"),
    path(C + "packages/<int:pk>/review/", views.review, name="review"),
    path(C + "packages/<int:pk>/compare/", views.compare, name="compare"),
    path(C + "shares/<int:pk>/confirm/", views.confirm_share, name="confirm_share"),
    path(C + "decisions/<int:pk>/record.docx", views.decision_record, name="decision_record"),
]
