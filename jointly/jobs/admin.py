from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from jointly.jobs.models import Job


@admin.register(Job)
class JobAdmin(admin.ModelAdmin):
    """Read only: jobs are created by the pages and commands, and retried with ``jointly jobs retry``."""

    list_display = ["id", "kind", "status", "done", "total", "attempts", "created_on", "finished_on"]
    list_filter = ["status", "kind"]
    readonly_fields = [f.name for f in Job._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
