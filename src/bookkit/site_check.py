"""Check the built book in a real browser: every page loads, images render, links resolve, search works.

``python -m bookkit.site_check [_build/html] [--screenshots _build/screenshots]``

Serves the HTML on a local port, opens every page in headless Chromium (Debian's
``/usr/bin/chromium`` driven by Playwright), and checks that every ``<img>`` loaded with a
non-zero size, every same-site link points at an existing page (and anchor), each claim
notebook's page shows its verdict admonition before its first figure, and the search page
finds a term. Saves a full-page screenshot of the front page and each chapter page, the
first screen of each notebook page, a PDF of each chapter page as printed (the theme's
print view, which each page's download menu offers), and writes
``report.json`` beside the screenshots. Exit status 1 on any failure; 2 (with a loud
message) when no Chromium is installed.
"""

from __future__ import annotations

import argparse
import functools
import http.server
import json
import shutil
import sys
import threading
from pathlib import Path
from urllib.parse import urldefrag, urlparse

CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SKIP_DIRS = {"_static", "_sources", "_images", "_sphinx_design_static", "_panels_static"}


class BrowserUnavailable(RuntimeError):
    """Chromium exists but cannot be launched here (sandbox, missing libraries)."""


def find_chromium() -> str | None:
    """The Chromium executable (Debian's package, or one on ``PATH``), or None."""
    for name in ("chromium", "chromium-browser", "google-chrome"):
        path = shutil.which(name)
        if path:
            return path
    return None


def pages(html: Path) -> list[str]:
    """Every HTML page of the book, relative to ``html``, except Sphinx's generated index pages."""
    out = []
    for p in sorted(html.rglob("*.html")):
        rel = p.relative_to(html)
        if rel.parts[0] in SKIP_DIRS or rel.name in ("genindex.html", "search.html"):
            continue
        out.append(rel.as_posix())
    return out


def _serve(html: Path) -> tuple[http.server.ThreadingHTTPServer, str]:
    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args) -> None:  # noqa: ANN002 - no access log on stderr
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=str(html)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}/"


PAGE_PROBE = (
    """() => ({
  images: [...document.images].map(i => ({src: i.currentSrc || i.src, """
    """w: i.naturalWidth, h: i.naturalHeight, ok: i.complete})),
  links: [...document.querySelectorAll('a[href]')].map(a => a.href),
  ids: [...document.querySelectorAll('[id]')].map(e => e.id),
  verdictBeforeFigure: (() => {
    const main = document.querySelector('main') || document.body;
    const adm = [...main.querySelectorAll('.admonition')].find(a => /Verdict:/.test(a.textContent));
    const img = main.querySelector('img[src*="_images/"]');  // a figure, not a launch-button icon
    if (!adm) return null;
    if (!img) return true;
    return !!(adm.compareDocumentPosition(img) & Node.DOCUMENT_POSITION_FOLLOWING);
  })(),
})"""
)


def check(html: Path, screenshots: Path, search_term: str = "GRPO") -> dict:
    """Run every check; return the report (``failures`` empty when the book is fine)."""
    from playwright.sync_api import sync_playwright

    chromium = find_chromium()
    server, base = _serve(html)
    screenshots.mkdir(parents=True, exist_ok=True)
    report: dict = {"pages": 0, "images": 0, "links_checked": 0, "screenshots": [], "failures": []}
    ids_by_page: dict[str, set[str]] = {}
    links: list[tuple[str, str]] = []
    try:
        with sync_playwright() as pw:
            try:
                browser = pw.chromium.launch(executable_path=chromium, args=CHROMIUM_FLAGS)
            except Exception as err:  # noqa: BLE001 - an environment problem, reported as a skip by main()
                raise BrowserUnavailable(str(err).splitlines()[0]) from err
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            for rel in pages(html):
                response = page.goto(base + rel, wait_until="load")
                page.wait_for_load_state("networkidle")
                report["pages"] += 1
                if response is None or response.status != 200:
                    report["failures"].append(f"{rel}: HTTP {response.status if response else 'no response'}")
                    continue
                probe = page.evaluate(PAGE_PROBE)
                ids_by_page[rel] = set(probe["ids"])
                for img in probe["images"]:
                    report["images"] += 1
                    if not img["ok"] or img["w"] == 0 or img["h"] == 0:
                        report["failures"].append(f"{rel}: image did not load: {img['src'][:120]}")
                links += [(rel, href) for href in probe["links"]]
                if rel.startswith(("book/", "notebooks/")) and "Built from commit" not in page.inner_text("body"):
                    report["failures"].append(f"{rel}: no build stamp (commit, date, versions) in the footer")
                if rel.startswith("notebooks/") and "/lab/" not in rel and probe["verdictBeforeFigure"] is not True:
                    report["failures"].append(f"{rel}: no verdict admonition before the first figure")
                if rel.startswith(("book/q", "notebooks/")) or rel in ("index.html", "book/intro.html"):
                    shot = screenshots / (rel.replace("/", "__").removesuffix(".html") + ".png")
                    # the front and chapter pages whole (what a reader scrolls through); notebooks' first screen
                    page.screenshot(path=str(shot), full_page=not rel.startswith("notebooks/"))
                    report["screenshots"].append(shot.name)
                if rel.startswith("book/q"):  # the chapter as the theme's print view renders it (its "PDF" button)
                    page.emulate_media(media="print")
                    page.pdf(path=str(shot.with_suffix(".pdf")), format="A4", print_background=True)
                    page.emulate_media(media="screen")
                    report.setdefault("pdfs", []).append(shot.with_suffix(".pdf").name)
            page.goto(base + f"search.html?q={search_term}", wait_until="load")
            try:
                page.wait_for_selector("#search-results li, ul.search li", timeout=15000)
                report["search_hits"] = page.locator("#search-results li, ul.search li").count()
            except Exception:  # noqa: BLE001 - a search page without results is the failure reported
                report["search_hits"] = 0
                report["failures"].append(f"search.html: no results for {search_term!r}")
            browser.close()
    finally:
        server.shutdown()
    for rel, href in links:
        url, fragment = urldefrag(href)
        parsed = urlparse(url)
        if not url.startswith(base) or parsed.path.endswith(("search.html", "genindex.html")):
            continue
        report["links_checked"] += 1
        target = parsed.path.lstrip("/") or "index.html"
        if target.endswith("/"):
            target += "index.html"
        if not (html / target).exists():
            report["failures"].append(f"{rel}: broken link to {target}")
        elif fragment and target in ids_by_page and fragment not in ids_by_page[target]:
            report["failures"].append(f"{rel}: link to missing anchor {target}#{fragment}")
    (screenshots / "report.json").write_text(json.dumps(report, indent=1))
    return report


def main(argv: list[str] | None = None) -> int:
    """Entry point: exit 0 when every check passes, 1 on failures, 2 when no Chromium is installed."""
    parser = argparse.ArgumentParser(prog="python -m bookkit.site_check", description=__doc__.split("\n\n")[0])
    parser.add_argument("html", nargs="?", type=Path, default=Path("_build/html"))
    parser.add_argument("--screenshots", type=Path, default=Path("_build/screenshots"))
    args = parser.parse_args(argv)
    if find_chromium() is None:
        print(
            "=" * 72 + "\n[site-check] SKIPPED: no Chromium found (apt-get install chromium). The built book was NOT "
            "checked in a browser.\n" + "=" * 72,
            flush=True,
        )
        return 2
    try:
        report = check(args.html, args.screenshots)
    except BrowserUnavailable as err:
        print(
            "=" * 72 + f"\n[site-check] SKIPPED: Chromium is installed but could not start ({err}). The built book "
            "was NOT checked in a browser.\n" + "=" * 72,
            flush=True,
        )
        return 2
    print(
        f"[site-check] {report['pages']} pages, {report['images']} images, {report['links_checked']} internal links, "
        f"search hits {report.get('search_hits')}, {len(report['screenshots'])} screenshots in {args.screenshots}"
    )
    for failure in report["failures"]:
        print(f"[site-check] FAIL {failure}")
    return 1 if report["failures"] else 0


if __name__ == "__main__":
    sys.exit(main())
