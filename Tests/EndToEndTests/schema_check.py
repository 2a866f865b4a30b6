"""Checks telform's JSON Schema the way an editor would use it.

Usage: schema_check.py SCHEMA.json FILE.yaml...
Prints one line per file, "ok FILE" or "invalid FILE: reason", and exits 0 when the schema
itself is valid draft 2020-12 (whatever the files' verdicts; the caller asserts those).
YAML is read as YAML 1.2's core schema, as yaml-language-server reads it: plain 79161234567
is an integer, plain yes is a string, 09:00 is a string.
"""
import json
import re
import sys

import jsonschema
import yaml


class CoreLoader(yaml.SafeLoader):
    """PyYAML with YAML 1.2 core-schema resolution instead of YAML 1.1's."""


CoreLoader.yaml_implicit_resolvers = {}
CoreLoader.add_implicit_resolver(
    "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF"))
CoreLoader.add_implicit_resolver(
    "tag:yaml.org,2002:int", re.compile(r"^(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)$"), list("-+0123456789"))
CoreLoader.add_implicit_resolver(
    "tag:yaml.org,2002:float",
    re.compile(r"^(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?|[-+]?\.(?:inf|Inf|INF)|\.nan|\.NaN|\.NAN)$"),
    list("-+0123456789."))
CoreLoader.add_implicit_resolver(
    "tag:yaml.org,2002:null", re.compile(r"^(?:~|null|Null|NULL|)$"), ["~", "n", "N", ""])


def main():
    schema = json.load(open(sys.argv[1], encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    validator = jsonschema.Draft202012Validator(schema)
    for path in sys.argv[2:]:
        document = yaml.load(open(path, encoding="utf-8"), Loader=CoreLoader)
        errors = sorted(validator.iter_errors(document), key=lambda e: ([str(p) for p in e.absolute_path], e.message))
        if errors:
            first = errors[0]
            where = ".".join(str(p) for p in first.absolute_path)
            print(f"invalid {path}: {where}: {first.message}")
        else:
            print(f"ok {path}")


if __name__ == "__main__":
    main()
