"""The OpenAPI document says an agenda item's paper may be uploaded as multipart ``file`` and a decision
link answers whether it was applied (ADR 0030). No database needed."""

from __future__ import annotations

from drf_spectacular.generators import SchemaGenerator


def test_openapi_documents_the_multipart_upload_and_applied_state():
    schema = SchemaGenerator().get_schema(request=None, public=True)
    create = schema["paths"]["/api/v1/agenda-items/"]["post"]["requestBody"]["content"]
    assert "multipart/form-data" in create
    ref = create["multipart/form-data"]["schema"]["$ref"].rsplit("/", 1)[-1]
    file_field = schema["components"]["schemas"][ref]["properties"]["file"]
    assert file_field["format"] == "binary" and "PDF" in file_field["description"]
    link = schema["components"]["schemas"]["DecisionLink"]["properties"]
    assert link["applied"]["readOnly"] is True and "not_applied" in link and link["fund"]["nullable"] is True
    assert "/api/v1/decision-links/{id}/apply/" in schema["paths"]
