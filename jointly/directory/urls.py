from django.urls import path

from jointly.directory import views

app_name = "directory"
urlpatterns = [
    path("", views.index, name="index"),
    path("<int:pk>/", views.entry, name="entry"),
    path("<int:pk>/propose/", views.propose, name="propose"),
    path("proposals/<int:pk>/", views.proposal, name="proposal"),
]
