from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from jointly.intentions import models

for m in (models.Theme, models.Intention, models.Milestone, models.ProgressUpdate):
    admin.site.register(m, SimpleHistoryAdmin)
