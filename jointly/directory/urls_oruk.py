from django.urls import path

from jointly.directory import views_oruk as v

app_name = "directory_oruk"
urlpatterns = [
    path("", v.root, name="root"),
    path("openapi.json", v.openapi, name="openapi"),
    path("services", v.services, name="services"),
    path("services/<str:id>", v.service, name="service"),
    path("service_at_locations", v.service_at_locations, name="service_at_locations"),
    path("service_at_locations/<str:id>", v.service_at_location, name="service_at_location"),
    path("taxonomies", v.taxonomies, name="taxonomies"),
    path("taxonomies/<str:id>", v.taxonomy, name="taxonomy"),
    path("taxonomy_terms", v.taxonomy_terms, name="taxonomy_terms"),
    path("taxonomy_terms/<str:id>", v.taxonomy_term, name="taxonomy_term"),
]
