"""Checking real API responses against the OpenAPI schema of /api/schema/.

Library: `jsonschema` (python-jsonschema, maintained, already installed as
drf-spectacular's own dependency). The schema's component schemas are OpenAPI 3.0 Schema
Objects; `as_json_schema` turns them into JSON Schema (resolve `$ref`, `nullable` → a null
alternative) and closes every object that lists its properties, so a field the schema
does not document fails as surely as a wrong type. openapi-core was considered: it
validates whole request/response pairs, but it accepts undocumented fields (OpenAPI
objects are open by default), which is the very drift this check is for.
"""

from __future__ import annotations

import copy
import datetime as dt
import re
from typing import Any
from urllib.parse import urlsplit

import jsonschema

SUCCESS = ("200", "201")
FILE_TYPES = ("text/csv", "application/octet-stream")

# Formats are checked too (jsonschema checks only those it has checkers for): a date-time
# that is not ISO 8601 or a URL without a scheme is a wrong value, and drf-spectacular's
# `oneOf: [uri, maxLength 0]` for a blank URLField needs "uri" checked to mean one of them.
FORMATS = jsonschema.FormatChecker()


@FORMATS.checks("uri", raises=ValueError)
def _is_uri(value: object) -> bool:
    if not isinstance(value, str):
        return True
    parts = urlsplit(value)
    return bool(parts.scheme and (parts.netloc or parts.path))


@FORMATS.checks("date-time", raises=ValueError)
def _is_datetime(value: object) -> bool:
    return not isinstance(value, str) or dt.datetime.fromisoformat(value.replace("Z", "+00:00")).tzinfo is not None


@FORMATS.checks("date", raises=ValueError)
def _is_date(value: object) -> bool:
    return not isinstance(value, str) or bool(dt.date.fromisoformat(value))


def as_json_schema(node: Any, components: dict[str, Any]) -> Any:
    """OpenAPI 3.0 → JSON Schema: resolve $ref, turn `nullable` into a null alternative,
    and close objects (a field the schema does not list is a mismatch too)."""
    if isinstance(node, list):
        return [as_json_schema(n, components) for n in node]
    if not isinstance(node, dict):
        return node
    if "$ref" in node:
        return as_json_schema(copy.deepcopy(components[node["$ref"].rsplit("/", 1)[1]]), components)
    out = {k: as_json_schema(v, components) for k, v in node.items() if k not in ("nullable", "readOnly", "writeOnly")}
    if out.get("type") == "object" and "properties" in out and "additionalProperties" not in out:
        out["additionalProperties"] = False
    if node.get("nullable"):
        return {"anyOf": [out, {"type": "null"}]}
    return out


def operation_for(schema: dict, method: str, path: str) -> tuple[str, dict]:
    path = path.split("?", 1)[0]
    for template, operations in schema["paths"].items():
        pattern = "^" + re.sub(r"\{[^}]+\}", "[^/]+", template) + "$"
        if re.match(pattern, path) and method.lower() in operations:
            return template, operations[method.lower()]
    raise AssertionError(f"{method} {path} is not in the schema")


def operations(schema: dict) -> list[tuple[str, str]]:
    """(METHOD, path template) of every operation the schema documents."""
    return sorted((method.upper(), template) for template, ops in schema["paths"].items()
                  for method in ops if method in ("get", "post", "put", "patch", "delete"))


def undocumented_success(schema: dict) -> list[str]:
    """Operations whose success answer has no schema of its body: no 2xx at all, a 2xx
    without content, or a JSON body documented as a free-form object (OpenApiTypes.OBJECT,
    a bare dict) that says nothing of its fields."""
    components = schema["components"]["schemas"]
    problems = []
    for method, template in operations(schema):
        responses = schema["paths"][template][method.lower()]["responses"]
        success = {code: r for code, r in responses.items() if code in SUCCESS}
        if not success:
            problems.append(f"{method} {template}: no 200/201 response documented")
        for code, response in success.items():
            content = response.get("content") or {}
            if not content:
                problems.append(f"{method} {template} {code}: no body documented")
            for media_type, body in content.items():
                if media_type in FILE_TYPES:
                    continue
                resolved = as_json_schema(body.get("schema", {}), components)
                if _free_form(resolved):
                    problems.append(f"{method} {template} {code} {media_type}: a free-form object, fields undocumented")
    return problems


def _free_form(node: Any) -> bool:
    if not isinstance(node, dict):
        return True
    if "anyOf" in node or "oneOf" in node:
        return any(_free_form(n) for n in node.get("anyOf", node.get("oneOf", [])) if n.get("type") != "null")
    if node.get("type") == "array":
        return _free_form(node.get("items"))
    if node.get("type") == "object" or not node.get("type"):
        return "properties" not in node
    return False


def assert_matches_schema(schema: dict, method: str, path: str, response) -> None:
    """The response's status is documented for this operation and its body fits it."""
    template, operation = operation_for(schema, method, path)
    documented = operation["responses"].get(str(response.status_code))
    assert documented is not None, f"{method} {template}: status {response.status_code} is not documented"
    content = documented.get("content") or {}
    media_type = (response.get("Content-Type") if hasattr(response, "get") else None) or "application/json"
    media_type = media_type.split(";", 1)[0].strip()
    if media_type != "application/json":
        # A file: its own type (text/csv), or any type where a binary body is documented.
        binary = content.get("application/octet-stream", {}).get("schema", {}).get("format") == "binary"
        assert media_type in content or binary, f"{method} {template}: {media_type} is not documented for {response.status_code}"
        return
    assert "application/json" in content, f"{method} {template}: no JSON body documented for {response.status_code}"
    body_schema = content["application/json"]["schema"]
    jsonschema.validate(response.json(), as_json_schema(body_schema, schema["components"]["schemas"]),
                        format_checker=FORMATS)
