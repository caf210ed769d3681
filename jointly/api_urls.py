"""REST API v1 routes (OpenAPI at /api/v1/openapi.json)."""

from django.urls import path
from rest_framework.routers import DefaultRouter

from jointly.contracts import api as contracts_api
from jointly.core.attention_api import AttentionView
from jointly.directory import api as directory_api
from jointly.finance import api as finance_api
from jointly.intentions import api as intentions_api
from jointly.jobs import api as jobs_api
from jointly.needs import api as needs_api
from jointly.outcomes import api as outcomes_api
from jointly.packs import api as packs_api
from jointly.panels import api as panels_api
from jointly.partnerships import api as partnerships_api
from jointly.performance import api as performance_api
from jointly.risks import api as risks_api
from jointly.services import api as services_api

router = DefaultRouter()
router.register("areas", partnerships_api.AreaViewSet)
router.register("organisations", partnerships_api.OrganisationViewSet)
router.register("partnerships", partnerships_api.PartnershipViewSet)
router.register("boards", partnerships_api.BoardViewSet)
router.register("board-members", partnerships_api.BoardMemberViewSet)
router.register("meetings", partnerships_api.MeetingViewSet)
router.register("decisions", partnerships_api.DecisionViewSet)
router.register("actions", partnerships_api.ActionViewSet)
router.register("agreements", partnerships_api.AgreementViewSet)
router.register("reporting-lines", partnerships_api.ReportingLineViewSet)
router.register("frameworks", outcomes_api.FrameworkViewSet)
router.register("outcomes", outcomes_api.OutcomeViewSet)
router.register("outcome-links", outcomes_api.OutcomeLinkViewSet)
router.register("themes", intentions_api.ThemeViewSet)
router.register("intentions", intentions_api.IntentionViewSet)
router.register("milestones", intentions_api.MilestoneViewSet)
router.register("progress", intentions_api.ProgressViewSet)

for module in (
    contracts_api,
    services_api,
    performance_api,
    needs_api,
    jobs_api,
    risks_api,
    finance_api,
    packs_api,
    panels_api,
    directory_api,
):
    module.register(router)

urlpatterns = [
    path("attention/", AttentionView.as_view(), name="attention"),
    path("panel-aggregates/", panels_api.PanelAggregatesView.as_view(), name="panel-aggregates"),
    *router.urls,
]
