"""Give every stored procurement a start date and the route of its time.

Before this migration every project carried a route of today's law (Procurement Act 2023 or
the Provider Selection Regime), even the 2013 and 2014 ones. The start date is taken from the
project's earliest stage (planned or actual); the route becomes the same kind of procedure
under the law in force on that date for that buyer (``procurement_law.equivalent_route``).
Projects without stages keep their route and no date (the page and the form then ask for one).
Reversing keeps the new routes and clears the dates set here.
"""

from django.db import migrations
from django.db.models import Min

from jointly.contracts import procurement_law


def routes_of_their_time(apps, schema_editor):
    Project = apps.get_model("contracts", "ProcurementProject")
    for project in Project.objects.select_related("lead_commissioner").order_by("pk"):
        changed = []
        if project.start_date is None:
            dates = project.stages.aggregate(planned=Min("planned_date"), actual=Min("actual_date"))
            known = [d for d in (dates["planned"], dates["actual"]) if d is not None]
            if known:
                project.start_date = min(known)
                changed.append("start_date")
        lead = project.lead_commissioner
        buyer = procurement_law.buyer_for(lead.kind if lead is not None else None)
        route = procurement_law.equivalent_route(
            project.route, buyer, project.start_date, procurement_law.ServiceKind(project.service_kind)
        )
        if route != project.route:
            project.route = route
            changed.append("route")
        if changed:
            project.save(update_fields=changed)


def clear_dates(apps, schema_editor):
    # The dates were derived; routes stay (they are valid choices either way).
    apps.get_model("contracts", "ProcurementProject").objects.update(start_date=None)


class Migration(migrations.Migration):
    dependencies = [("contracts", "0003_procurement_law_procurement")]

    operations = [migrations.RunPython(routes_of_their_time, clear_dates)]
