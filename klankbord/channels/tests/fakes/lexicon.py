"""A small AT Protocol lexicon validator, so the fake Bluesky speaks exactly the real schema.

It covers what the endpoints we use need: objects, strings with their length, grapheme and
format rules, integers, booleans, arrays, refs, unions (open and closed), blobs, bytes,
cid-links, unknown, records, and the params/input/output of queries and procedures.
"""

import json
import re
from datetime import datetime
from functools import cache
from pathlib import Path
from typing import Any

from klankbord.lib.text import grapheme_count

LEXICONS = Path(__file__).resolve().parent.parent / "fixtures" / "lexicons"

FORMATS = {
    "did": re.compile(r"^did:[a-z]+:[a-zA-Z0-9._:%-]*[a-zA-Z0-9._-]$"),
    "handle": re.compile(
        r"^([a-zA-Z0-9]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?\.)+[a-zA-Z]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?$"
    ),
    "nsid": re.compile(r"^[a-zA-Z]([a-zA-Z0-9-]*)(\.[a-zA-Z0-9-]+)+(\.[a-zA-Z][a-zA-Z0-9]*)$"),
    "at-uri": re.compile(r"^at://[^/\s]+(/[a-zA-Z0-9.-]+(/[a-zA-Z0-9._~:@!$&')(*+,;=-]+)?)?$"),
    "cid": re.compile(r"^[a-zA-Z0-9+=]{8,}$"),
    "tid": re.compile(r"^[234567abcdefghij][234567abcdefghijklmnopqrstuvwxyz]{12}$"),
    "record-key": re.compile(r"^[a-zA-Z0-9._:~-]{1,512}$"),
    "language": re.compile(r"^[a-zA-Z]{2,3}(-[a-zA-Z0-9]+)*$"),
    "uri": re.compile(r"^[a-z][a-z0-9+.-]*:\S+$"),
}


class LexiconError(AssertionError):
    pass


@cache
def document(nsid: str) -> dict[str, Any]:
    path = LEXICONS.joinpath(*nsid.split(".")).with_suffix(".json")
    if not path.exists():
        raise LexiconError(f"no lexicon for {nsid}")
    return dict(json.loads(path.read_text()))


def resolve(ref: str, context: str) -> tuple[dict[str, Any], str]:
    """A ref like '#entity', 'app.bsky.richtext.facet' or 'app.bsky.embed.defs#aspectRatio'."""
    nsid, _, name = ref.partition("#")
    nsid = nsid or context
    definition = document(nsid)["defs"][name or "main"]
    return definition, nsid


def check_format(value: str, fmt: str, path: str) -> None:
    if fmt == "datetime":
        try:
            datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError as error:
            raise LexiconError(f"{path}: not a datetime: {value!r}") from error
        if "T" not in value:
            raise LexiconError(f"{path}: datetime needs a time: {value!r}")
        return
    if fmt == "at-identifier":
        if not (FORMATS["did"].match(value) or FORMATS["handle"].match(value)):
            raise LexiconError(f"{path}: not a DID or handle: {value!r}")
        return
    pattern = FORMATS.get(fmt)
    if pattern is not None and not pattern.match(value):
        raise LexiconError(f"{path}: not a valid {fmt}: {value!r}")


def validate(value: Any, schema: dict[str, Any], context: str, path: str = "$") -> None:
    kind = schema["type"]
    if kind == "ref":
        target, nsid = resolve(schema["ref"], context)
        validate(value, target, nsid, path)
    elif kind == "union":
        validate_union(value, schema, context, path)
    elif kind in ("object", "params"):
        validate_object(value, schema, context, path)
    elif kind == "record":
        validate_object(value, schema["record"], context, path)
    elif kind == "string":
        validate_string(value, schema, path)
    elif kind == "integer":
        if not isinstance(value, int) or isinstance(value, bool):
            raise LexiconError(f"{path}: expected integer, got {value!r}")
        if value < schema.get("minimum", value) or value > schema.get("maximum", value):
            raise LexiconError(f"{path}: {value} out of range")
    elif kind == "boolean":
        if not isinstance(value, bool):
            raise LexiconError(f"{path}: expected boolean, got {value!r}")
    elif kind == "array":
        if not isinstance(value, list):
            raise LexiconError(f"{path}: expected array")
        if len(value) > schema.get("maxLength", len(value)):
            raise LexiconError(f"{path}: more than {schema['maxLength']} items")
        for index, item in enumerate(value):
            validate(item, schema["items"], context, f"{path}[{index}]")
    elif kind == "blob":
        if not (isinstance(value, dict) and value.get("$type") == "blob" and "ref" in value):
            raise LexiconError(f"{path}: expected a blob reference, got {value!r}")
    elif kind == "cid-link":
        if not (isinstance(value, dict) and "$link" in value):
            raise LexiconError(f"{path}: expected a cid-link")
    elif kind in ("unknown", "bytes", "token"):
        return
    else:
        raise LexiconError(f"{path}: unsupported lexicon type {kind}")


def validate_object(value: Any, schema: dict[str, Any], context: str, path: str) -> None:
    if not isinstance(value, dict):
        raise LexiconError(f"{path}: expected object, got {type(value).__name__}")
    for name in schema.get("required", []):
        if name not in value:
            raise LexiconError(f"{path}: missing required {name!r}")
    for name, prop in schema.get("properties", {}).items():
        if name in value and value[name] is not None:
            validate(value[name], prop, context, f"{path}.{name}")
        elif name in value and name not in schema.get("nullable", []):
            raise LexiconError(f"{path}.{name}: null is not allowed")


def validate_string(value: Any, schema: dict[str, Any], path: str) -> None:
    if not isinstance(value, str):
        raise LexiconError(f"{path}: expected string, got {value!r}")
    if len(value.encode()) > schema.get("maxLength", 10**9):
        raise LexiconError(f"{path}: longer than {schema['maxLength']} bytes")
    if grapheme_count(value) > schema.get("maxGraphemes", 10**9):
        raise LexiconError(f"{path}: more than {schema['maxGraphemes']} graphemes")
    if "enum" in schema and value not in schema["enum"]:
        raise LexiconError(f"{path}: {value!r} not one of {schema['enum']}")
    if "format" in schema:
        check_format(value, schema["format"], path)


def validate_union(value: Any, schema: dict[str, Any], context: str, path: str) -> None:
    if not isinstance(value, dict) or "$type" not in value:
        raise LexiconError(f"{path}: a union member needs $type")
    wanted = value["$type"]
    for ref in schema["refs"]:
        nsid = ref.split("#")[0] or context
        full = nsid + ("#" + ref.split("#")[1] if "#" in ref else "")
        if wanted in (
            full,
            nsid if "#" not in ref else full,
            f"{nsid}#main" if "#" not in ref else "",
        ):
            target, target_nsid = resolve(ref, context)
            validate(value, target, target_nsid, path)
            return
    if schema.get("closed"):
        raise LexiconError(f"{path}: $type {wanted} not allowed here")


def validate_call(nsid: str, *, params: dict[str, Any] | None, body: Any, output: Any) -> None:
    """Check one XRPC call: its query parameters, its input body and its output body."""
    main = document(nsid)["defs"]["main"]
    if "parameters" in main and params is not None:
        validate(params, main["parameters"], nsid, f"{nsid} params")
    schema = main.get("input", {}).get("schema")
    if schema is not None and body is not None:
        validate(body, schema, nsid, f"{nsid} input")
    schema = main.get("output", {}).get("schema")
    if schema is not None and output is not None:
        validate(output, schema, nsid, f"{nsid} output")
