from django.urls import path

from jointly.services import views

app_name = "services"
urlpatterns = [
    path("", views.service_list, name="list"),
    path("new/", views.service_form, name="new"),
    path("map/", views.service_map, name="map"),
    path("map/cell/", views.map_cell, name="map_cell"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/edit/", views.service_form, name="edit"),
    path("<int:pk>/history/", views.history, name="history"),
]
