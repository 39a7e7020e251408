"""Formula <-> code, enforced on the built HTML (see docs/contributing.md, "Equations").

- Every displayed equation on a page (the API reference aside, where each formula sits in its
  own function's entry) is inside an equation block with an `eq-` id and a link to an API
  object that exists.
- Every formula function (a package function or class whose docstring links to an `eq-`
  anchor) is cited by some page.
- Every `eq-` link in a docstring resolves to an equation block on a page.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import re
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest
from bs4 import BeautifulSoup, NavigableString, Tag
from site_support import html_pages

import mnist_scratch

DISPLAY_DELIMITERS = ("$$", "\\[", "\\begin{")
DOCSTRING_EQ_LINK = re.compile(r"\]\[(eq-[a-z0-9-]+)\]")


def _url(site: Path, page: Path) -> str:
    """The page's URL path under the site root, e.g. ``/derivations/softmax/``."""
    rel = page.parent.relative_to(site).as_posix()
    return "/" if rel == "." else f"/{rel}/"


def _target(page_url: str, href: str) -> tuple[str, str]:
    """(path, fragment) that a link on ``page_url`` points to, ``index.html`` folded away."""
    parts = urlsplit(urljoin("http://site" + page_url, href))
    path = parts.path.removesuffix("index.html")
    return (path if path.endswith("/") else path + "/"), parts.fragment


class Site:
    def __init__(self, root: Path) -> None:
        self.pages = {_url(root, p): p for p in html_pages(root)}
        self.soups = {
            url: BeautifulSoup(p.read_text(encoding="utf-8"), "html.parser")
            for url, p in self.pages.items()
        }
        self.api_objects: set[tuple[str, str]] = set()  # (api page, identifier)
        for url, soup in self.soups.items():
            if url.startswith("/api/"):
                for tag in soup.find_all(id=re.compile(r"^mnist_scratch(\.|$)")):
                    self.api_objects.add((url, tag["id"]))
        self.equations: dict[str, str] = {}  # eq id -> page
        for url, soup in self.content_pages():
            for block in soup.select("div.equation[id]"):
                self.equations[block["id"]] = url

    def content_pages(self):
        return [(u, s) for u, s in self.soups.items() if not u.startswith("/api/")]

    def api_targets(self, url: str, tag: Tag) -> list[tuple[str, str]]:
        links = [_target(url, a["href"]) for a in tag.find_all("a", href=True)]
        return [t for t in links if t in self.api_objects]


@pytest.fixture(scope="module")
def linked(site: Path) -> Site:
    return Site(site)


def displayed_equations(soup: BeautifulSoup) -> list[Tag]:
    """The element holding each displayed equation, on either kind of page."""
    found = [d for d in soup.select("div.arithmatex")]  # Markdown pages (pymdownx.arithmatex)
    for cell in soup.select(".jp-RenderedMarkdown"):  # notebook markdown cells keep raw TeX
        for text in cell.find_all(string=True):
            if (
                isinstance(text, NavigableString)
                and any(d in text for d in DISPLAY_DELIMITERS)
                and not text.find_parent(["code", "pre"])
            ):
                found.append(text.parent)
    return found


def formula_functions() -> dict[str, list[str]]:
    """Identifier -> the eq- ids its docstring links to, for every such object in the package."""
    found: dict[str, list[str]] = {}
    modules = [mnist_scratch] + [
        importlib.import_module(m.name)
        for m in pkgutil.walk_packages(mnist_scratch.__path__, "mnist_scratch.")
        if not m.name.endswith("__main__")
    ]
    for module in modules:
        for name, obj in vars(module).items():
            if name.startswith("_") or getattr(obj, "__module__", None) != module.__name__:
                continue
            if not (inspect.isfunction(obj) or inspect.isclass(obj)):
                continue
            if ids := DOCSTRING_EQ_LINK.findall(inspect.getdoc(obj) or ""):
                found[f"{module.__name__}.{name}"] = ids
    return found


def test_every_displayed_equation_is_anchored_and_links_to_its_code(linked: Site) -> None:
    problems = []
    total = 0
    for url, soup in linked.content_pages():
        for eq in displayed_equations(soup):
            total += 1
            tex = " ".join(eq.get_text().split())[:60]
            block = (
                eq
                if "equation" in eq.get("class", [])
                else eq.find_parent("div", class_="equation")
            )
            if block is None or not str(block.get("id", "")).startswith("eq-"):
                problems.append(f"{url}: no equation block with an eq- id around: {tex}")
            elif not linked.api_targets(url, block):
                problems.append(f"{url}#{block['id']}: no link to an existing API object: {tex}")
    assert total > 0, "found no displayed equation at all: the parser is out of date"
    assert not problems, "\n".join(problems)


def test_every_formula_function_is_cited_by_a_page(linked: Site) -> None:
    cited = {
        ident
        for url, soup in linked.content_pages()
        for a in soup.find_all("a", href=True)
        for path, ident in [_target(url, a["href"])]
        if (path, ident) in linked.api_objects
    }
    functions = formula_functions()
    assert functions, "no docstring links to an eq- anchor: the scan is out of date"
    missing = sorted(set(functions) - cited)
    assert not missing, "formula functions no page cites:\n" + "\n".join(missing)


def test_every_docstring_equation_link_resolves(linked: Site) -> None:
    problems = [
        f"{ident}: [..][{eq}] is defined on no page"
        for ident, ids in formula_functions().items()
        for eq in ids
        if eq not in linked.equations
    ]
    assert not problems, "\n".join(problems)


def test_api_pages_link_each_formula_to_its_equation_block(linked: Site) -> None:
    problems = []
    for url, soup in linked.soups.items():
        if not url.startswith("/api/"):
            continue
        for a in soup.find_all("a", href=re.compile(r"#eq-")):
            path, eq = _target(url, a["href"])
            if linked.equations.get(eq) != path:
                problems.append(f"{url}: link to {a['href']} does not land on an equation block")
    assert not problems, "\n".join(problems)
