from django.urls import path

from jointly.engagement import views_public

app_name = "engagement_public"
urlpatterns = [
    path("feedback/", views_public.feedback, name="feedback"),
    path("feedback/thanks/", views_public.thanks, name="thanks"),
    path("you-said-we-did/", views_public.you_said, name="you_said"),
]
