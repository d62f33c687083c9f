#!/usr/bin/env python3
"""Generate Sources/KosmosLocal/Protobuf/KubeProtobufSchema+Generated.swift from Kubernetes generated.proto files.

Usage: scripts/gen-proto-schema.py [PROTO_ROOT] [POINTER_LIST] [OPENAPI_V2] \
           > Sources/KosmosLocal/Protobuf/KubeProtobufSchema+Generated.swift
Defaults: /work/shared/reference/k8s-proto,
/work/shared/fixtures/kube-apiserver-1.32/protobuf/go-pointer-scalars.txt and
/work/shared/fixtures/kube-apiserver-1.32/016-openapi-v2.response.json (kube-apiserver v1.32's /openapi/v2).

Why a table of our own: the decoder needs, per message, field number -> JSON name, type, repeated/map, and the Go
JSON rules the .proto cannot express:
- omitempty: kube-openapi marks a field `required` exactly when it has neither a `+optional` marker nor
  omitempty in its json tag. So a field without `+optional` has omitempty iff the OpenAPI schema of its type does
  not list it as required (e.g. ManagedFieldsEntry.subresource: no marker, not required, omitempty); a field with
  `+optional` is taken as omitempty (the Kubernetes convention). Messages the OpenAPI document lacks fall back to
  the marker alone. Known exceptions go to OMITEMPTY_OVERRIDES;
- pointer scalars (written only when set, zero kept in JSON): the list of Go pointer fields given as POINTER_LIST;
- embedded structs (`json:",inline"`): INLINE_FIELDS, their fields are merged into the parent JSON object.

Only the standard library is used; the proto text is parsed with a small tokenizer (Kubernetes generated.proto
files use proto2 syntax without nested messages, enums, oneofs or options on fields).
"""
import json
import os
import re
import sys

# Go embedded structs, as <message>.<proto field>. go-to-protobuf names such a field after the Go type
# (lowerCamel), and the JSON has the embedded struct's fields inline.
INLINE_FIELDS = {
    "k8s.io.apimachinery.pkg.runtime.Unknown.typeMeta",
    "k8s.io.api.core.v1.Volume.volumeSource",
    "k8s.io.api.core.v1.PersistentVolumeSpec.persistentVolumeSource",
    "k8s.io.api.core.v1.EphemeralContainer.ephemeralContainerCommon",
    "k8s.io.api.core.v1.Probe.handler",
    "k8s.io.api.core.v1.ConfigMapEnvSource.localObjectReference",
    "k8s.io.api.core.v1.ConfigMapKeySelector.localObjectReference",
    "k8s.io.api.core.v1.ConfigMapProjection.localObjectReference",
    "k8s.io.api.core.v1.ConfigMapVolumeSource.localObjectReference",
    "k8s.io.api.core.v1.SecretEnvSource.localObjectReference",
    "k8s.io.api.core.v1.SecretKeySelector.localObjectReference",
    "k8s.io.api.core.v1.SecretProjection.localObjectReference",
}

# Fields marked `+optional` whose Go json tag has no omitempty: name -> omitempty. Found by
# Tests/KosmosLocalTests/ProtobufGoOracleTests.swift (kubectl printing Go's JSON for objects with fields absent from
# the wire) and checked against the Go types: `*string json:"service"`, `[]PolicyRule json:"rules"`.
OMITEMPTY_OVERRIDES = {
    "k8s.io.api.core.v1.GRPCAction.service": False,
    "k8s.io.api.core.v1.TypedLocalObjectReference.apiGroup": False,
    "k8s.io.api.core.v1.TypedObjectReference.apiGroup": False,
    "k8s.io.api.rbac.v1.Role.rules": False,
    "k8s.io.api.rbac.v1.ClusterRole.rules": False,
}

SCALARS = {"string", "bytes", "bool", "int32", "int64"}

TOKEN = re.compile(r'//[^\n]*|/\*.*?\*/|"(?:[^"\\]|\\.)*"|[A-Za-z_.][A-Za-z0-9_.]*|\d+|[{}<>;=,\[\]()]', re.S)


def tokenize(text):
    """Yields (token, comment-lines-before-it)."""
    comments = []
    for m in TOKEN.finditer(text):
        tok = m.group(0)
        if tok.startswith("//"):
            comments.append(tok[2:].strip())
            continue
        if tok.startswith("/*"):
            continue
        yield tok, comments
        comments = []


def parse_file(path):
    """Returns (package, [(message name, [field dict])])."""
    with open(path, encoding="utf-8") as f:
        text = f.read()
    toks = list(tokenize(text))
    i = 0
    package = None
    messages = []

    def expect(value):
        nonlocal i
        if toks[i][0] != value:
            raise SystemExit(f"{path}: expected {value!r}, got {toks[i][0]!r}")
        i += 1

    while i < len(toks):
        tok, _ = toks[i]
        if tok == "syntax" or tok == "import" or tok == "option":
            while toks[i][0] != ";":
                i += 1
            i += 1
        elif tok == "package":
            package = toks[i + 1][0]
            i += 3
        elif tok == "message":
            name = toks[i + 1][0]
            i += 2
            expect("{")
            fields = []
            while toks[i][0] != "}":
                label, comments = toks[i]
                if label == "map":
                    i += 1
                    expect("<")
                    key_type = toks[i][0]
                    i += 1
                    expect(",")
                    value_type = toks[i][0]
                    i += 1
                    expect(">")
                    if key_type != "string":
                        raise SystemExit(f"{path}: {name}: map key {key_type} not supported")
                    fname = toks[i][0]
                    i += 1
                    expect("=")
                    number = int(toks[i][0])
                    i += 1
                    expect(";")
                    fields.append(dict(name=fname, number=number, type=value_type, label="map", comments=comments))
                elif label in ("optional", "repeated"):
                    ftype = toks[i + 1][0]
                    fname = toks[i + 2][0]
                    i += 3
                    expect("=")
                    number = int(toks[i][0])
                    i += 1
                    expect(";")
                    fields.append(dict(name=fname, number=number, type=ftype, label=label, comments=comments))
                else:
                    raise SystemExit(f"{path}: {name}: unexpected token {label!r}")
            i += 1
            messages.append((name, fields))
        else:
            raise SystemExit(f"{path}: unexpected token {tok!r}")
    return package, messages


def resolve(type_name, package, known):
    if type_name in SCALARS:
        return type_name
    if type_name.startswith("."):
        full = type_name[1:]
    else:
        full = f"{package}.{type_name}"
    if full not in known:
        raise SystemExit(f"unknown message type {type_name} (package {package})")
    return full


def main():
    root = sys.argv[1] if len(sys.argv) > 1 else "/work/shared/reference/k8s-proto"
    pointer_path = sys.argv[2] if len(sys.argv) > 2 else \
        "/work/shared/fixtures/kube-apiserver-1.32/protobuf/go-pointer-scalars.txt"
    openapi_path = sys.argv[3] if len(sys.argv) > 3 else \
        "/work/shared/fixtures/kube-apiserver-1.32/016-openapi-v2.response.json"
    with open(pointer_path, encoding="utf-8") as f:
        pointers = {line.strip() for line in f if line.strip() and not line.startswith("#")}
    with open(openapi_path, encoding="utf-8") as f:
        definitions = json.load(f)["definitions"]

    files = []
    for dirpath, _, names in os.walk(root):
        for n in names:
            if n.endswith(".proto"):
                files.append(os.path.join(dirpath, n))
    files.sort()

    parsed = [parse_file(p) for p in files]
    known = {f"{pkg}.{name}" for pkg, msgs in parsed for name, _ in msgs}
    used_inline = set()
    used_pointers = set()
    used_overrides = set()

    def openapi_name(full):
        return "io.k8s." + full[len("k8s.io."):]

    # An embedded struct has no OpenAPI definition of its own: its fields are listed (and required) in the
    # definitions of the types that embed it.
    embedders = {}
    for pkg, msgs in parsed:
        for name, fields in msgs:
            for fd in fields:
                if f"{pkg}.{name}.{fd['name']}" in INLINE_FIELDS:
                    embedders.setdefault(resolve(fd["type"], pkg, known), []).append(f"{pkg}.{name}")

    def required_fields(full):
        """The OpenAPI `required` list for a message, or None when the document does not describe it."""
        definition = definitions.get(openapi_name(full))
        if definition is not None:
            return set(definition.get("required", []))
        parents = [required_fields(parent) for parent in embedders.get(full, [])]
        parents = [p for p in parents if p is not None]
        if not parents:
            return None
        return set().union(*parents)

    out = []
    for pkg, msgs in sorted(parsed, key=lambda p: p[0]):
        for name, fields in msgs:
            full = f"{pkg}.{name}"
            out.append(f"@{full}")
            for fd in fields:
                key = f"{full}.{fd['name']}"
                ftype = resolve(fd["type"], pkg, known)
                flags = ""
                if fd["label"] == "repeated":
                    flags += "r"
                optional = any(c.startswith("+optional") for c in fd["comments"])
                required = required_fields(full)
                if not optional and required is not None:
                    optional = fd["name"] not in required
                if key in OMITEMPTY_OVERRIDES:
                    optional = OMITEMPTY_OVERRIDES[key]
                    used_overrides.add(key)
                if optional:
                    flags += "o"
                if key in pointers:
                    if ftype not in SCALARS or fd["label"] != "optional":
                        raise SystemExit(f"pointer list names a non-scalar field {key}")
                    flags += "p"
                    used_pointers.add(key)
                if key in INLINE_FIELDS:
                    flags += "i"
                    used_inline.add(key)
                if fd["label"] == "map":
                    ftype = "map:" + ftype
                out.append(f"{fd['number']} {fd['name']} {ftype} {flags or '-'}")

    for missing in sorted((INLINE_FIELDS - used_inline) | (pointers - used_pointers)
                          | (set(OMITEMPTY_OVERRIDES) - used_overrides)):
        print(f"warning: {missing} not found in the schemas", file=sys.stderr)

    body = "\n".join(out)
    sys.stdout.write(
        "// GENERATED by scripts/gen-proto-schema.py from the Kubernetes v1.32 generated.proto files and the list of\n"
        "// Go pointer scalars. Do not edit; rerun the script.\n"
        "// Format: see KubeProtobufSchema.init(text:).\n\n"
        "extension KubeProtobufSchema {\n"
        "    static let generatedSchemaText = \"\"\"\n"
        + body + "\n"
        "\"\"\"\n"
        "}\n")


if __name__ == "__main__":
    main()
