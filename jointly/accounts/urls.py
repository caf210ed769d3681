from django.urls import path

from jointly.accounts import views

app_name = "accounts"

urlpatterns = [
    path("", views.account, name="account"),
    path("tokens/", views.tokens, name="tokens"),
    path("tokens/<int:pk>/revoke/", views.revoke_token, name="revoke_token"),
]
