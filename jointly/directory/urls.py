from django.urls import path

from jointly.directory import views

app_name = "directory"
urlpatterns = [
    path("", views.index, name="index"),
    path("new/", views.new_entry, name="new"),
    path("<int:pk>/", views.entry, name="entry"),
    path("<int:pk>/locations/new/", views.location, name="location_new"),
    path("<int:pk>/locations/<int:child_pk>/", views.location, name="location"),
    path("<int:pk>/schedules/new/", views.schedule, name="schedule_new"),
    path("<int:pk>/schedules/<int:child_pk>/", views.schedule, name="schedule"),
    path("<int:pk>/propose/", views.propose, name="propose"),
    path("proposals/<int:pk>/", views.proposal, name="proposal"),
]
