from django.urls import path

from jointly.engagement import views

app_name = "engagement"
urlpatterns = [
    path("", views.index, name="index"),
    path("feedback/<int:pk>/", views.feedback, name="feedback"),
    path("responses/new/<slug:offer>/", views.response, name="response_new"),
    path("responses/<int:pk>/", views.response, name="response"),
    path("activities/new/", views.activity, name="activity_new"),
    path("activities/<int:pk>/", views.activity, name="activity"),
]
