"""What the build itself must guarantee (the site is built once per session: ``site`` in
conftest.py)."""

from __future__ import annotations

import html
import re
from pathlib import Path

from site_support import BUILD, ROOT, html_pages


def test_build_is_strict_clean(site: Path) -> None:
    # No timed assertion (these machines are noisy); the build's own time is printed at the end
    # of the session (conftest's pytest_terminal_summary), and measured by hand with
    # `time mkdocs build --strict`.
    assert "WARNING -" not in str(BUILD["log"])  # (a Jupyter kernel warning is not ours)


def test_mathjax_is_served_by_the_site(site: Path) -> None:
    mathjax = site / "assets" / "vendor" / "mathjax"
    assert (mathjax / "tex-chtml.js").stat().st_size > 500_000
    fonts = list((mathjax / "output" / "chtml" / "fonts" / "woff-v2").glob("*.woff"))
    assert len(fonts) >= 20, "the CommonHTML fonts are missing"
    assert (mathjax / "LICENSE").is_file()
    assert not (mathjax / "tex-mml-chtml.js").exists()  # it would typeset formulas twice


def test_no_page_loads_anything_from_outside(site: Path) -> None:
    outside = re.compile(
        r"<(?:script|img|iframe|source)\b[^>]*\bsrc=\"(?:https?:)?//"
        r"|<link\b[^>]*\brel=\"(?:stylesheet|preload|modulepreload|icon)\"[^>]*\bhref=\"(?:https?:)?//"
        r"|fonts\.googleapis|cdnjs|jsdelivr|unpkg"
    )
    for page in html_pages(site):
        found = outside.search(page.read_text(encoding="utf-8"))
        assert found is None, f"{page.relative_to(site)} loads {found and found[0]!r}"


def test_every_page_loads_mathjax_after_its_configuration(site: Path) -> None:
    for page in html_pages(site):
        text = page.read_text(encoding="utf-8")
        config = text.find("javascripts/mathjax.js")
        engine = text.find("assets/vendor/mathjax/tex-chtml.js")
        assert 0 <= config < engine, f"{page.relative_to(site)}: MathJax configured after it starts"


def test_notebook_pages_ran_and_carry_no_nbconvert_loaders(site: Path) -> None:
    notebooks = [p for p in html_pages(site) if "jupyter-wrapper" in p.read_text(encoding="utf-8")]
    assert notebooks, "no executable page was rendered"
    for page in notebooks:
        text = page.read_text(encoding="utf-8")
        assert "text/x-mathjax-config" not in text and "mermaid.esm" not in text
        assert "jp-OutputArea-output" in text, (
            f"{page.relative_to(site)} has no outputs: not executed"
        )
        assert "Traceback" not in text


# Lighter pages (issue 12): the notebook CSS is one file, not ~590 KB inlined into every page.
PAGE_BUDGET = 250_000  # bytes of HTML per derivation page


def _notebook_pages(site: Path) -> list[Path]:
    return [p for p in html_pages(site) if "jupyter-wrapper" in p.read_text(encoding="utf-8")]


def test_notebook_pages_link_one_stylesheet_instead_of_inlining_it(site: Path) -> None:
    link = re.compile(r'<link rel="stylesheet" href="([^"]*/jupyter-[0-9a-f]+\.css)"')
    sheets = set()
    for page in _notebook_pages(site):
        text = page.read_text(encoding="utf-8")
        found = link.search(text)
        assert found, f"{page.relative_to(site)} does not link the notebook stylesheet"
        assert found.start() < text.index("</head>"), "the stylesheet link is not in <head>"
        sheet = (page.parent / found[1]).resolve()
        assert sheet.is_file(), f"{page.relative_to(site)} links {found[1]}, which is missing"
        sheets.add(sheet)
        inline = sum(len(css) for css in re.findall(r"<style\b[^>]*>(.*?)</style>", text, re.S))
        assert inline < 5_000, f"{page.relative_to(site)} still inlines {inline} bytes of CSS"
    assert len(sheets) == 1, f"notebook pages link {len(sheets)} different stylesheets"
    css = sheets.pop().read_text(encoding="utf-8")
    # The rules that used to be inlined: JupyterLab's layout, its theme variables, the colours.
    assert ".jupyter-wrapper .jp-Cell" in css and "--jp-cell-prompt-width" in css
    assert css.startswith('@charset "UTF-8";') and css.count("@charset") == 1


def test_every_derivation_page_is_under_its_weight_budget(site: Path) -> None:
    heavy = {
        str(p.relative_to(site)): p.stat().st_size
        for p in html_pages(site)
        if p.relative_to(site).parts[0] == "derivations" and p.stat().st_size > PAGE_BUDGET
    }
    assert not heavy, f"derivation pages over {PAGE_BUDGET:,} bytes: {heavy}"


def test_images_load_lazily(site: Path) -> None:
    img = re.compile(r"<img\b[^>]*>")
    fetched = 0
    for page in html_pages(site):
        for tag in img.findall(page.read_text(encoding="utf-8")):
            if 'src="data:' in tag:
                continue  # in the page already: nothing to defer
            fetched += 1
            assert 'loading="lazy"' in tag, f"{page.relative_to(site)}: {tag[:120]}"
    assert fetched, "no image found: is the runs page built?"


def test_nav_titles_are_the_pages_titles(site: Path) -> None:
    """A notebook's first heading must not replace its title in the sidebar (issue 12)."""
    import yaml

    class Loader(yaml.SafeLoader):  # mkdocs.yml uses !ENV; any value will do here
        pass

    Loader.add_multi_constructor("!", lambda loader, suffix, node: None)
    config = yaml.load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"), Loader=Loader)

    def entries(nav):
        for item in nav:
            for title, target in item.items() if isinstance(item, dict) else ():
                yield from entries(target) if isinstance(target, list) else [(title, target)]

    checked = 0
    for title, source in entries(config["nav"]):
        if not source.endswith(".py"):
            continue
        built = site / source.removesuffix(".py") / "index.html"
        head = re.search(r"<title>(.*?)</title>", built.read_text(encoding="utf-8"), re.S)
        expected = f"{html.escape(title, quote=False)} - {config['site_name']}"
        assert head and head[1].strip() == expected, (
            f"{source}: title {head and head[1]!r}, nav says {title!r}"
        )
        checked += 1
    assert checked >= 9, "the derivation pages are missing from the nav"


def _hook(name: str):
    """A build hook from docs/hooks/, imported as a module."""
    import importlib.util
    import sys

    path = ROOT / "docs" / "hooks" / f"{name}.py"
    spec = importlib.util.spec_from_file_location(f"hook_{name}", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


def test_the_graph_shows_the_packages_shapes(site: Path) -> None:
    from mnist_scratch.network import init_params

    text = (site / "derivations" / "at_a_glance" / "index.html").read_text(encoding="utf-8")
    drawings = re.findall(r'<svg class="graph-(wide|tall)".*?</svg>', text, re.S)
    assert drawings == ["wide", "tall"], drawings
    params = init_params()
    expected = {f"({r}, {c})" for r, c in (p.shape for p in params.values())}
    expected.add(f"({params['W1'].shape[1]}, m)")  # X
    for svg in re.findall(r'<svg class="graph-.*?</svg>', text, re.S):
        shown = set(re.findall(r"\(\d+, (?:\d+|m)\)", re.sub(r"</?tspan[^>]*>", "", svg)))
        assert expected <= shown, f"missing from the graph: {expected - shown}"


def test_the_graph_takes_its_shapes_from_the_package(monkeypatch) -> None:
    """Change the package's default width and the figure follows: no shape is typed twice."""
    graph = _hook("graph")
    original = graph.init_params
    monkeypatch.setattr(graph, "init_params", lambda **kw: original(hidden=32, **kw))
    graph.network_shapes.cache_clear()
    shapes = graph.network_shapes()
    assert shapes["W1"] == "(32, 784)" and shapes["dW1"] == "(32, 784)"
    assert shapes["A1"] == shapes["delta1"] == "(32, m)"
    assert shapes["W2"] == "(10, 32)" and shapes["X"] == "(784, m)"
    wide = re.sub(r"</?tspan[^>]*>", "", graph.draw(graph.WIDE))
    assert "(32, 784)" in wide and "(10, 784)" not in wide
    graph.network_shapes.cache_clear()
