from django.urls import path

from jointly.packs import views

app_name = "packs"
urlpatterns = [
    path("", views.agenda, name="agenda"),
    path("items/new/", views.item_form, name="item_new"),
    path("items/<int:item_id>/", views.item_form, name="item_edit"),
    path("items/<int:item_id>/remove/", views.item_delete, name="item_delete"),
    path("preview/", views.preview, name="preview"),
    path("minutes/", views.minutes, name="minutes"),
    path("packs/build/", views.pack_build, name="build"),
    path("packs/<int:pack_id>/", views.pack, name="pack"),
    path("packs/<int:pack_id>/issue/", views.pack_issue, name="issue"),
    path("packs/<int:pack_id>/<str:fmt>/", views.pack_file, name="file"),
]
