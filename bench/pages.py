"""Size and time of the demo's heaviest pages, fetched as a logged-in admin.

Never run in CI. Against a running demo (``make demo PORT=8003`` in another shell):

    .venv/bin/python bench/pages.py http://127.0.0.1:8003 [--runs 10] [--user 13800000001]

It logs in (the demo's national admin by default; ``--user 13800000003`` is Zhejiang's
provincial admin), finds the programmes through the API, then fetches each page once to warm up
and ``--runs`` times more, one request at a time, and prints per page: the HTTP status, the size
of the HTML (as the browser gets it after decompression), how many elements it holds, and the
median and 90th percentile of the time from sending the request to the last byte. The pages:

- every section of notice 001's policy editor (its items section holds 45 items), the items
  section of every other programme, and one item's edit form in 001's items section;
- every programme's page, quota matrix (where the programme has quotas) and the programme list;
- 报名管理 (the enrollment list), 待我审核 (the approver's queue), the project list and the
  catalogue.

Figures are wall-clock on a shared machine: compare runs made one after the other.
"""

import argparse
import re
import statistics
import sys
import time
import unicodedata
from html.parser import HTMLParser
from typing import Any

import requests

PROGRAMME_001 = "zj-2020-vocational-teacher"
# Targets of issue 12 for the heaviest page (001's items section).
TARGET_MS, TARGET_KB = 200, 150


class _Counter(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.elements = 0

    def handle_starttag(self, tag: str, attrs: Any) -> None:
        self.elements += 1


def elements(html: str) -> int:
    counter = _Counter()
    counter.feed(html)
    return counter.elements


def login(base: str, user: str, password: str) -> requests.Session:
    session = requests.Session()
    session.get(f"{base}/login/").raise_for_status()
    response = session.post(
        f"{base}/login/",
        data={
            "username": user,
            "password": password,
            "csrfmiddlewaretoken": session.cookies.get("csrftoken", ""),
        },
        headers={"Referer": f"{base}/login/"},
        allow_redirects=False,
    )
    if response.status_code != 302 or "sessionid" not in session.cookies:
        sys.exit(f"登录失败（{user}）：HTTP {response.status_code}")
    return session


def programmes(session: requests.Session, base: str) -> list[dict[str, Any]]:
    out, url = [], f"{base}/api/v1/programmes/?page_size=100"
    while url:
        response = session.get(url)
        response.raise_for_status()
        body = response.json()
        out += body["results"]
        url = body.get("next")
    return out


def first_item_form(session: requests.Session, base: str, items_page: str) -> str | None:
    """The URL of the first item's edit form in an items section, if the page links one."""
    html = session.get(f"{base}{items_page}").text
    found = re.search(r'hx-get="([^"]*/items/[^/"]+/edit/)"', html)
    return found.group(1) if found else None


def pages(session: requests.Session, base: str) -> list[tuple[str, str, dict[str, str]]]:
    """(label, path, headers) of every page to time."""
    found = sorted(programmes(session, base), key=lambda p: (p["code"] != PROGRAMME_001, p["code"]))
    out: list[tuple[str, str, dict[str, str]]] = []
    for p in found:
        if p["code"] != PROGRAMME_001:
            continue
        for section in (s for s in p["policy"] if s != "version"):
            out.append((f"001 编辑：{section}", f"/programmes/{p['id']}/edit/{section}/", {}))
        form = first_item_form(session, base, f"/programmes/{p['id']}/edit/items/")
        if form:
            out.append(("001 编辑：items 单项表单（htmx）", form, {"HX-Request": "true"}))
    for p in found:
        if p["code"] != PROGRAMME_001:
            out.append((f"{p['code']} 编辑：items", f"/programmes/{p['id']}/edit/items/", {}))
    for p in found:
        out.append((f"{p['code']} 计划页", f"/programmes/{p['id']}/", {}))
    for p in found:
        out.append((f"{p['code']} 名额", f"/programmes/{p['id']}/quotas/", {}))
    out += [
        ("培训计划列表", "/programmes/", {}),
        ("报名管理", "/enrollment/", {}),
        ("待我审核", "/enrollment/awaiting/", {}),
        ("项目列表", "/projects/", {}),
        ("项目目录", "/catalogue/", {}),
    ]
    return out


def pad(text: str, width: int) -> str:
    """`text` left-aligned in `width` columns, Chinese characters counting two."""
    wide = sum(unicodedata.east_asian_width(c) in "WF" for c in text)
    return text + " " * max(0, width - len(text) - wide)


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(share * len(ordered)) - 1))]


def measure(
    session: requests.Session, url: str, headers: dict[str, str], runs: int
) -> dict[str, Any]:
    response = session.get(url, headers=headers)  # warm-up, not counted
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        response = session.get(url, headers=headers)
        _ = response.content
        times.append((time.perf_counter() - start) * 1000)
    return {
        "status": response.status_code,
        "bytes": len(response.content),
        "elements": elements(response.text) if response.ok else 0,
        "median": statistics.median(times),
        "p90": percentile(times, 0.9),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("base", help="the demo's address, e.g. http://127.0.0.1:8003")
    parser.add_argument("--user", default="13800000001", help="mobile of the admin to log in")
    parser.add_argument("--password", default="Demo2026")
    parser.add_argument("--runs", type=int, default=10, help="timed fetches per page")
    parser.add_argument("--only", default="", help="only pages whose label contains this")
    args = parser.parse_args()
    base = args.base.rstrip("/")
    session = login(base, args.user, args.password)
    todo = [p for p in pages(session, base) if args.only in p[0]]
    print(f"{base} as {args.user}, {args.runs} timed fetches per page after one warm-up\n")
    print(
        f"{pad('page', 46)} {'status':>6} {'KB':>8} {'elements':>9} {'median ms':>10} {'p90 ms':>8}"
    )
    results = []
    for label, path, headers in todo:
        r = measure(session, f"{base}{path}", headers, args.runs)
        results.append((label, r))
        print(
            f"{pad(label, 46)} {r['status']:>6} {r['bytes'] / 1024:>8.1f} {r['elements']:>9,} "
            f"{r['median']:>10.0f} {r['p90']:>8.0f}",
            flush=True,
        )
    ok = [r for _, r in results if r["status"] == 200]
    print(
        f"\n{len(ok)} pages with 200: {sum(r['bytes'] for r in ok) / 1024:,.0f} KB in all, "
        f"median of medians {statistics.median(r['median'] for r in ok):.0f} ms"
    )
    for label, r in results:
        if label == "001 编辑：items":
            met = r["median"] < TARGET_MS and r["bytes"] < TARGET_KB * 1024
            print(
                f"001 items section: {r['median']:.0f} ms, {r['bytes'] / 1024:.0f} KB "
                f"(target < {TARGET_MS} ms and < {TARGET_KB} KB: {'met' if met else 'not met'})"
            )


if __name__ == "__main__":
    main()
