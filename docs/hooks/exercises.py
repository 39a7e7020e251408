"""Exercises at the end of every derivation page, graded while the site is built.

For each derivation page that has exercises (`mnist_scratch.exercises.catalogue`), this hook
appends an "Exercises" section to the rendered page: for each exercise the statement, the
command that checks an answer, a folded hint and a folded worked solution. ``exercises.md``
gets the list of all of them in place of the line ``<!-- exercises:index -->``.

Nothing shown is taken on trust. When the build starts, one sandboxed grader process
(`mnist_scratch.exercises.sandbox.grade_files`, the same grader a reader's answer goes
through) grades, in the background while the notebooks run:

* every worked solution of an implement exercise, and the package's own function;
* every derive exercise's answer and every step of its worked solution, compared with sympy.

A page with exercises waits for those verdicts, and the build stops (`PluginError`) unless
every one of them is correct. A catalogue page that is missing from the site stops it too.
"""

from __future__ import annotations

import concurrent.futures
import html
from dataclasses import dataclass, field

import markdown
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.structure.files import Files
from mkdocs.structure.pages import Page
from mkdocs.structure.toc import AnchorLink
from mkdocs.utils import get_relative_url

from mnist_scratch.exercises import catalogue
from mnist_scratch.exercises.kinds import Derive, Exercise, Implement
from mnist_scratch.exercises.sandbox import Job, grade_files
from mnist_scratch.exercises.verdict import Verdict

INDEX = "exercises.md"
INDEX_DIRECTIVE = "<!-- exercises:index -->"
SECTION_ID = "exercises"
GRADING_TIME_LIMIT = 60.0  # seconds per answer: our own solutions, on a busy build machine


@dataclass
class _Build:
    executor: concurrent.futures.ThreadPoolExecutor | None = None
    verdicts: concurrent.futures.Future | None = None
    jobs: list[tuple[str, str]] = field(default_factory=list)  # (exercise, what) per job
    rendered: set[str] = field(default_factory=set)


_build = _Build()


def _jobs() -> tuple[list[Job], list[tuple[str, str]]]:
    jobs, labels = [], []
    for ex in catalogue.EXERCISES.values():
        if isinstance(ex, Implement):
            module = ex.target.rsplit(".", 1)[0]
            jobs += [
                Job(ex.name, str(ex.solution_path)),
                Job(ex.name, source=f"from {module} import {ex.name}\n"),
            ]
            labels += [(ex.name, "the worked solution"), (ex.name, f"the package's {ex.name}")]
        else:
            jobs.append(Job(ex.name, source=ex.truth))
            labels.append((ex.name, "the answer"))
            for n, step in enumerate(ex.steps, 1):
                jobs.append(Job(ex.name, source=step.expression))
                labels.append((ex.name, f"step {n} of the worked solution"))
    return jobs, labels


def on_pre_build(config: MkDocsConfig) -> None:
    _shutdown()
    jobs, labels = _jobs()
    _build.jobs = labels
    _build.rendered = set()
    _build.executor = concurrent.futures.ThreadPoolExecutor(1, thread_name_prefix="exercises")
    _build.verdicts = _build.executor.submit(
        grade_files, jobs, time_limit=GRADING_TIME_LIMIT
    )


def _verdicts() -> dict[str, list[tuple[str, Verdict]]]:
    """Every build-time verdict, by exercise; stops the build unless all are correct."""
    if _build.verdicts is None:
        raise PluginError("exercises: grading was not started (on_pre_build did not run)")
    verdicts = _build.verdicts.result()
    found: dict[str, list[tuple[str, Verdict]]] = {}
    for (name, what), verdict in zip(_build.jobs, verdicts, strict=True):
        if verdict.status != "correct":
            raise PluginError(
                f"exercise {name}: {what} is graded {verdict.status}: "
                f"{verdict.failed or ''} {verdict.detail}".strip()
            )
        found.setdefault(name, []).append((what, verdict))
    return found


# ----------------------------------------------------------------------------------------------
# Markdown of one exercise.


def _indent(text: str) -> str:
    return "\n".join(("    " + line) if line else "" for line in text.splitlines())


def _implement(ex: Implement, verdicts: list[tuple[str, Verdict]]) -> str:
    checked = verdicts[0][1].passed
    body = "\n".join(
        [
            "```python",
            ex.solution().rstrip(),
            "```",
            "",
            f"This file and the package's own [`{ex.name}`][{ex.target}] were graded while this "
            "page was built; both pass every property the grader checks:",
            "",
            *(f"- {html.escape(p)}" for p in checked),
        ]
    )
    return body


def _derive(ex: Derive) -> str:
    from mnist_scratch.exercises.derive import describe_checks, latex

    lines = []
    for n, step in enumerate(ex.steps):
        lhs, relation = (ex.quantity, ex.relation) if n == 0 else ("", "=")
        lines += [
            f"{n + 1}. {step.words}",
            "",
            f"    $\\displaystyle {lhs} {relation} {latex(ex, step.expression)}$",
            "    { .exercise-math }",
            "",
        ]
    where = describe_checks(ex)
    at = f" (sympy, symbolically, and at {where})" if where else " (sympy, symbolically)"
    lines += [
        f"In sympy syntax: `{ex.truth}`.",
        "",
        "Each line above was graded against the answer while this page was built" + at + ".",
    ]
    return "\n".join(lines)


def _names(ex: Derive) -> str:
    return "\n".join(f"- `{n.name}`: {html.escape(n.meaning)}" for n in ex.names)


def exercise_markdown(ex: Exercise, verdicts: list[tuple[str, Verdict]]) -> str:
    kind = "Implement" if isinstance(ex, Implement) else "Derive"
    title = f"`{ex.name}`" if isinstance(ex, Implement) else ex.title
    parts = [
        f"### {kind}: {title} {{ #{catalogue.anchor(ex) } }}",
        "",
        ex.statement,
        "",
    ]
    if isinstance(ex, Derive):
        names = ", ".join(f"`{n.name}`" for n in ex.names)
        parts += [
            f"Write it in sympy syntax with these names only: {names}.",
            "",
            '??? info "What each name means"',
            "",
            _indent(_names(ex)),
            "",
        ]
    where = "a file" if isinstance(ex, Implement) else "a text file holding the expression"
    parts += [
        f"Write your answer in {where} and check it:",
        "",
        "```bash",
        catalogue.check_command(ex),
        "```",
        "",
        '??? tip "Hint"',
        "",
        _indent(ex.hint),
        "",
        '??? success "Worked solution"',
        "",
        _indent(_implement(ex, verdicts) if isinstance(ex, Implement) else _derive(ex)),
        "",
    ]
    return "\n".join(parts)


def section_markdown(exercises: list[Exercise], index_url: str) -> str:
    verdicts = _verdicts()
    intro = (
        f"## Exercises {{ #{SECTION_ID} }}\n\n"
        "Each exercise grades itself: `check` runs your answer in a separate process with a "
        "time and a memory limit, tests its properties (random shapes, float32 and float64, "
        "edge cases, finite differences, sympy) and names the first one that fails, with a "
        "hint aimed at the likely mistake. "
        f'[All exercises]({index_url}) are listed on one page; '
        "`python -m mnist_scratch.exercises` lists them too.\n"
    )
    return intro + "\n" + "\n".join(exercise_markdown(ex, verdicts[ex.name]) for ex in exercises)


def render(text: str, config: MkDocsConfig) -> str:
    md = markdown.Markdown(
        extensions=config["markdown_extensions"], extension_configs=config["mdx_configs"] or {}
    )
    return md.convert(text)


# ----------------------------------------------------------------------------------------------
# The hook events.


def _add_to_toc(page: Page, exercises: list[Exercise]) -> None:
    if page.toc is None:
        return
    section = AnchorLink("Exercises", SECTION_ID, 2)
    for ex in exercises:
        title = ex.name if isinstance(ex, Implement) else ex.title
        section.children.append(AnchorLink(title, catalogue.anchor(ex), 3))
    items = page.toc.items
    parent = items[0].children if len(items) == 1 and items[0].level == 1 else items
    parent.append(section)


def on_page_content(html_: str, page: Page, config: MkDocsConfig, files: Files) -> str:
    exercises = catalogue.by_page().get(page.file.src_uri)
    if not exercises:
        return html_
    index_url = get_relative_url(INDEX.replace(".md", "/"), page.url)
    section = render(section_markdown(exercises, index_url), config)
    _add_to_toc(page, exercises)
    if page.present_anchor_ids is not None:
        page.present_anchor_ids |= {SECTION_ID, *(catalogue.anchor(e) for e in exercises)}
    _build.rendered.add(page.file.src_uri)
    return f'{html_}\n<div class="exercises">\n{section}\n</div>\n'


def index_markdown(files: Files) -> str:
    rows = ["| exercise | kind | page |", "|---|---|---|"]
    for ex in catalogue.EXERCISES.values():
        file = files.get_file_from_path(ex.page)
        if file is None or file.page is None:
            raise PluginError(f"exercise {ex.name}: its page docs/{ex.page} is not in the site")
        name = f"`{ex.name}`" if isinstance(ex, Implement) else ex.title
        link = f"[{name}]({ex.page}#{catalogue.anchor(ex)})"
        rows.append(f"| {link} | {ex.kind} | [{file.page.title}]({ex.page}) |")
    return "\n".join(rows)


def on_page_markdown(markdown_: str, page: Page, config: MkDocsConfig, files: Files) -> str:
    if page.file.src_uri != INDEX:
        return markdown_
    if INDEX_DIRECTIVE not in markdown_:
        raise PluginError(f"{INDEX} lost its {INDEX_DIRECTIVE} line")
    return markdown_.replace(INDEX_DIRECTIVE, index_markdown(files))


def _shutdown() -> None:
    if _build.executor is not None:
        _build.executor.shutdown(wait=True, cancel_futures=True)
        _build.executor = None


def on_post_build(config: MkDocsConfig) -> None:
    _shutdown()
    if missing := sorted(set(catalogue.by_page()) - _build.rendered):
        raise PluginError(
            "exercises belong to pages the site did not build: "
            + ", ".join(f"docs/{m}" for m in missing)
        )
