from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from jointly.outcomes import models

admin.site.register(models.Framework, SimpleHistoryAdmin)
admin.site.register(models.Outcome, SimpleHistoryAdmin)
admin.site.register(models.OutcomeLink, SimpleHistoryAdmin)
