from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from jointly.needs import models

for m in (models.Indicator, models.ComparatorGroup, models.NeedsAssessment):
    admin.site.register(m, SimpleHistoryAdmin)


@admin.register(models.ImportLog)
class ImportLogAdmin(admin.ModelAdmin):
    """Import logs are the audit of bulk values: read them, never edit them."""

    list_display = (
        "started_on",
        "file_name",
        "layout",
        "status",
        "rows",
        "created",
        "updated",
        "uploaded_by",
    )
    list_filter = ("status", "layout")

    def has_add_permission(self, request):  # type: ignore[no-untyped-def]
        return False

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_delete_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        # A value names the log that last wrote it (ADR 0005): deleting a log would lose that, and
        # emptying ``import_log`` on its values scans the whole values table (the column has no
        # index, to keep loads fast: ADR 0032).
        return False


@admin.register(models.IndicatorValue)
class IndicatorValueAdmin(admin.ModelAdmin):
    list_display = ("indicator", "area", "period", "sex", "age", "value", "lower95", "upper95")
    list_filter = ("indicator",)
    raw_id_fields = ("indicator", "area", "import_log")
    list_select_related = ("indicator", "area")
