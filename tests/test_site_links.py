"""Formula <-> code, enforced on the built HTML (see docs/contributing.md, "Equations").

- Every displayed equation on a page (the API reference aside, where each formula sits in its
  own function's entry) is inside an equation block with an `eq-` id and a link to an API
  object that exists; so is every sympy result a derivation page displays.
- Links go both ways, pair by pair: every function an equation block names (computed by,
  proved by) links back to *that* block in its docstring, and every `eq-` link in a docstring
  lands on a block that names the function.
- Every formula function (a package function or class whose docstring links to an `eq-`
  anchor) is cited by some page, and no docstring shows a displayed formula ($$) without a
  link to the block where it is derived.
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
NAMING_ATTRIBUTES = ("data-code", "data-proof")  # the objects an equation block names


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
        self.named: dict[str, list[str]] = {}  # eq id -> the identifiers its block names
        for url, soup in self.content_pages():
            for block in soup.select("div.equation[id]"):
                self.equations[block["id"]] = url
                self.named[block["id"]] = [
                    ident for attr in NAMING_ATTRIBUTES for ident in block.get(attr, "").split()
                ]

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


def package_objects() -> dict[str, object]:
    """Identifier -> object, for every module and every public function or class it defines."""
    modules = [mnist_scratch] + [
        importlib.import_module(m.name)
        for m in pkgutil.walk_packages(mnist_scratch.__path__, "mnist_scratch.")
        if not m.name.endswith("__main__")
    ]
    found: dict[str, object] = {}
    for module in modules:
        found[module.__name__] = module
        for name, obj in vars(module).items():
            if name.startswith("_") or getattr(obj, "__module__", None) != module.__name__:
                continue
            if inspect.isfunction(obj) or inspect.isclass(obj):
                found[f"{module.__name__}.{name}"] = obj
    return found


def formula_functions() -> dict[str, list[str]]:
    """Identifier -> the eq- ids its docstring links to, for every such object in the package."""
    return {
        ident: ids
        for ident, obj in package_objects().items()
        if not inspect.ismodule(obj)
        if (ids := DOCSTRING_EQ_LINK.findall(inspect.getdoc(obj) or ""))
    }


def resolve(identifier: str) -> object | None:
    """The object an identifier names, re-exports included (``mnist_scratch.data.X``)."""
    module, _, name = identifier.rpartition(".")
    try:
        return getattr(importlib.import_module(module), name)
    except (ImportError, AttributeError):
        try:
            return importlib.import_module(identifier)
        except ImportError:
            return None


def pairing_problems(named: dict[str, list[str]], links: dict[str, list[str]]) -> list[str]:
    """Every (block, object) pair that does not link both ways.

    ``named`` maps each equation block to the identifiers its caption names; ``links`` maps
    each package object to the eq- ids its docstring links to. Identifiers are compared by the
    object they resolve to, so a re-export names the same function as its defining module.
    """
    objects_of = {ident: resolve(ident) for ids in named.values() for ident in ids}
    linked_by_object: dict[int, set[str]] = {}
    for ident, eq_ids in links.items():
        linked_by_object.setdefault(id(resolve(ident)), set()).update(eq_ids)
    problems = []
    for eq, identifiers in named.items():
        for ident in identifiers:
            obj = objects_of[ident]
            if obj is None:
                problems.append(f"{eq} names {ident}, which does not exist")
            elif eq not in linked_by_object.get(id(obj), set()):
                problems.append(f"{eq} names {ident}, whose docstring does not link to {eq}")
    for ident, eq_ids in links.items():
        obj = resolve(ident)
        for eq in eq_ids:
            if eq in named and not any(objects_of[i] is obj for i in named[eq]):
                problems.append(f"{ident} links to {eq}, whose caption does not name it")
    return problems


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
        id(resolve(ident))
        for url, soup in linked.content_pages()
        for a in soup.find_all("a", href=True)
        for path, ident in [_target(url, a["href"])]
        if (path, ident) in linked.api_objects
    }
    functions = formula_functions()
    assert functions, "no docstring links to an eq- anchor: the scan is out of date"
    missing = sorted(ident for ident in functions if id(resolve(ident)) not in cited)
    assert not missing, "formula functions no page cites:\n" + "\n".join(missing)


def test_equations_and_functions_link_both_ways_pair_by_pair(linked: Site) -> None:
    assert linked.named, "no equation block found: the scan is out of date"
    problems = pairing_problems(linked.named, formula_functions())
    assert not problems, "\n".join(problems)


def test_the_pairing_check_reports_a_mismatched_pair() -> None:
    # eq-hidden-error-chain once named hidden_error, whose docstring links to eq-hidden-error
    # only: one direction missing. And a docstring link to a block that names someone else.
    named = {
        "eq-hidden-error": ["mnist_scratch.gradients.hidden_error"],
        "eq-hidden-error-chain": ["mnist_scratch.gradients.hidden_error"],
        "eq-output-error": ["mnist_scratch.gradients.output_error"],
    }
    links = {
        "mnist_scratch.gradients.hidden_error": ["eq-hidden-error"],
        "mnist_scratch.gradients.output_error": ["eq-output-error"],
        "mnist_scratch.gradients.bias_gradient": ["eq-output-error"],
    }
    assert pairing_problems(named, links) == [
        "eq-hidden-error-chain names mnist_scratch.gradients.hidden_error, whose docstring does "
        "not link to eq-hidden-error-chain",
        "mnist_scratch.gradients.bias_gradient links to eq-output-error, whose caption does not "
        "name it",
    ]
    # A re-export is the same function: no problem.
    assert not pairing_problems(
        {"eq-design-matrix": ["mnist_scratch.data.design_matrix"]},
        {"mnist_scratch.data.dataset.design_matrix": ["eq-design-matrix"]},
    )


def test_no_docstring_shows_a_formula_that_links_nowhere() -> None:
    problems = [
        ident
        for ident, obj in package_objects().items()
        if "$$" in (doc := inspect.getdoc(obj) or "") and not DOCSTRING_EQ_LINK.search(doc)
    ]
    assert not problems, "a displayed formula with no link to its derivation:\n" + "\n".join(
        sorted(problems)
    )


def test_every_sympy_result_on_a_derivation_page_names_what_produced_it(linked: Site) -> None:
    problems = []
    for url, soup in linked.content_pages():
        if not url.startswith("/derivations/"):
            continue
        bare = soup.select(".jp-RenderedLatex")  # a sympy repr, shown without a caption
        problems += [f"{url}: a sympy output outside an equation block"] * len(bare)
        for block in soup.select("div.equation.proof"):
            if not block.get("data-proof"):
                problems.append(f"{url}#{block.get('id')}: a proof with no proving function")
    assert not problems, "\n".join(problems)


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
