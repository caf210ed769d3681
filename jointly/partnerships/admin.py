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
for m in (models.Board, models.Meeting, models.Action, models.Agreement):
    admin.site.register(m, SimpleHistoryAdmin)
