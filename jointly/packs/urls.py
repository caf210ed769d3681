from django.urls import path

from jointly.packs import views

app_name = "packs"
# A meeting of a board: /p/<slug>/boards/<board_slug>/meetings/<meeting_id>/...
M = "boards/<slug:board_slug>/meetings/<int:meeting_id>/"
urlpatterns = [
    path(M, views.agenda, name="agenda"),
    path(M + "public/", views.meeting_public, name="meeting_public"),
    path(M + "items/new/", views.item_form, name="item_new"),
    path(M + "items/<int:item_id>/", views.item_form, name="item_edit"),
    path(M + "items/<int:item_id>/remove/", views.item_delete, name="item_delete"),
    path(M + "preview/", views.preview, name="preview"),
    path(M + "minutes/", views.minutes, name="minutes"),
    path(M + "minutes/<int:link_id>/apply/", views.decision_apply, name="decision_apply"),
    path(M + "packs/build/", views.pack_build, name="build"),
    path(M + "packs/<int:pack_id>/", views.pack, name="pack"),
    path(M + "packs/<int:pack_id>/issue/", views.pack_issue, name="issue"),
    path(M + "packs/<int:pack_id>/<str:fmt>/", views.pack_file, name="file"),
]
