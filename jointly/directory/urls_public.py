from django.urls import path

from jointly.directory import views_public

app_name = "directory_public"
urlpatterns = [
    path("", views_public.offers, name="offers"),
    path("<slug:slug>/", views_public.search, name="search"),
    path("<slug:slug>/print/", views_public.printable, name="print"),
    path("<slug:slug>/services/<str:uuid>/", views_public.service, name="service"),
    path("<slug:slug>/information/", views_public.information_index, name="information_index"),
    path("<slug:slug>/information/<str:page>/", views_public.information, name="information"),
]
