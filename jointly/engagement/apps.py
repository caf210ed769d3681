from django.apps import AppConfig


class EngagementConfig(AppConfig):
    name = "jointly.engagement"
    label = "engagement"
    verbose_name = "Engagement and feedback"
