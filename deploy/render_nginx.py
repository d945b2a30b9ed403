#!/usr/bin/env python3
"""Fill in an nginx template of deploy/nginx/: every @NAME@ field from NAME=value arguments.

    python3 deploy/render_nginx.py TEMPLATE OUTPUT NAME=value ...

APP_SERVERS is a space-separated list of host:port, written as the upstream's server lines.
EDGE_LIMIT is the requests in flight nginx lets through to each app server (a positive whole
number); one counter holds them for all, so it is written times the number of APP_SERVERS.
A field left without a value, or a value for no field, is an error: a half-rendered
configuration would otherwise surface only when nginx reads it.
"""

import re
import sys
from pathlib import Path

FIELD = re.compile(r"@([A-Z_]+)@")


def upstream_servers(value: str) -> str:
    servers = value.split()
    if not servers:
        raise ValueError("APP_SERVERS lists no app server")
    return "\n".join(f"    server {s} max_fails=1 fail_timeout=5s;" for s in servers)


def edge_limit(value: str, servers: str) -> str:
    if not value.isdigit() or int(value) < 1:
        raise ValueError(f"EDGE_LIMIT must be a positive whole number, not {value!r}")
    return str(int(value) * len(servers.split()))


def render(template: str, values: dict[str, str]) -> str:
    fields = set(FIELD.findall(template))
    if missing := fields - values.keys():
        raise ValueError(f"no value for {', '.join(sorted(missing))}")
    if unused := values.keys() - fields:
        raise ValueError(f"no field {', '.join(sorted(unused))} in the template")
    if "EDGE_LIMIT" in values:
        if "APP_SERVERS" not in values:
            raise ValueError("EDGE_LIMIT is per app server: APP_SERVERS is needed too")
        values = {**values, "EDGE_LIMIT": edge_limit(values["EDGE_LIMIT"], values["APP_SERVERS"])}
    if "APP_SERVERS" in values:
        values = {**values, "APP_SERVERS": upstream_servers(values["APP_SERVERS"])}
    return FIELD.sub(lambda m: values[m.group(1)], template)


def main(argv: list[str]) -> None:
    if len(argv) < 2 or not all("=" in a for a in argv[2:]):
        sys.exit(__doc__)
    template, output, *pairs = argv
    values = dict(pair.split("=", 1) for pair in pairs)
    try:
        text = render(Path(template).read_text(), values)
    except ValueError as exc:
        sys.exit(f"{template}: {exc}")
    Path(output).write_text(text)


if __name__ == "__main__":
    main(sys.argv[1:])
