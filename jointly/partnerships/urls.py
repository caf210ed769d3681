from django.urls import path

from jointly.partnerships import views

app_name = "partnerships"
urlpatterns = [
    path("", views.detail, name="detail"),
    path("edit/", views.edit, name="edit"),
    path("governance/", views.governance, name="governance"),
    path("boards/new/", views.board_form, name="board_new"),
    path("boards/<slug:board_slug>/", views.board, name="board"),
    path("boards/<slug:board_slug>/edit/", views.board_form, name="board_edit"),
    path("boards/<slug:board_slug>/members/new/", views.board_member_form, name="member_new"),
    path("boards/<slug:board_slug>/members/<int:member_id>/", views.board_member_form, name="member_edit"),
    path("boards/<slug:board_slug>/lines/new/", views.reporting_line_form, name="line_new"),
    path("boards/<slug:board_slug>/lines/<int:line_id>/", views.reporting_line_form, name="line_edit"),
    path("boards/<slug:board_slug>/meetings/new/", views.meeting_new, name="meeting_new"),
    path("boards/<slug:board_slug>/actions/new/", views.action_form, name="action_new"),
    path("boards/<slug:board_slug>/actions/<int:action_id>/", views.action_form, name="action_edit"),
    path("agreements/new/", views.agreement_form, name="agreement_new"),
    path("agreements/<slug:agreement_slug>/", views.agreement, name="agreement"),
    path("agreements/<slug:agreement_slug>/edit/", views.agreement_form, name="agreement_edit"),
]
