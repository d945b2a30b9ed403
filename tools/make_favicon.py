"""Generate ``shipei/core/static/shipei/favicon.ico`` from ``favicon.svg`` next to it.

Browsers that take an SVG icon use ``favicon.svg`` (linked from every page); older ones, and any
client that asks for ``/favicon.ico`` on its own, get the ICO. The ICO holds 16, 32 and 48 px
PNG images rendered by Debian's Chromium through Playwright (both are in the test
requirements), so no image library is needed. Not needed at runtime: the ICO is committed.

How to run (from the repository root, after ``make install-test``)::

    .venv/bin/python tools/make_favicon.py
"""

import struct
from pathlib import Path

from playwright.sync_api import sync_playwright

HERE = Path(__file__).resolve().parents[1] / "shipei" / "core" / "static" / "shipei"
SIZES = (16, 32, 48)
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run"]


def render(svg: str) -> list[tuple[int, bytes]]:
    pngs = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
        for size in SIZES:
            page = browser.new_page(viewport={"width": size, "height": size})
            sized = svg.replace("<svg ", f'<svg width="{size}" height="{size}" ', 1)
            page.set_content(f'<body style="margin:0">{sized}</body>')
            clip = {"x": 0, "y": 0, "width": size, "height": size}
            pngs.append((size, page.screenshot(omit_background=True, clip=clip)))
        browser.close()
    return pngs


def ico(pngs: list[tuple[int, bytes]]) -> bytes:
    """An ICO file whose images are PNGs (Windows Vista and every current browser read them)."""
    header = struct.pack("<HHH", 0, 1, len(pngs))
    offset = len(header) + 16 * len(pngs)
    entries, data = b"", b""
    for size, png in pngs:
        entries += struct.pack("<BBBBHHII", size, size, 0, 0, 1, 32, len(png), offset + len(data))
        data += png
    return header + entries + data


if __name__ == "__main__":
    target = HERE / "favicon.ico"
    target.write_bytes(ico(render((HERE / "favicon.svg").read_text())))
    print(target, target.stat().st_size, "bytes")
