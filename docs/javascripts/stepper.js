// Backpropagation, step by step (the gradients page): every number of one forward and backward
// pass of a 4-3-3 network on a batch of m = 2 examples, in the site's notation.
//
// Plain JavaScript, no framework, nothing fetched from outside the site. The page holds the
// root element and, inside it, one list item per step with two links written as autorefs (so
// the strict build checks them): the step's equation on its derivation page and the function
// that computes it. This script reads those links, replaces the list with the widget, and
// fetches each equation's TeX from its page (a same-site request, once per page) so the widget
// shows exactly what the page shows: one owner for every formula.
//
// The numbers follow the package's functions operation for operation (affine, relu,
// softmax, cross_entropy, output_error, hidden_error, weight_gradient, bias_gradient,
// gd_update), in float64. The root element keeps them as JSON in data-values, keyed by the
// notation's names with matrices as nested lists, columns are examples; a browser test compares
// them with the package.
//
// Material's instant navigation swaps the page without re-running scripts and announces each
// page on `document$`: every emission tears down the previous widget and builds a new one if
// the new page has the root element (the playground does the same).
(function () {
  "use strict";
  if (window.backpropStepper) return; // loaded twice: one instance per page is enough

  const d = 4; // inputs
  const n = 3; // hidden units
  const K = 3; // classes
  const m = 2; // examples in the batch
  const H_STEP = 1e-5; // the step h of the central difference (eq-central-difference)
  const LIMIT = 1e6; // a typed value beyond this is refused, not clipped
  const NUDGE = 0.01; // one arrow key press, or 4 px of dragging
  const DRAG_PX = 4;
  const DEFAULT_SEED = 3; // one unit on for both examples, one off for both, one on for one
  const DEFAULT_LR = 0.3; // the original tutorial's learning rate

  // ------------------------------------------------------------------------------------------
  // Matrices are arrays of rows. Every function mirrors one function of the package.

  const matrix = (rows, cols, f) =>
    Array.from({ length: rows }, (_, r) => Array.from({ length: cols }, (_, c) => f(r, c)));
  const map = (A, f) => A.map((row, r) => row.map((v, c) => f(v, r, c)));
  const transpose = (A) => matrix(A[0].length, A.length, (r, c) => A[c][r]);

  // network.affine: Z = W A + b (eq-affine).
  function affine(W, A, b) {
    return matrix(W.length, A[0].length, (r, j) => {
      let s = 0;
      for (let i = 0; i < A.length; i++) s += W[r][i] * A[i][j];
      return s + b[r][0];
    });
  }

  // activations.relu and relu_prime: ReLU'(z) = H(z), with H(0) = 0 as in the package.
  const relu = (Z) => map(Z, (z) => (z > 0 ? z : 0));
  const heaviside = (Z) => map(Z, (z) => (z > 0 ? 1 : 0));

  // activations.softmax, column by column; subtracting the column's largest logit changes
  // nothing (eq-softmax-shift) and keeps exp() finite.
  function softmax(Z) {
    const A = map(Z, () => 0);
    for (let j = 0; j < Z[0].length; j++) {
      let c = -Infinity;
      for (let k = 0; k < Z.length; k++) c = Math.max(c, Z[k][j]);
      let total = 0;
      for (let k = 0; k < Z.length; k++) total += (A[k][j] = Math.exp(Z[k][j] - c));
      for (let k = 0; k < Z.length; k++) A[k][j] /= total;
    }
    return A;
  }

  // The mean cross-entropy L = -(1/m) sum_kj Y_kj log (A2)_kj, with log A2 taken from the logits
  // in the log-sum-exp form: log softmax(z)_k = (z_k - c) - log sum_k' e^(z_k' - c), c = max z.
  // For ordinary logits this is loss.cross_entropy to rounding; where a probability underflows
  // to 0 (a reader can type a weight of 1000) it stays exact, where a clipped log of the
  // probability would not. ell (a row) keeps each example's term, the per-example loss.
  function crossEntropy(Z2, Y) {
    const logA = map(Z2, () => 0);
    for (let j = 0; j < Z2[0].length; j++) {
      let c = -Infinity;
      for (let k = 0; k < Z2.length; k++) c = Math.max(c, Z2[k][j]);
      let total = 0;
      for (let k = 0; k < Z2.length; k++) total += Math.exp(Z2[k][j] - c);
      const lse = Math.log(total);
      for (let k = 0; k < Z2.length; k++) logA[k][j] = (Z2[k][j] - c) - lse;
    }
    const ell = [Z2[0].map((_, j) => {
      let s = 0;
      for (let k = 0; k < Z2.length; k++) s += Y[k][j] * logA[k][j];
      return -s;
    })];
    let s = 0;
    for (let k = 0; k < Z2.length; k++) {
      for (let j = 0; j < Z2[0].length; j++) s += Y[k][j] * logA[k][j];
    }
    return { L: -s / Z2[0].length, ell: ell };
  }

  // gradients.hidden_error: (W2^T delta2) ⊙ H(Z1); the product is kept for the display.
  function hiddenError(W2, delta2, Z1) {
    const back = matrix(W2[0].length, delta2[0].length, (i, j) => {
      let s = 0;
      for (let k = 0; k < W2.length; k++) s += W2[k][i] * delta2[k][j];
      return s;
    });
    const mask = heaviside(Z1);
    return { back: back, mask: mask, delta1: map(back, (v, i, j) => v * mask[i][j]) };
  }

  // gradients.weight_gradient: (1/m) delta A_prev^T.
  function weightGradient(delta, Aprev) {
    const mm = delta[0].length;
    return matrix(delta.length, Aprev.length, (r, c) => {
      let s = 0;
      for (let j = 0; j < mm; j++) s += delta[r][j] * Aprev[c][j];
      return s * (1 / mm);
    });
  }

  // gradients.bias_gradient: (1/m) delta 1_m, the row means as a column.
  function biasGradient(delta) {
    return delta.map((row) => [row.reduce((s, v) => s + v, 0) / row.length]);
  }

  const PARAMS = ["W1", "b1", "W2", "b2"];

  function lossOf(p, X, Y) {
    const Z1 = affine(p.W1, X, p.b1);
    return crossEntropy(affine(p.W2, relu(Z1), p.b2), Y).L;
  }

  // Everything the widget shows, from the state (X, Y, W1, b1, W2, b2, lr).
  function compute(s) {
    const v = { X: s.X, Y: s.Y, W1: s.W1, b1: s.b1, W2: s.W2, b2: s.b2, lr: s.lr };
    v.Z1 = affine(s.W1, s.X, s.b1);
    v.A1 = relu(v.Z1);
    v.Z2 = affine(s.W2, v.A1, s.b2);
    v.A2 = softmax(v.Z2);
    const loss = crossEntropy(v.Z2, s.Y);
    v.L = loss.L;
    v.ell = loss.ell;
    v.delta2 = map(v.A2, (a, k, j) => a - s.Y[k][j]); // gradients.output_error
    const hidden = hiddenError(s.W2, v.delta2, v.Z1);
    v.back = hidden.back;
    v.mask = hidden.mask;
    v.delta1 = hidden.delta1;
    v.dW2 = weightGradient(v.delta2, v.A1);
    v.db2 = biasGradient(v.delta2);
    v.dW1 = weightGradient(v.delta1, s.X);
    v.db1 = biasGradient(v.delta1);
    // optim.gd_update: theta - (lr * dtheta).
    v.next = {};
    for (const name of PARAMS) v.next[name] = map(s[name], (t, r, c) => t - s.lr * v["d" + name][r][c]);
    v.Lnext = lossOf(v.next, s.X, s.Y);
    return v;
  }

  // The central difference (eq-central-difference) for one parameter entry, and whether the
  // two probes land on different sides of ReLU's kink for some unit (then no formula's slope
  // is what the difference measures).
  function centralDifference(s, name, r, c) {
    const probe = (h) => {
      const p = { W1: s.W1, b1: s.b1, W2: s.W2, b2: s.b2 };
      p[name] = map(s[name], (t, rr, cc) => (rr === r && cc === c ? t + h : t));
      return p;
    };
    const plus = probe(H_STEP), minus = probe(-H_STEP);
    const maskOf = (p) => heaviside(affine(p.W1, s.X, p.b1)).flat().join("");
    const here = maskOf(s);
    return {
      estimate: (lossOf(plus, s.X, s.Y) - lossOf(minus, s.X, s.Y)) / (2 * H_STEP),
      kink: maskOf(plus) !== here || maskOf(minus) !== here,
    };
  }

  // ------------------------------------------------------------------------------------------
  // Starting values from a seed: mulberry32, a small 32-bit generator. Pixels in [0, 1), weights
  // and biases in [-0.5, 0.5) like the package's "uniform" initialisation, all rounded to two
  // decimals so the starting numbers are exactly the ones shown; each example's class uniform.
  // A draw with a pre-activation within CLEAR of 0 is drawn again (from the same generator, so
  // a seed still names one state): every unit starts clearly on or off. A sum that is exactly 0
  // in decimals lands on either side of 0 in binary, and on which side depends on the order of
  // the additions, so no two implementations would agree on its ReLU'. The reader can still
  // put a unit exactly at 0 by editing.

  const CLEAR = 0.005;

  function mulberry32(seed) {
    let a = seed >>> 0;
    return function () {
      a = (a + 0x6d2b79f5) >>> 0;
      let t = a;
      t = Math.imul(t ^ (t >>> 15), t | 1);
      t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
  }

  const round2 = (v) => Math.round(v * 100) / 100 + 0; // + 0 turns -0 into 0

  function initialState(seed, lr) {
    const u = mulberry32(seed);
    const pixel = () => round2(u());
    const weight = () => round2(u() - 0.5);
    for (;;) {
      const X = matrix(d, m, pixel);
      const labels = Array.from({ length: m }, () => Math.floor(u() * K));
      const s = {
        X: X,
        Y: matrix(K, m, (k, j) => (labels[j] === k ? 1 : 0)),
        W1: matrix(n, d, weight),
        b1: matrix(n, 1, weight),
        W2: matrix(K, n, weight),
        b2: matrix(K, 1, weight),
        lr: lr,
      };
      if (affine(s.W1, s.X, s.b1).flat().every((z) => Math.abs(z) >= CLEAR)) return s;
    }
  }

  // ------------------------------------------------------------------------------------------
  // Formatting. Displayed numbers are rounded; data-values and each cell's title carry them in
  // full. A nonzero number never prints as 0: tiny values switch to exponent form.

  function fmt(v) {
    if (v === 0) return "0";
    const a = Math.abs(v);
    const s = a >= 1e4 || a < 5e-4 ? v.toExponential(1) : v.toFixed(3);
    return s.replace("-", "\u2212");
  }
  const factor = (v) => (v < 0 ? `(${fmt(v)})` : fmt(v));
  // What an editable entry shows: short values as they are, long ones rounded.
  const editText = (v) => (String(v).length <= 6 ? String(v) : v.toFixed(3)).replace("-", "\u2212");
  const parseNumber = (text) => {
    const t = text.trim().replace(/\u2212/g, "-").replace(",", ".");
    if (!/^[-+]?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?$/i.test(t)) return null;
    const v = Number(t);
    return Number.isFinite(v) && Math.abs(v) <= LIMIT ? v + 0 : null;
  };

  // Indices, named as on the pages: hidden unit i, input pixel p and example j count from 1;
  // class k counts from 0, as the digits do. Each view says which index runs down its rows and
  // which across its columns ("-" for a single row or column), and shows them beside its entries.
  const BASE = { i: 1, p: 1, j: 1, k: 0 };

  // ------------------------------------------------------------------------------------------
  // The matrices the steps show. Each has a label, the values it reads, the indices of its rows
  // and columns, and, for the reader's inputs, which state entry an edit changes.

  const T = (name) => (v) => transpose(v[name]);
  const VIEWS = {
    X: { label: "X", get: (v) => v.X, at: "pj", edit: (r, c) => ["X", r, c] },
    Xt: { label: "X\u1d40", get: T("X"), at: "jp", edit: (r, c) => ["X", c, r] },
    Y: { label: "Y", get: (v) => v.Y, at: "kj", target: true },
    W1: { label: "W\u2081", get: (v) => v.W1, at: "ip", edit: (r, c) => ["W1", r, c] },
    b1: { label: "b\u2081", get: (v) => v.b1, at: "i-", edit: (r) => ["b1", r, 0] },
    W2: { label: "W\u2082", get: (v) => v.W2, at: "ki", edit: (r, c) => ["W2", r, c] },
    W2t: { label: "W\u2082\u1d40", get: T("W2"), at: "ik", edit: (r, c) => ["W2", c, r] },
    b2: { label: "b\u2082", get: (v) => v.b2, at: "k-", edit: (r) => ["b2", r, 0] },
    Z1: { label: "Z\u2081", get: (v) => v.Z1, at: "ij" },
    A1: { label: "A\u2081", get: (v) => v.A1, at: "ij" },
    A1t: { label: "A\u2081\u1d40", get: T("A1"), at: "ji" },
    Z2: { label: "Z\u2082", get: (v) => v.Z2, at: "kj" },
    A2: { label: "A\u2082", get: (v) => v.A2, at: "kj" },
    ell: { label: "\u2113 (per example)", get: (v) => v.ell, at: "-j" },
    L: { label: "L", get: (v) => [[v.L]], at: "--" },
    delta2: { label: "\u03b4\u2082", get: (v) => v.delta2, at: "kj" },
    back: { label: "W\u2082\u1d40\u03b4\u2082", get: (v) => v.back, at: "ij" },
    mask: { label: "H(Z\u2081)", get: (v) => v.mask, at: "ij", mask: true },
    delta1: { label: "\u03b4\u2081", get: (v) => v.delta1, at: "ij", masked: true },
    dW2: { label: "dW\u2082", get: (v) => v.dW2, at: "ki", grad: "W2" },
    db2: { label: "db\u2082", get: (v) => v.db2, at: "k-", grad: "b2" },
    dW1: { label: "dW\u2081", get: (v) => v.dW1, at: "ip", grad: "W1" },
    db1: { label: "db\u2081", get: (v) => v.db1, at: "i-", grad: "b1" },
  };
  for (const name of PARAMS) {
    VIEWS[name + "next"] = {
      label: VIEWS[name].label + " after", get: (v) => v.next[name], at: VIEWS[name].at,
    };
  }
  for (const spec of Object.values(VIEWS)) {
    spec.rows = (x) => String(x + (BASE[spec.at[0]] || 0));
    spec.cols = (x) => String(x + (BASE[spec.at[1]] || 0));
  }
  // "W₂, k = 0, i = 1": an entry named for screen readers, by its indices.
  function entryName(spec, r, c) {
    const parts = [];
    if (spec.at[0] !== "-") parts.push(`${spec.at[0]} = ${spec.rows(r)}`);
    if (spec.at[1] !== "-") parts.push(`${spec.at[1]} = ${spec.cols(c)}`);
    return [spec.label, ...parts].join(", ");
  }

  // The entries each computed entry is made from, by view (only views on screen light up);
  // the values v are there for the one rule that depends on them (the target's class).
  const row = (r, cols) => Array.from({ length: cols }, (_, c) => [r, c]);
  const col = (c, rows) => Array.from({ length: rows }, (_, r) => [r, c]);
  const SOURCES = {
    Z1: (i, j) => ({ W1: row(i, d), X: col(j, d), b1: [[i, 0]] }),
    A1: (i, j) => ({ Z1: [[i, j]] }),
    Z2: (k, j) => ({ W2: row(k, n), A1: col(j, n), b2: [[k, 0]] }),
    A2: (k, j) => ({ Z2: col(j, K) }),
    ell: (_, j, v) => {
      const k = v.Y.findIndex((r) => r[j] === 1); // the target's probability is the one logged
      return { A2: [[k, j]], Y: [[k, j]] };
    },
    L: () => ({ ell: row(0, m) }),
    delta2: (k, j) => ({ A2: [[k, j]], Y: [[k, j]] }),
    back: (i, j) => ({ W2t: row(i, K), delta2: col(j, K) }),
    mask: (i, j) => ({ Z1: [[i, j]] }),
    delta1: (i, j) => ({ W2t: row(i, K), delta2: col(j, K), back: [[i, j]], mask: [[i, j]], Z1: [[i, j]] }),
    dW2: (k, i) => ({ delta2: row(k, m), A1t: col(i, m) }),
    db2: (k) => ({ delta2: row(k, m) }),
    dW1: (i, p) => ({ delta1: row(i, m), Xt: col(p, m) }),
    db1: (i) => ({ delta1: row(i, m) }),
  };
  for (const name of PARAMS) {
    SOURCES[name + "next"] = (r, c) => ({ [name]: [[r, c]], ["d" + name]: [[r, c]] });
  }

  // The arithmetic behind one entry, in words and numbers.
  const sum = (terms) => terms.join(" + ");
  const DETAILS = {
    Z1: (v, i, j) => `Z\u2081[${i + 1},${j + 1}] = ` +
      sum(v.W1[i].map((w, p) => `${factor(w)}\u00d7${factor(v.X[p][j])}`)) +
      ` + ${factor(v.b1[i][0])} = ${fmt(v.Z1[i][j])}: row i = ${i + 1} of W\u2081 times column ` +
      `j = ${j + 1} of X, plus b\u2081[${i + 1}].`,
    A1: (v, i, j) => `A\u2081[${i + 1},${j + 1}] = max(0, ${fmt(v.Z1[i][j])}) = ` +
      `${fmt(v.A1[i][j])}` + (v.A1[i][j] === 0 ? `: unit ${i + 1} is off for example ${j + 1}.` : "."),
    Z2: (v, k, j) => `Z\u2082[${k},${j + 1}] = ` +
      sum(v.W2[k].map((w, i) => `${factor(w)}\u00d7${factor(v.A1[i][j])}`)) +
      ` + ${factor(v.b2[k][0])} = ${fmt(v.Z2[k][j])}: row k = ${k} of W\u2082 times column ` +
      `j = ${j + 1} of A\u2081, plus b\u2082[${k}].`,
    A2: (v, k, j) => `A\u2082[${k},${j + 1}] = exp(${fmt(v.Z2[k][j])}) / (` +
      sum(v.Z2.map((z) => `exp(${fmt(z[j])})`)) + `) = ${fmt(v.A2[k][j])}: column j = ${j + 1} of ` +
      "Z\u2082 decides it; the column's probabilities sum to 1.",
    ell: (v, _, j) => {
      const k = v.Y.findIndex((r) => r[j] === 1);
      return `\u2113 of example ${j + 1} = \u2212log A\u2082[${k},${j + 1}] = \u2212log ` +
        `${fmt(v.A2[k][j])} = ${fmt(v.ell[0][j])}: its target is class ${k} (Y[${k},${j + 1}] = 1).`;
    },
    L: (v) => `L = (${sum(v.ell[0].map(fmt))}) / ${m} = ${fmt(v.L)}: the mean over the batch.`,
    delta2: (v, k, j) => `\u03b4\u2082[${k},${j + 1}] = A\u2082[${k},${j + 1}] \u2212 ` +
      `Y[${k},${j + 1}] = ${fmt(v.A2[k][j])} \u2212 ${fmt(v.Y[k][j])} = ${fmt(v.delta2[k][j])}.`,
    back: (v, i, j) => `(W\u2082\u1d40\u03b4\u2082)[${i + 1},${j + 1}] = ` +
      sum(v.W2.map((w, k) => `${factor(w[i])}\u00d7${factor(v.delta2[k][j])}`)) +
      ` = ${fmt(v.back[i][j])}: the weights out of unit ${i + 1} (column i = ${i + 1} of W\u2082) ` +
      `against example ${j + 1}'s output errors.`,
    mask: (v, i, j) => `H(Z\u2081[${i + 1},${j + 1}]) = H(${fmt(v.Z1[i][j])}) = ${v.mask[i][j]}` +
      (v.mask[i][j] ? `: unit ${i + 1} is on for example ${j + 1}.` :
        `: unit ${i + 1} is off for example ${j + 1} (H(0) = 0 too).`),
    delta1: (v, i, j) => `\u03b4\u2081[${i + 1},${j + 1}] = ${factor(v.back[i][j])} \u00d7 ` +
      `H(${fmt(v.Z1[i][j])}) = ${factor(v.back[i][j])} \u00d7 ${v.mask[i][j]} = ` +
      `${fmt(v.delta1[i][j])}` + (v.mask[i][j] ? "." :
        `: unit ${i + 1} was off for example ${j + 1}, so no error passes through it.`),
    dW2: (v, k, i) => `dW\u2082[${k},${i + 1}] = (` +
      sum(v.delta2[k].map((e, j) => `${factor(e)}\u00d7${factor(v.A1[i][j])}`)) +
      `) / ${m} = ${fmt(v.dW2[k][i])}: row k = ${k} of \u03b4\u2082 against row i = ${i + 1} of A\u2081, ` +
      "averaged over the examples.",
    db2: (v, k) => `db\u2082[${k}] = (${sum(v.delta2[k].map(fmt))}) / ${m} = ${fmt(v.db2[k][0])}: ` +
      `the mean of row k = ${k} of \u03b4\u2082.`,
    dW1: (v, i, p) => `dW\u2081[${i + 1},${p + 1}] = (` +
      sum(v.delta1[i].map((e, j) => `${factor(e)}\u00d7${factor(v.X[p][j])}`)) +
      `) / ${m} = ${fmt(v.dW1[i][p])}: row i = ${i + 1} of \u03b4\u2081 against row p = ${p + 1} of X, ` +
      "averaged over the examples.",
    db1: (v, i) => `db\u2081[${i + 1}] = (${sum(v.delta1[i].map(fmt))}) / ${m} = ` +
      `${fmt(v.db1[i][0])}: the mean of row i = ${i + 1} of \u03b4\u2081.`,
  };
  for (const name of PARAMS) {
    DETAILS[name + "next"] = (v, r, c) => {
      const at = `[${VIEWS[name].rows(r)}` + (name[0] === "W" ? `,${VIEWS[name].cols(c)}]` : "]");
      return `${VIEWS[name].label}${at} \u2212 \u03b1 d${VIEWS[name].label}${at} = ` +
        `${fmt(v[name][r][c])} \u2212 ${factor(v.lr)}\u00d7${factor(v["d" + name][r][c])} = ` +
        `${fmt(v.next[name][r][c])}.`;
    };
  }

  // ------------------------------------------------------------------------------------------
  // The steps. `rows` lays out views (names of VIEWS) and operators (other strings); `out` is
  // the result whose entry is highlighted first. The page's list item with the same data-step
  // supplies the equation link and the code link.

  const STEPS = [
    { key: "Z1", phase: "Forward", title: "Z\u2081 = W\u2081X + b\u2081", out: "Z1",
      rows: [["W1", "X", "+", "b1", "=", "Z1"]],
      text: "Each hidden unit weighs the four inputs of an example and adds its bias. " +
        "Columns are examples. Drag or type any entry of W\u2081, X or b\u2081." },
    { key: "A1", phase: "Forward", title: "A\u2081 = ReLU(Z\u2081)", out: "A1",
      rows: [["ReLU", "Z1", "=", "A1"]],
      text: "ReLU keeps a positive pre-activation and replaces the rest by 0: a 0 here is a " +
        "unit switched off for that example." },
    { key: "Z2", phase: "Forward", title: "Z\u2082 = W\u2082A\u2081 + b\u2082", out: "Z2",
      rows: [["W2", "A1", "+", "b2", "=", "Z2"]],
      text: "The output layer does the same with the hidden activations: one score (logit) per " +
        "class and example." },
    { key: "A2", phase: "Forward", title: "A\u2082 = softmax(Z\u2082)", out: "A2",
      rows: [["softmax", "Z2", "=", "A2"]],
      text: "Softmax turns each column of scores into probabilities that sum to 1." },
    { key: "L", phase: "Forward", title: "L, the mean cross-entropy", out: "ell",
      rows: [["Y", "A2", "\u2192", "ell", "\u2192", "L"]],
      text: "Each example's loss is \u2212log of the probability its target class gets; L is " +
        "their mean. Tap an entry of Y to change that example's target." },
    { key: "delta2", phase: "Backward", title: "\u03b4\u2082 = A\u2082 \u2212 Y", out: "delta2",
      rows: [["A2", "\u2212", "Y", "=", "delta2"]],
      text: "The output error: each example's probabilities minus its one-hot target. It is the " +
        "derivative of the summed loss mL with respect to Z\u2082." },
    { key: "delta1", phase: "Backward",
      title: "\u03b4\u2081 = (W\u2082\u1d40\u03b4\u2082) \u2299 H(Z\u2081)", out: "delta1",
      rows: [["W2t", "delta2", "=", "back"], ["back", "\u2299", "mask", "=", "delta1"],
        ["b1", "\u2192", "Z1"]],
      captions: [null, null, "The mask H(Z\u2081) comes from Z\u2081: drag a bias b\u2081 to " +
        "push a unit's pre-activation across 0 and watch its error switch off."],
      text: "Each hidden unit collects the output errors through the weights that leave it " +
        "(a row of W\u2082\u1d40, that is a column of W\u2082) and passes the sum back only " +
        "where it was on: ReLU\u2032 = H, the step, with H(0) = 0." },
    { key: "dW2", phase: "Backward", title: "dW\u2082 = (1/m) \u03b4\u2082A\u2081\u1d40",
      out: "dW2", rows: [["1/m", "delta2", "A1t", "=", "dW2"]],
      text: "Each weight's gradient adds, over the examples, the error at its output times the " +
        "activation at its input, and divides by m = 2. Tap an entry to check it by finite " +
        "differences." },
    { key: "db2", phase: "Backward", title: "db\u2082 = (1/m) \u03b4\u2082 1\u2098",
      out: "db2", rows: [["1/m", "delta2", "1\u2098", "=", "db2"]],
      text: "A bias is added to every example with slope 1: its gradient is the row mean of " +
        "the error." },
    { key: "dW1", phase: "Backward", title: "dW\u2081 = (1/m) \u03b4\u2081X\u1d40",
      out: "dW1", rows: [["1/m", "delta1", "Xt", "=", "dW1"]],
      text: "The first layer's weights: the same rule with \u03b4\u2081 and the inputs X. A " +
        "unit that was off for both examples gets a zero row." },
    { key: "db1", phase: "Backward", title: "db\u2081 = (1/m) \u03b4\u2081 1\u2098",
      out: "db1", rows: [["1/m", "delta1", "1\u2098", "=", "db1"]],
      text: "The hidden biases: the row means of \u03b4\u2081." },
    { key: "update", phase: "Update", title: "\u03b8 \u2190 \u03b8 \u2212 \u03b1 d\u03b8",
      out: "W1next",
      rows: [["W1", "\u2212 \u03b1", "dW1", "=", "W1next"], ["b1", "\u2212 \u03b1", "db1", "=", "b1next"],
        ["W2", "\u2212 \u03b1", "dW2", "=", "W2next"], ["b2", "\u2212 \u03b1", "db2", "=", "b2next"]],
      text: "Every parameter moves against its gradient, scaled by the learning rate \u03b1. " +
        "The panel shows the loss before and after; \u201ctake the step\u201d makes the new " +
        "values current." },
  ];

  // ------------------------------------------------------------------------------------------
  // Equations: fetched from the derivation pages the links point to, once per page.

  const pages = new Map();
  function pageDocument(url) {
    if (!pages.has(url)) {
      pages.set(url, fetch(url).then((r) => {
        if (!r.ok) throw new Error(`${r.status} ${r.statusText}`);
        return r.text();
      }).then((text) => new DOMParser().parseFromString(text, "text/html")).catch((err) => {
        pages.delete(url); // a later visit may try again
        throw err;
      }));
    }
    return pages.get(url);
  }

  // The TeX of the equation block a link points to, as its page writes it.
  function equationTeX(href) {
    const url = new URL(href, location.href);
    const id = decodeURIComponent(url.hash.slice(1));
    url.hash = "";
    return pageDocument(url.href).then((doc) => {
      const block = doc.getElementById(id);
      if (!block) throw new Error(`no #${id} on ${url.pathname}`);
      const copy = block.cloneNode(true);
      copy.querySelectorAll(".equation-code").forEach((e) => e.remove());
      const found = copy.textContent.match(/\$\$([\s\S]+?)\$\$|\\\[([\s\S]+?)\\\]/);
      if (!found) throw new Error(`#${id} on ${url.pathname} holds no display equation`);
      return (found[1] || found[2]).trim();
    });
  }

  // Typeset one element with the site's MathJax once its start-up (and any page typeset queued
  // before) is done: the order the site's MathJax set-up needs (see mathjax.js).
  function typeset(el, tex, wanted) {
    const run = () => {
      if (!el.isConnected || !wanted()) return undefined;
      if (window.MathJax && MathJax.typesetClear) MathJax.typesetClear([el]);
      el.textContent = `\\[${tex}\\]`;
      el.dataset.tex = tex;
      return MathJax.typesetPromise([el]);
    };
    if (!window.MathJax || !MathJax.startup || !MathJax.startup.promise) {
      el.textContent = tex; // no MathJax: the TeX itself, still the page's formula
      el.dataset.tex = tex;
      return Promise.resolve();
    }
    MathJax.startup.promise = MathJax.startup.promise.then(run).catch((err) => {
      console.error("stepper: typesetting failed:", err);
    });
    return MathJax.startup.promise;
  }

  // ------------------------------------------------------------------------------------------
  // DOM helpers.

  function el(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function button(text, className, label) {
    const b = el("button", className, text);
    b.type = "button";
    if (label) b.setAttribute("aria-label", label);
    return b;
  }

  // ------------------------------------------------------------------------------------------
  // One widget on one page view.

  class Stepper {
    constructor(root) {
      this.root = root;
      this.alive = true;
      this.links = {};
      for (const item of root.querySelectorAll("[data-step]")) {
        const a = item.querySelectorAll("a[href]");
        this.links[item.dataset.step] = { eq: a[0], code: a[1] };
      }
      const check = root.querySelector("[data-check] a[href]");
      this.checkLink = check;
      this.seed = DEFAULT_SEED;
      this.state = initialState(this.seed, DEFAULT_LR);
      this.step = 0;
      this.choice = ["W1", 0, 0]; // the parameter entry checked by finite differences
      this.pinned = null; // [view, r, c] of the highlighted entry
      this.lastMask = null;
      this.build();
      this.recompute();
      this.show(0);
      root.dataset.state = "ready";
    }

    build() {
      const root = this.root;
      root.replaceChildren();
      root.classList.add("bs-live");

      // Seed and learning rate.
      const bar = el("div", "bs-bar");
      const seedLabel = el("label", "bs-field");
      seedLabel.append(el("span", "bs-field-name", "Seed"));
      this.seedInput = el("input", "bs-seed");
      this.seedInput.type = "text";
      this.seedInput.inputMode = "numeric";
      this.seedInput.value = String(this.seed);
      this.seedInput.setAttribute("aria-label", "Seed of the starting values");
      seedLabel.append(this.seedInput);
      this.newSeed = button("New seed", "md-button bs-small");
      this.reset = button("Reset", "md-button bs-small", "Reset to the seed's starting values");
      const lrLabel = el("label", "bs-field");
      lrLabel.append(el("span", "bs-field-name", "Learning rate \u03b1"));
      this.lrInput = el("input", "bs-lr");
      this.lrInput.type = "text";
      this.lrInput.inputMode = "decimal";
      this.lrInput.setAttribute("aria-label", "Learning rate alpha");
      lrLabel.append(this.lrInput);
      this.lrRange = el("input", "bs-lr-range");
      this.lrRange.type = "range";
      this.lrRange.min = "0";
      this.lrRange.max = "2";
      this.lrRange.step = "0.01";
      this.lrRange.setAttribute("aria-label", "Learning rate alpha, slider");
      bar.append(seedLabel, this.newSeed, this.reset, lrLabel, this.lrRange);

      // The step list.
      const nav = el("div", "bs-nav");
      nav.setAttribute("role", "group");
      nav.setAttribute("aria-label", "Steps");
      this.prev = button("\u25c0", "bs-arrow", "Previous step");
      this.next = button("\u25b6", "bs-arrow", "Next step");
      const pills = el("div", "bs-pills");
      this.pills = STEPS.map((s, i) => {
        const label = s.key === "update" ? "update" : VIEWS[s.key === "L" ? "L" : s.out].label;
        const p = button(label, `bs-pill bs-${s.phase.toLowerCase()}`, `Step ${i + 1}: ${s.title}`);
        p.dataset.step = s.key;
        p.addEventListener("click", () => this.show(i));
        pills.append(p);
        return p;
      });
      nav.append(this.prev, pills, this.next);

      // The step itself, and the side panel.
      const main = el("div", "bs-main");
      this.stage = el("section", "bs-stage");
      const head = el("div", "bs-head");
      this.counter = el("span", "bs-counter");
      this.title = el("h3", "bs-title");
      head.append(this.counter, this.title);
      this.text = el("p", "bs-text");
      const eqBox = el("div", "bs-eqbox");
      this.eq = el("div", "bs-eq");
      this.eqLinks = el("p", "bs-eqlinks");
      eqBox.append(this.eq, this.eqLinks);
      this.grid = el("div", "bs-rows");
      this.detail = el("p", "bs-detail");
      this.detail.setAttribute("aria-live", "polite");
      this.stage.append(head, this.text, eqBox, this.grid, this.detail);

      this.side = el("aside", "bs-side");
      this.side.setAttribute("aria-label", "Loss and a gradient check");
      const lossBox = el("div", "bs-card");
      lossBox.append(el("h4", null, "Loss"));
      const dl = el("dl", "bs-values");
      const pair = (name) => {
        const dt = el("dt", null, name), dd = el("dd");
        dl.append(dt, dd);
        return dd;
      };
      this.lossBefore = pair("before the update");
      this.lossAfter = pair("after the update");
      this.lossChange = pair("change");
      this.take = button("Take the step", "md-button md-button--primary bs-small");
      lossBox.append(dl, this.take);
      const checkBox = el("div", "bs-card");
      checkBox.append(el("h4", null, "Check one gradient entry"));
      this.choose = el("select", "bs-choose");
      this.choose.setAttribute("aria-label", "Gradient entry to check");
      for (const name of PARAMS) {
        const group = el("optgroup");
        group.label = "d" + VIEWS[name].label;
        this.state[name].forEach((r, i) => r.forEach((_, c) => {
          const o = el("option", null, `d${VIEWS[name].label}[${VIEWS[name].rows(i)}` +
            (name[0] === "W" ? `,${VIEWS[name].cols(c)}]` : "]"));
          o.value = `${name},${i},${c}`;
          group.append(o);
        }));
        this.choose.append(group);
      }
      const dl2 = el("dl", "bs-values");
      const pair2 = (name) => {
        const dt = el("dt", null, name), dd = el("dd");
        dl2.append(dt, dd);
        return dd;
      };
      this.fdBack = pair2("backprop");
      this.fdEstimate = pair2("central difference");
      this.fdDiff = pair2("difference");
      this.fdNote = el("p", "bs-note");
      const how = el("p", "bs-note");
      how.append(`h = 10\u207b\u2075, `);
      if (this.checkLink) {
        const a = this.checkLink.cloneNode(true);
        how.append(a);
      }
      checkBox.append(this.choose, dl2, this.fdNote, how);
      this.side.append(lossBox, checkBox);
      main.append(this.stage, this.side);

      root.append(bar, nav, main);

      // Events.
      this.seedInput.addEventListener("input", () => {
        const t = this.seedInput.value.trim();
        const ok = /^\d{1,10}$/.test(t) && Number(t) <= 4294967295;
        this.seedInput.setAttribute("aria-invalid", String(!ok));
        if (ok) this.reseed(Number(t));
      });
      this.newSeed.addEventListener("click", () => {
        const s = Math.floor(Math.random() * 100000);
        this.seedInput.value = String(s);
        this.seedInput.setAttribute("aria-invalid", "false");
        this.reseed(s);
      });
      this.reset.addEventListener("click", () => this.reseed(this.seed));
      this.lrInput.addEventListener("input", () => {
        const v = parseNumber(this.lrInput.value);
        this.lrInput.setAttribute("aria-invalid", String(v === null));
        if (v !== null) this.setLr(v, this.lrInput);
      });
      this.lrInput.addEventListener("change", () => this.refresh());
      this.lrInput.addEventListener("keydown", (e) => this.nudgeKey(e, (dv) =>
        this.setLr(round2(this.state.lr + dv), null)));
      this.lrRange.addEventListener("input", () => this.setLr(Number(this.lrRange.value), this.lrRange));
      this.prev.addEventListener("click", () => this.show(this.step - 1));
      this.next.addEventListener("click", () => this.show(this.step + 1));
      this.take.addEventListener("click", () => {
        for (const name of PARAMS) this.state[name] = this.values.next[name];
        this.recompute();
      });
      this.choose.addEventListener("change", () => {
        const [name, r, c] = this.choose.value.split(",");
        this.choice = [name, Number(r), Number(c)];
        this.recompute();
      });
      this.onKey = (e) => this.key(e);
      root.addEventListener("keydown", this.onKey);
    }

    // Arrow keys step through the stages, unless a text field wants them.
    key(e) {
      if (e.defaultPrevented || e.altKey || e.ctrlKey || e.metaKey) return;
      const t = e.target;
      if (t.matches("input, select, textarea")) return; // they use the arrows themselves
      let to = null;
      if (e.key === "ArrowRight") to = this.step + 1;
      else if (e.key === "ArrowLeft") to = this.step - 1;
      else if (e.key === "Home") to = 0;
      else if (e.key === "End") to = STEPS.length - 1;
      if (to === null) return;
      e.preventDefault();
      const refocus = this.stage.contains(t) || this.pills.includes(t);
      this.show(to);
      if (refocus) this.pills[this.step].focus();
    }

    nudgeKey(e, apply) {
      if (e.key !== "ArrowUp" && e.key !== "ArrowDown") return;
      e.preventDefault();
      apply((e.key === "ArrowUp" ? 1 : -1) * NUDGE * (e.shiftKey ? 10 : 1));
    }

    reseed(seed) {
      this.seed = seed;
      this.state = initialState(seed, this.state.lr);
      this.lastMask = null;
      this.recompute();
    }

    setLr(v, from) {
      this.state.lr = v;
      this.recompute(from);
    }

    set(target, value, from) {
      const [name, r, c] = target;
      this.state[name][r][c] = value;
      this.recompute(from);
    }

    setTarget(k, j) {
      for (let kk = 0; kk < K; kk++) this.state.Y[kk][j] = kk === k ? 1 : 0;
      this.recompute();
    }

    // Everything downstream of a change, at once; `from` is the field being typed in, left as
    // the reader has it.
    recompute(from) {
      this.values = compute(this.state);
      const [name, r, c] = this.choice;
      this.check = centralDifference(this.state, name, r, c);
      this.refresh(from);
      this.publish();
    }

    publish() {
      const v = this.values;
      const [name, r, c] = this.choice;
      const out = {};
      for (const key of ["X", "Y", "W1", "b1", "Z1", "A1", "W2", "b2", "Z2", "A2", "L",
        "delta2", "delta1", "dW1", "db1", "dW2", "db2", "lr"]) out[key] = v[key];
      out.seed = this.seed;
      out.update = { W1: v.next.W1, b1: v.next.b1, W2: v.next.W2, b2: v.next.b2, L: v.Lnext };
      out.check = { param: name, row: r, col: c, backprop: v["d" + name][r][c],
        estimate: this.check.estimate, h: H_STEP, kink: this.check.kink };
      this.root.dataset.values = JSON.stringify(out);
    }

    // ----------------------------------------------------------------------------------------
    // One step on screen.

    show(i) {
      i = Math.max(0, Math.min(STEPS.length - 1, i));
      const s = STEPS[i];
      this.step = i;
      this.root.dataset.step = s.key;
      this.pills.forEach((p, k) => {
        if (k === i) p.setAttribute("aria-current", "step");
        else p.removeAttribute("aria-current");
      });
      this.prev.disabled = i === 0;
      this.next.disabled = i === STEPS.length - 1;
      this.counter.textContent = `${s.phase} \u00b7 step ${i + 1} of ${STEPS.length}`;
      this.title.textContent = s.title;
      this.text.textContent = s.text;

      // The equation, as its page has it, and the two links.
      const links = this.links[s.key] || {};
      this.eqLinks.replaceChildren();
      if (links.eq) {
        const a = links.eq.cloneNode(true);
        this.eqLinks.append(a, " \u00b7 computed by ");
        if (links.code) this.eqLinks.append(links.code.cloneNode(true));
      }
      this.eq.replaceChildren();
      delete this.eq.dataset.tex;
      this.eq.dataset.state = "loading";
      const eq = this.eq;
      if (links.eq) {
        equationTeX(links.eq.href).then((tex) => {
          if (!this.alive || this.step !== i) return undefined;
          const wanted = () => this.alive && this.step === i;
          return typeset(eq, tex, wanted).then(() => {
            if (wanted()) eq.dataset.state = "typeset";
          });
        }).catch((err) => {
          if (!this.alive || this.step !== i) return;
          eq.dataset.state = "missing";
          eq.textContent = "The equation is on its page (link below).";
          console.warn("stepper: could not read the equation:", err.message);
        });
      }

      // The matrices.
      this.views = {};
      this.grid.replaceChildren();
      s.rows.forEach((items, r) => {
        const line = el("div", "bs-row");
        for (const item of items) {
          if (VIEWS[item] && !this.views[item]) line.append(this.matrixView(item));
          else if (VIEWS[item]) line.append(el("span", "bs-op bs-again", VIEWS[item].label));
          else line.append(el("span", "bs-op", item));
        }
        this.grid.append(line);
        const caption = s.captions && s.captions[r];
        if (caption) this.grid.append(el("p", "bs-caption", caption));
      });
      this.pinned = [s.out, 0, 0];
      this.refresh();
    }

    matrixView(name) {
      const spec = VIEWS[name];
      const values = spec.get(this.values);
      const fig = el("figure", "bs-matrix");
      fig.dataset.view = name;
      const label = el("figcaption", "bs-label", spec.label);
      // One grid: an index gutter (left) and header (top) when the view has those indices, two
      // thin columns for the brackets, the entries.
      const grid = el("div", "bs-grid");
      const rowsShown = spec.at[0] !== "-", colsShown = spec.at[1] !== "-";
      const g = rowsShown ? 1 : 0, h = colsShown ? 1 : 0;
      grid.style.gridTemplateColumns = (rowsShown ? "auto " : "") +
        `0.4em repeat(${values[0].length}, auto) 0.4em`;
      const place = (node, r, c) => {
        node.style.gridRow = String(r);
        node.style.gridColumn = String(c);
        grid.append(node);
      };
      const index = (text, kind) => el("span", `bs-idx ${kind}`, text);
      if (rowsShown && colsShown) place(index(`${spec.at[0]}\\${spec.at[1]}`, "bs-corner"), 1, 1);
      values[0].forEach((_, c) => colsShown && place(index(spec.cols(c), "bs-head"), 1, g + 2 + c));
      values.forEach((_, r) => rowsShown && place(index(spec.rows(r), "bs-gutter"), h + 1 + r, 1));
      const bracket = el("span", "bs-bracket");
      bracket.style.gridRow = `${h + 1} / ${h + 1 + values.length}`;
      bracket.style.gridColumn = `${g + 1} / ${g + 3 + values[0].length}`;
      bracket.setAttribute("aria-hidden", "true");
      grid.append(bracket);
      const cells = values.map((rowValues, r) => rowValues.map((_, c) => {
        const where = entryName(spec, r, c);
        let cell;
        if (spec.edit) {
          cell = el("input", "bs-cell bs-in");
          cell.type = "text";
          cell.inputMode = "decimal";
          cell.setAttribute("aria-label", where);
          this.editable(cell, spec.edit(r, c));
        } else if (spec.target) {
          cell = button("", "bs-cell bs-target");
          cell.addEventListener("click", () => this.setTarget(r, c));
        } else {
          cell = el("span", "bs-cell bs-out");
          cell.tabIndex = 0;
          cell.setAttribute("role", "button");
          if (SOURCES[name]) this.hoverable(cell, name, r, c);
          if (spec.grad) {
            cell.addEventListener("click", () => this.choose.value !== `${spec.grad},${r},${c}` &&
              this.chooseEntry(spec.grad, r, c));
          }
        }
        cell.dataset.r = String(r);
        cell.dataset.c = String(c);
        place(cell, h + 1 + r, g + 2 + c);
        return cell;
      }));
      fig.append(label, grid);
      this.views[name] = { spec: spec, cells: cells, fig: fig };
      return fig;
    }

    chooseEntry(name, r, c) {
      this.choice = [name, r, c];
      this.choose.value = `${name},${r},${c}`;
      this.recompute();
    }

    hoverable(cell, name, r, c) {
      cell.addEventListener("pointerenter", () => this.highlight([name, r, c]));
      cell.addEventListener("pointerleave", () => this.highlight(this.pinned));
      cell.addEventListener("focus", () => {
        this.pinned = [name, r, c];
        this.highlight(this.pinned);
      });
      cell.addEventListener("click", () => {
        this.pinned = [name, r, c];
        this.highlight(this.pinned);
      });
    }

    // A reader's input: type a number, drag sideways, or press the up and down arrows.
    editable(input, target) {
      input.addEventListener("input", () => {
        const v = parseNumber(input.value);
        input.setAttribute("aria-invalid", String(v === null));
        if (v !== null) this.set(target, v, input);
      });
      input.addEventListener("change", () => this.refresh());
      input.addEventListener("blur", () => {
        input.setAttribute("aria-invalid", "false");
        this.refresh();
      });
      input.addEventListener("keydown", (e) => this.nudgeKey(e, (dv) => {
        const [name, r, c] = target;
        this.set(target, round2(this.state[name][r][c] + dv), null);
      }));
      let drag = null;
      input.addEventListener("pointerdown", (e) => {
        if (e.pointerType === "mouse" && e.button !== 0) return;
        const [name, r, c] = target;
        drag = { id: e.pointerId, x: e.clientX, start: this.state[name][r][c], moved: false };
      });
      input.addEventListener("pointermove", (e) => {
        if (!drag || drag.id !== e.pointerId) return;
        const dx = e.clientX - drag.x;
        if (!drag.moved && Math.abs(dx) < 2 * DRAG_PX) return;
        if (!drag.moved) {
          drag.moved = true;
          input.setPointerCapture(e.pointerId);
          input.classList.add("bs-dragging");
          if (document.activeElement === input) input.blur();
        }
        e.preventDefault();
        this.set(target, round2(drag.start + Math.round(dx / DRAG_PX) * NUDGE), null);
      });
      const end = (e) => {
        if (!drag || drag.id !== e.pointerId) return;
        if (drag.moved) e.preventDefault();
        drag = null;
        input.classList.remove("bs-dragging");
      };
      input.addEventListener("pointerup", end);
      input.addEventListener("pointercancel", end);
    }

    // Numbers into the views on screen and the panel.
    refresh(from) {
      const v = this.values;
      if (!v || !this.views) return;
      const mask = v.mask.flat();
      for (const view of Object.values(this.views)) {
        const values = view.spec.get(v);
        view.cells.forEach((cells, r) => cells.forEach((cell, c) => {
          const x = values[r][c];
          if (view.spec.edit) {
            if (cell !== from) cell.value = editText(x);
            cell.title = String(x);
          } else if (view.spec.target) {
            cell.textContent = String(x);
            cell.setAttribute("aria-pressed", String(x === 1));
            cell.setAttribute("aria-label", `${entryName(view.spec, r, c)}: ` + (x === 1
              ? `example ${c + 1}'s target is class ${r}`
              : `make class ${r} example ${c + 1}'s target`));
          } else {
            cell.textContent = view.spec.mask ? String(x) : fmt(x);
            cell.title = String(x);
            cell.setAttribute("aria-label", `${entryName(view.spec, r, c)}: ${fmt(x)}`);
          }
          if (view.spec.masked || view.spec.mask) {
            const off = v.mask[r][c] === 0;
            cell.classList.toggle("bs-off", off);
            const was = this.lastMask && this.lastMask[r * m + c];
            if (this.lastMask && was !== mask[r * m + c]) {
              cell.classList.remove("bs-flip");
              void cell.offsetWidth; // restart the animation
              cell.classList.add("bs-flip");
            }
          }
        }));
      }
      this.lastMask = mask;
      this.highlight(this.pinned);

      // The side panel.
      if (from !== this.lrInput) this.lrInput.value = editText(v.lr);
      if (from !== this.lrRange) this.lrRange.value = String(v.lr);
      this.lossBefore.textContent = fmt(v.L);
      this.lossAfter.textContent = `${fmt(v.Lnext)} (\u03b1 = ${fmt(v.lr)})`;
      this.lossChange.textContent = fmt(v.Lnext - v.L);
      this.lossAfter.title = String(v.Lnext);
      const [name, r, c] = this.choice;
      const back = v["d" + name][r][c], est = this.check.estimate;
      const precise = (x) => (x === 0 ? "0" : x.toPrecision(8).replace("-", "\u2212"));
      this.fdBack.textContent = precise(back);
      this.fdEstimate.textContent = precise(est);
      this.fdDiff.textContent = est === back ? "0" : Math.abs(est - back).toExponential(1);
      this.fdNote.textContent = this.check.kink
        ? "A pre-activation sits within h of 0: the difference straddles ReLU's kink and " +
          "measures a slope between the two sides, not H(0) = 0."
        : "They agree to about 10\u207b\u00b9\u2070, the accuracy the central difference allows.";
      this.fdNote.classList.toggle("bs-warn", this.check.kink);
    }

    highlight(at) {
      this.root.querySelectorAll(".bs-src, .bs-hit").forEach((c) => c.classList.remove("bs-src", "bs-hit"));
      if (!at) return;
      const [name, r, c] = at;
      const view = this.views[name];
      if (!view || !view.cells[r] || !view.cells[r][c]) {
        this.detail.textContent = "Hover over, tap or focus an entry to see what made it.";
        return;
      }
      view.cells[r][c].classList.add("bs-hit");
      const sources = SOURCES[name] ? SOURCES[name](r, c, this.values) : {};
      for (const [src, entries] of Object.entries(sources)) {
        const target = this.views[src];
        if (!target) continue;
        for (const [rr, cc] of entries) target.cells[rr][cc].classList.add("bs-src");
      }
      this.detail.textContent = DETAILS[name] ? DETAILS[name](this.values, r, c) : "";
    }

    destroy() {
      this.alive = false;
      this.root.removeEventListener("keydown", this.onKey);
    }
  }

  // ------------------------------------------------------------------------------------------
  // Mount on every page view.

  let current = null;
  function mount() {
    if (current) current.destroy();
    current = null;
    const root = document.getElementById("backprop-stepper");
    if (!root) return;
    try {
      current = new Stepper(root);
    } catch (err) {
      root.dataset.state = "failed";
      console.error("stepper:", err);
    }
  }

  // For the browser tests and the curious: the math and the live instance.
  window.backpropStepper = {
    compute: compute, initialState: initialState, centralDifference: centralDifference,
    get current() { return current; },
  };

  if (typeof document$ !== "undefined") {
    document$.subscribe(mount);
  } else if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", mount);
  } else {
    mount();
  }
})();
