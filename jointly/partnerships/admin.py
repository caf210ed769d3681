from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from jointly.partnerships import models


class MemberInline(admin.TabularInline):
    model = models.PartnershipMember
    extra = 0


@admin.register(models.Partnership)
class PartnershipAdmin(SimpleHistoryAdmin):
    inlines = [MemberInline]
    list_display = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(models.Organisation)
class OrganisationAdmin(SimpleHistoryAdmin):
    list_display = ["name", "kind", "ods_code", "gss_code"]
    list_filter = ["kind"]
    search_fields = ["name", "ods_code", "gss_code"]


@admin.register(models.Area)
class AreaAdmin(SimpleHistoryAdmin):
    list_display = ["name", "gss_code", "area_type", "parent"]
    search_fields = ["name", "gss_code"]


admin.site.register(models.CommissioningFunction)
for m in (models.Meeting, models.Action):
    admin.site.register(m, SimpleHistoryAdmin)


class ReportingLineInline(admin.TabularInline):
    model = models.ReportingLine
    fk_name = "board"
    extra = 0
    fields = ["to_board", "cadence", "notes", "illustrative", "source"]


@admin.register(models.Board)
class BoardAdmin(SimpleHistoryAdmin):
    inlines = [ReportingLineInline]
    list_display = ["name", "partnership", "reports_to", "reporting_cadence", "illustrative"]
    list_filter = ["partnership", "illustrative"]
    search_fields = ["name", "slug"]


@admin.register(models.ReportingLine)
class ReportingLineAdmin(SimpleHistoryAdmin):
    list_display = ["board", "to_board", "cadence", "illustrative"]
    list_filter = ["cadence", "illustrative"]


@admin.register(models.Agreement)
class AgreementAdmin(SimpleHistoryAdmin):
    list_display = [
        "title",
        "partnership",
        "kind",
        "legal_bases",
        "fund_type",
        "transfer_amount",
        "illustrative",
    ]
    list_filter = ["kind", "fund_type", "illustrative"]
    search_fields = ["title", "slug", "source"]
