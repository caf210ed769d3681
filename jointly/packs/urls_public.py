from django.urls import path

from jointly.packs import views_public

app_name = "packs_public"
# Published board papers, no sign-in: /papers/<partnership>/ ... (jointly/packs/public.py)
urlpatterns = [
    path("<slug:slug>/", views_public.index, name="index"),
    path("<slug:slug>/<slug:board_slug>/<int:meeting_id>/", views_public.meeting, name="meeting"),
    path("<slug:slug>/<slug:board_slug>/<int:meeting_id>/public.pdf", views_public.pdf, name="pdf"),
]
