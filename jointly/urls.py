from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularJSONAPIView, SpectacularSwaggerSplitView

from jointly.accounts import views as accounts_views
from jointly.core import views_info
from jointly.core.api import api_not_found
from jointly.core.views_health import healthz, readyz
from jointly.partnerships.views import home

urlpatterns = [
    path("", home, name="home"),
    path("login/", login_not_required(accounts_views.SignInView.as_view()), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("account/", include("jointly.accounts.urls")),
    path("account/", include("jointly.accounts.auth_urls")),
    path("healthz", healthz, name="healthz"),
    path("readyz", readyz, name="readyz"),
    path("accessibility/", views_info.accessibility, name="accessibility"),
    path("privacy/", views_info.privacy, name="privacy"),
    path("cookies/", views_info.cookies, name="cookies"),
    path("admin/", admin.site.urls),
    path("api/v1/", include("jointly.api_urls")),
    path("api/v1/openapi.json", SpectacularJSONAPIView.as_view(), name="openapi"),
    path("api/v1/docs/", SpectacularSwaggerSplitView.as_view(url_name="openapi"), name="api-docs"),
    path("p/<slug:slug>/", include("jointly.partnerships.urls")),
    path("p/<slug:slug>/outcomes/", include("jointly.outcomes.urls")),
    path("p/<slug:slug>/intentions/", include("jointly.intentions.urls")),
    path("p/<slug:slug>/services/", include("jointly.services.urls")),
    path("p/<slug:slug>/contracts/", include("jointly.contracts.urls")),
    path("p/<slug:slug>/performance/", include("jointly.performance.urls")),
    path("p/<slug:slug>/needs/", include("jointly.needs.urls")),
    path("p/<slug:slug>/directory/", include("jointly.directory.urls")),
    path("p/<slug:slug>/engagement/", include("jointly.engagement.urls")),
    # The public Local Offer and its Open Referral UK API (no sign-in; jointly/directory/public.py).
    path("local-offer/", include("jointly.directory.urls_public")),
    path("local-offer/<slug:slug>/oruk/", include("jointly.directory.urls_oruk")),
    path("local-offer/<slug:slug>/", include("jointly.engagement.urls_public")),
    path("p/<slug:slug>/risks/", include("jointly.risks.urls")),
    path("p/<slug:slug>/finance/", include("jointly.finance.urls")),
    path("p/<slug:slug>/", include("jointly.packs.urls")),
    # Published board papers (public parts of issued packs; no sign-in; jointly/packs/public.py).
    path("papers/", include("jointly.packs.urls_public")),
    path("p/<slug:slug>/panels/", include("jointly.panels.urls")),
]

# GOV.UK pages for people, JSON under /api/; never a traceback (jointly/core/views_errors.py).
handler400 = "jointly.core.views_errors.bad_request"
handler403 = "jointly.core.views_errors.permission_denied"
handler404 = "jointly.core.views_errors.page_not_found"
handler500 = "jointly.core.views_errors.server_error"
# Last: an address under /api/ that no route above matched answers JSON 404 (jointly.core.api).
urlpatterns.append(re_path(r"^api/", api_not_found))
