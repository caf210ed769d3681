from django.urls import path

from jointly.directory import views, views_information

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
    # A Local Offer's information pages (Schedule 2 topics) and their coverage.
    path("offers/<slug:offer>/information/", views_information.index, name="information_index"),
    path("offers/<slug:offer>/information/new/", views_information.page, name="information_new"),
    path("offers/<slug:offer>/information/<int:pk>/", views_information.page, name="information"),
    path(
        "offers/<slug:offer>/information/<int:pk>/publish/",
        views_information.publish,
        name="information_publish",
    ),
    path("offers/<slug:offer>/coverage/", views_information.coverage, name="information_coverage"),
]
