from typing import Any

from django.core.validators import RegexValidator
from drf_spectacular.openapi import AutoSchema
from rest_framework.fields import CharField

ERROR_SCHEMA = {
    "type": "object",
    "properties": {
        "detail": {"type": "string", "description": "What went wrong, in the user's language."},
        "errors": {
            "type": "object",
            "description": "Per-field messages, for invalid input.",
            "additionalProperties": True,
        },
    },
    "required": ["detail"],
}
ERROR_REF = {"$ref": "#/components/schemas/Error"}
ERRORS = {
    "401": "Not logged in, or the token is not valid.",
    "403": "Your role does not allow this.",
    "404": "Not found, or not in one of your organisations.",
}


BLANK_BRANCH = {"type": "string", "maxLength": 0}


def _without_blank_branch(schema: dict[str, Any]) -> dict[str, Any]:
    """ "" matches a string schema without minLength already: a oneOf that adds a blank-only
    branch would make "" match twice, which oneOf forbids."""
    branches = schema.get("oneOf")
    if not branches or len(branches) != 2 or branches[1] != BLANK_BRANCH:
        return schema
    if branches[0].get("type") != "string" or branches[0].get("minLength"):
        return schema
    merged = {key: value for key, value in schema.items() if key != "oneOf"}
    return {**branches[0], **merged}


class KlankbordAutoSchema(AutoSchema):
    """Documents the JSON errors every operation can return."""

    def _insert_field_validators(self, field: Any, schema: dict[str, Any]) -> None:
        super()._insert_field_validators(field, schema)
        collapsed = _without_blank_branch(schema)
        if collapsed is not schema:
            schema.clear()
            schema.update(collapsed)

    def _map_serializer_field(
        self, field: Any, direction: str, bypass_extensions: bool = False
    ) -> Any:
        schema = super()._map_serializer_field(field, direction, bypass_extensions)
        # Text fields refuse NUL characters (as PostgreSQL must); say so in the schema. A field
        # with a pattern of its own states it instead.
        if (
            isinstance(field, CharField)
            and schema.get("type") == "string"
            and "pattern" not in schema
            and not any(isinstance(v, RegexValidator) for v in field.validators)
        ):
            schema["pattern"] = "^[^\\u0000]*$"
        return schema

    def get_operation(self, *args: Any, **kwargs: Any) -> dict[str, Any] | None:
        operation = super().get_operation(*args, **kwargs)
        if operation is None:
            return None
        errors = dict(ERRORS)
        has_query = any(p.get("in") == "query" for p in operation.get("parameters", []))
        if has_query or self.method in ("POST", "PUT", "PATCH"):
            errors["400"] = "The input is not valid; `errors` says per field or parameter why."
        for code, description in errors.items():
            operation["responses"].setdefault(
                code,
                {
                    "description": description,
                    "content": {"application/json": {"schema": ERROR_REF}},
                },
            )
        return operation


def add_error_component(result: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
    result.setdefault("components", {}).setdefault("schemas", {})["Error"] = ERROR_SCHEMA
    return result
