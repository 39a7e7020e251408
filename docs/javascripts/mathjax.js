// MathJax 3 configuration. Loaded before the site's own copy of tex-chtml.js.
// Where the math is: Markdown pages (and docstrings) get it from pymdownx.arithmatex as
// elements of class "arithmatex" holding \( ... \) or \[ ... \]; notebook pages keep the
// notebook's $ ... $ and $$ ... $$ in markdown cells (jp-RenderedMarkdown, nested in <p>,
// <li>, <td>, ...) and in LaTeX outputs such as sympy's (jp-RenderedLatex).
// MathJax decides per element: ignored if its class matches ignoreHtmlClass or an ancestor
// was ignored, unless its class matches processHtmlClass. Ignoring Material's top-level
// containers (rather than every class, ".*|") keeps the page chrome and prose out, while the
// unclassed <p> and <li> inside a notebook cell stay in. <code> and <pre> are always skipped.
window.MathJax = {
  tex: {
    inlineMath: [["\\(", "\\)"], ["$", "$"]],
    displayMath: [["\\[", "\\]"], ["$$", "$$"]],
    processEscapes: true,
    processEnvironments: true,
  },
  chtml: {
    // Material's instant navigation swaps <head> for a copy of it: a <style> element copied
    // keeps its text but not rules added later through the CSSOM, which is how MathJax adds
    // each character's glyph rule as it first meets it (adaptive CSS). Formulas then stay in
    // the DOM, typeset, with no glyphs: blank. With adaptiveCSS off, every rule is in the
    // stylesheet's text from the start and survives the copy.
    adaptiveCSS: false,
  },
  options: {
    ignoreHtmlClass: "md-container|md-header|md-dialog|md-skip|md-overlay|md-toggle",
    processHtmlClass: "arithmatex|jp-RenderedMarkdown|jp-RenderedLatex",
  },
};

// Material's instant navigation swaps the page body without reloading scripts, and says so
// through document$. Its first emission is the initial page, which MathJax's own start-up
// typeset already covers: typesetting it again concurrently left formulas in the DOM but blank.
// Later emissions are new pages: wait for start-up, forget the old page's math, typeset the new.
// (Do not clear the output cache: the CHTML font rules it holds are shared by every page.)
(function () {
  let first = true;
  document$.subscribe(function () {
    if (first) {
      first = false;
      return;
    }
    MathJax.startup.promise = MathJax.startup.promise
      .then(function () {
        MathJax.typesetClear();
        MathJax.texReset();
        return MathJax.typesetPromise();
      })
      .catch(function (err) {
        console.error("MathJax typeset failed:", err);
      });
  });
})();
