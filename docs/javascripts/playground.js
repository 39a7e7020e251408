// The playground (docs/playground.md): draw a digit, and the trained 784-10-10 network reads it.
//
// Plain JavaScript, no framework, nothing fetched from outside the site. The page holds the
// skeleton and the links to the derivations (so the strict build checks them); this script adds
// the canvases and the bars. The two files it needs are linked from the page itself
// (<a data-playground="weights"> and <a data-playground="digits">): MkDocs writes those hrefs
// relative to the page and checks that the files exist, so the fetches work under
// `mkdocs serve`, from a copy of the built site and under a GitHub Pages subpath alike.
//
// Material's instant navigation swaps the page without re-running scripts and announces each
// page on `document$`: every emission tears down the previous playground (timers, listeners)
// and builds a new one if the new page has the root element.
(function () {
  "use strict";
  if (window.mnistPlayground) return; // loaded twice: one instance per page is enough

  const SIDE = 28; // MNIST images are 28x28
  const BOX = 20; // ... with the digit scaled to fit 20x20 inside them
  const PAD = 280; // drawing canvas, in canvas pixels (10 per MNIST pixel)
  const STROKE = 22; // pen width in canvas pixels: ~2 MNIST pixels once a digit fills the box
  const INK = 0.1; // a canvas pixel darker than this is background when finding the bounding box

  // ------------------------------------------------------------------------------------------
  // The network: the same forward pass as mnist_scratch.network.forward, one column at a time.

  function loadNetwork(doc) {
    if (doc.format !== "mnist_scratch-weights") throw new Error("not a weights file");
    const [inputs, hidden, classes] = doc.layers;
    // The package trains in float32: rounding each weight to float32 recovers the trained
    // value exactly when the file carries enough digits (9 significant digits do).
    const flat = (rows, n, m) => {
      const out = new Float64Array(n * m);
      rows.forEach((row, i) => out.set(row.map(Math.fround), i * m));
      return out;
    };
    return {
      inputs: inputs, hidden: hidden, classes: classes,
      W1: flat(doc.W1, hidden, inputs), // (hidden, 784), row-major
      b1: Float64Array.from(doc.b1, Math.fround),
      W2: flat(doc.W2, classes, hidden), // (10, hidden)
      b2: Float64Array.from(doc.b2, Math.fround),
      experiment: doc.experiment, run: doc.run, testAccuracy: doc.test_accuracy,
    };
  }

  // z = W a + b for one column a: eq-affine.
  function affine(W, a, b) {
    const n = b.length, m = a.length, z = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      let s = b[i];
      for (let j = 0, k = i * m; j < m; j++, k++) s += W[k] * a[j];
      z[i] = s;
    }
    return z;
  }

  // Subtracting the largest logit changes nothing (eq-softmax-shift) and keeps exp() finite.
  function softmax(z) {
    const c = Math.max(...z);
    const e = z.map((v) => Math.exp(v - c));
    const total = e.reduce((s, v) => s + v, 0);
    return e.map((v) => v / total);
  }

  function forward(net, x) {
    const z1 = affine(net.W1, x, net.b1);
    const a1 = z1.map((v) => (v > 0 ? v : 0)); // ReLU
    const z2 = affine(net.W2, a1, net.b2);
    return { z1: z1, a1: a1, z2: z2, a2: softmax(z2) };
  }

  // ------------------------------------------------------------------------------------------
  // MNIST's preprocessing of a drawing: crop to the ink's bounding box, scale it (aspect kept)
  // to fit 20x20 with anti-aliasing, place it in 28x28 with its centre of mass on pixel
  // (14, 14) by a whole-pixel shift, as LeCun et al. describe. `gray` is row-major, ink near 1.
  // Returns 784 values in [0, 1], or null for a blank canvas.

  function preprocess(gray, width, height) {
    let x0 = width, y0 = height, x1 = -1, y1 = -1;
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        if (gray[y * width + x] > INK) {
          if (x < x0) x0 = x;
          if (x > x1) x1 = x;
          if (y < y0) y0 = y;
          if (y > y1) y1 = y;
        }
      }
    }
    if (x1 < 0) return null;
    const bw = x1 - x0 + 1, bh = y1 - y0 + 1;
    const s = BOX / Math.max(bw, bh); // one canvas pixel is s MNIST pixels wide
    let mass = 0, mx = 0, my = 0;
    for (let y = 0; y < bh; y++) {
      for (let x = 0; x < bw; x++) {
        const g = gray[(y0 + y) * width + x0 + x];
        mass += g; mx += g * (x + 0.5); my += g * (y + 0.5);
      }
    }
    // Bounding box centred first; then the whole-pixel shift that brings the centre of mass
    // nearest to the middle of pixel 14 (MNIST's centres of mass sit at 14.0 +- 0.29).
    let ox = (SIDE - bw * s) / 2, oy = (SIDE - bh * s) / 2;
    ox += Math.round(SIDE / 2 + 0.5 - (ox + s * mx / mass));
    oy += Math.round(SIDE / 2 + 0.5 - (oy + s * my / mass));
    // Area-weighted resampling (a box filter): each canvas pixel spreads its ink over the
    // MNIST pixels its scaled square overlaps, in proportion to the overlap. Separable.
    const spans = (n, o) => {
      const out = [];
      for (let i = 0; i < n; i++) {
        const lo = o + s * i, hi = lo + s, parts = [];
        for (let c = Math.max(0, Math.floor(lo)); c < Math.min(SIDE, Math.ceil(hi)); c++) {
          const w = Math.min(hi, c + 1) - Math.max(lo, c);
          if (w > 0) parts.push(c, w);
        }
        out.push(parts);
      }
      return out;
    };
    const cols = spans(bw, ox), rows = spans(bh, oy);
    const x = new Float64Array(SIDE * SIDE);
    for (let y = 0; y < bh; y++) {
      const ry = rows[y];
      for (let xx = 0; xx < bw; xx++) {
        const g = gray[(y0 + y) * width + x0 + xx];
        if (g === 0) continue;
        const cx = cols[xx];
        for (let a = 0; a < ry.length; a += 2) {
          for (let b = 0; b < cx.length; b += 2) x[ry[a] * SIDE + cx[b]] += g * ry[a + 1] * cx[b + 1];
        }
      }
    }
    // MNIST's strokes are saturated at their core: the darkest pixel is (nearly) 255.
    let peak = 0;
    for (const v of x) if (v > peak) peak = v;
    for (let i = 0; i < x.length; i++) x[i] = Math.min(1, x[i] / peak);
    return x;
  }

  // ------------------------------------------------------------------------------------------
  // Drawing helpers.

  // Diverging colours for a weight image: blue negative, white zero, red positive.
  function weightRGB(v) {
    const t = Math.max(-1, Math.min(1, v));
    const neg = [33, 102, 172], pos = [178, 24, 43];
    const end = t < 0 ? neg : pos, a = Math.abs(t);
    return end.map((c) => Math.round(255 + (c - 255) * a));
  }

  function paintWeights(canvas, W, row, m) {
    const ctx = canvas.getContext("2d");
    const img = ctx.createImageData(SIDE, SIDE);
    let scale = 0;
    for (let j = 0; j < m; j++) scale = Math.max(scale, Math.abs(W[row * m + j]));
    for (let j = 0; j < m; j++) {
      const [r, g, b] = weightRGB(W[row * m + j] / (scale || 1));
      img.data.set([r, g, b, 255], 4 * j);
    }
    ctx.putImageData(img, 0, 0);
  }

  function paintInput(canvas, x) {
    const ctx = canvas.getContext("2d");
    const img = ctx.createImageData(SIDE, SIDE);
    for (let j = 0; j < SIDE * SIDE; j++) {
      const v = Math.round(255 * (1 - (x ? x[j] : 0))); // ink dark on white, as printed
      img.data.set([v, v, v, 255], 4 * j);
    }
    ctx.putImageData(img, 0, 0);
  }

  function el(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function pixelCanvas(className, label) {
    const c = el("canvas", className);
    c.width = SIDE;
    c.height = SIDE;
    c.setAttribute("role", "img");
    c.setAttribute("aria-label", label);
    return c;
  }

  const fmt = (v, d) => (Object.is(v, -0) ? 0 : v).toFixed(d);

  // One fetch per file per visit, shared by every page view after it.
  const fetched = new Map();
  function fetchJSON(url) {
    if (!fetched.has(url)) {
      fetched.set(url, fetch(url).then((r) => {
        if (!r.ok) throw new Error(`${r.status} ${r.statusText}`);
        return r.json();
      }).catch((err) => {
        fetched.delete(url); // a later visit may try again
        throw new Error(`could not load ${url}: ${err.message}`);
      }));
    }
    return fetched.get(url);
  }

  function decodeDigits(doc) {
    if (doc.format !== "mnist_scratch-digits") throw new Error("not a digits file");
    const bin = atob(doc.images);
    const pixels = new Uint8Array(bin.length);
    for (let i = 0; i < bin.length; i++) pixels[i] = bin.charCodeAt(i);
    const size = doc.rows * doc.cols;
    if (pixels.length !== doc.count * size) throw new Error("digits file is truncated");
    return {
      count: doc.count, labels: doc.labels, indices: doc.indices,
      image: (i) => pixels.subarray(i * size, (i + 1) * size),
    };
  }

  // ------------------------------------------------------------------------------------------
  // One playground on one page view.

  class Playground {
    constructor(root) {
      this.root = root;
      this.alive = true;
      this.frame = 0;
      this.net = null;
      this.digits = null;
      this.shown = -1; // index into the sample of the test digit on the canvas, or -1
      this.q = (name) => root.querySelector(`[data-pg="${name}"]`);
      this.build();
      this.status("Loading the trained network…");
      const link = (name) => root.querySelector(`a[data-playground="${name}"]`);
      Promise.all([fetchJSON(link("weights").href), fetchJSON(link("digits").href)])
        .then(([weights, digits]) => {
          if (!this.alive) return;
          this.net = loadNetwork(weights);
          this.digits = decodeDigits(digits);
          this.ready();
        })
        .catch((err) => {
          if (!this.alive) return;
          const local = location.protocol === "file:"
            ? " Browsers do not let a page opened from a file fetch its data: serve the " +
              "folder (python -m http.server) or run mkdocs serve."
            : "";
          this.status(`The playground could not start: ${err.message}.${local}`, true);
          console.error("playground:", err);
        });
    }

    build() {
      const pad = el("canvas", "pg-pad");
      pad.width = PAD;
      pad.height = PAD;
      pad.setAttribute("aria-label", "Drawing area: draw a digit with the mouse, a pen or a finger");
      this.pad = pad;
      this.ctx = pad.getContext("2d", { willReadFrequently: true });
      this.clearPad();
      this.q("pad").replaceChildren(pad);

      this.input = pixelCanvas("pg-pixels pg-input", "The 28 by 28 input the network reads");
      this.q("input").replaceChildren(this.input);
      paintInput(this.input, null);

      this.clearButton = el("button", "md-button", "Clear");
      this.randomButton = el("button", "md-button md-button--primary", "Random test digit");
      this.clearButton.type = this.randomButton.type = "button";
      this.randomButton.disabled = true;
      this.q("buttons").replaceChildren(this.randomButton, this.clearButton);

      this.message = this.q("status");
      this.message.setAttribute("aria-live", "polite");

      this.onDown = (e) => this.down(e);
      this.onMove = (e) => this.move(e);
      this.onUp = (e) => this.up(e);
      pad.addEventListener("pointerdown", this.onDown);
      pad.addEventListener("pointermove", this.onMove);
      pad.addEventListener("pointerup", this.onUp);
      pad.addEventListener("pointercancel", this.onUp);
      this.clearButton.addEventListener("click", () => this.clear());
      this.randomButton.addEventListener("click", () => this.randomDigit());
    }

    ready() {
      const net = this.net;
      // Hidden layer: one row per unit, its incoming weights drawn as a 28x28 image, then its
      // output as a bar and a number.
      this.units = [];
      const grid = this.q("hidden");
      grid.replaceChildren();
      for (let j = 0; j < net.hidden; j++) {
        const row = el("div", "pg-unit");
        const name = el("span", "pg-unit-name", String(j));
        const weights = pixelCanvas("pg-pixels pg-weights", `Weights into hidden unit ${j}`);
        paintWeights(weights, net.W1, j, net.inputs);
        const track = el("span", "pg-track");
        const fill = el("span", "pg-fill");
        track.appendChild(fill);
        const value = el("span", "pg-unit-value");
        row.append(name, weights, track, value);
        grid.appendChild(row);
        this.units.push({ card: row, fill: fill, value: value });
      }
      // Output layer: one bar per digit.
      this.bars = [];
      const bars = this.q("output");
      bars.replaceChildren();
      for (let k = 0; k < net.classes; k++) {
        const row = el("div", "pg-bar");
        row.dataset.digit = String(k);
        const label = el("span", "pg-bar-digit", String(k));
        const track = el("span", "pg-track");
        const fill = el("span", "pg-fill");
        track.appendChild(fill);
        const value = el("span", "pg-bar-value");
        row.append(label, track, value);
        bars.appendChild(row);
        this.bars.push({ row: row, fill: fill, value: value });
      }
      const acc = this.q("accuracy");
      if (acc) {
        acc.textContent = `${net.experiment}/${net.run}, ${(100 * net.testAccuracy).toFixed(2)}% ` +
          "on the 10,000 test images";
      }
      this.randomButton.disabled = false;
      this.root.dataset.state = "ready";
      this.status("Draw a digit in the box, or load a random test digit.");
      this.show(null);
    }

    status(text, isError) {
      this.message.textContent = text;
      this.message.classList.toggle("pg-error", Boolean(isError));
    }

    clearPad() {
      this.ctx.fillStyle = "#000";
      this.ctx.fillRect(0, 0, PAD, PAD);
    }

    point(e) {
      const r = this.pad.getBoundingClientRect();
      return [(e.clientX - r.left) * PAD / r.width, (e.clientY - r.top) * PAD / r.height];
    }

    down(e) {
      if (!this.net || (e.pointerType === "mouse" && e.button !== 0)) return;
      e.preventDefault();
      this.pad.setPointerCapture(e.pointerId);
      this.pen = e.pointerId;
      this.last = this.point(e);
      if (this.shown >= 0) this.leaveTestDigit();
      this.stroke([this.last]);
    }

    move(e) {
      if (this.pen !== e.pointerId) return;
      const events = e.getCoalescedEvents ? e.getCoalescedEvents() : [e];
      this.stroke((events.length ? events : [e]).map((ev) => this.point(ev)));
    }

    up(e) {
      if (this.pen !== e.pointerId) return;
      this.pen = undefined;
      this.schedule();
    }

    stroke(points) {
      const ctx = this.ctx;
      ctx.strokeStyle = ctx.fillStyle = "#fff";
      ctx.lineWidth = STROKE;
      ctx.lineCap = ctx.lineJoin = "round";
      ctx.beginPath();
      ctx.moveTo(this.last[0], this.last[1]);
      for (const p of points) ctx.lineTo(p[0], p[1]);
      if (points.length === 1 && points[0] === this.last) ctx.lineTo(this.last[0] + 0.01, this.last[1]);
      ctx.stroke();
      this.last = points[points.length - 1];
      this.schedule();
    }

    // Redraw at most once per frame while the pen moves.
    schedule() {
      if (this.frame) return;
      this.frame = requestAnimationFrame(() => {
        this.frame = 0;
        if (this.alive) this.readPad();
      });
    }

    readPad() {
      const rgba = this.ctx.getImageData(0, 0, PAD, PAD).data;
      const gray = new Float32Array(PAD * PAD);
      for (let i = 0; i < gray.length; i++) gray[i] = rgba[4 * i] / 255;
      return this.show(preprocess(gray, PAD, PAD));
    }

    leaveTestDigit() {
      this.shown = -1;
      this.root.dataset.testIndex = "";
      this.q("truth").textContent = "";
    }

    clear() {
      this.clearPad();
      this.leaveTestDigit();
      this.show(null);
    }

    randomDigit() {
      const n = this.digits.count;
      let i = Math.floor(Math.random() * n);
      if (n > 1 && i === this.shown) i = (i + 1) % n; // always a new digit
      this.showTestDigit(i);
    }

    // Test digit i of the shipped sample: its pixels go to the network unchanged (they are
    // MNIST already), and onto the drawing pad enlarged, where the reader can draw over it.
    showTestDigit(i) {
      const pixels = this.digits.image(i);
      const small = document.createElement("canvas");
      small.width = small.height = SIDE;
      const img = small.getContext("2d").createImageData(SIDE, SIDE);
      for (let j = 0; j < pixels.length; j++) img.data.set([pixels[j], pixels[j], pixels[j], 255], 4 * j);
      small.getContext("2d").putImageData(img, 0, 0);
      this.clearPad();
      this.ctx.imageSmoothingEnabled = true;
      this.ctx.drawImage(small, 0, 0, PAD, PAD);
      this.shown = i;
      this.root.dataset.testIndex = String(this.digits.indices[i]);
      const x = Float64Array.from(pixels, (v) => v / 255);
      const out = this.show(x);
      const label = this.digits.labels[i];
      const truth = this.q("truth");
      truth.textContent = `Test image ${this.digits.indices[i]}, true label ${label}: ` +
        (out.predicted === label ? "right." : "wrong.");
      truth.classList.toggle("pg-wrong", out.predicted !== label);
      return out;
    }

    // Run the network on x (784 values in [0, 1]) and show every stage; null clears.
    show(x) {
      paintInput(this.input, x);
      if (!this.units) return null;
      const result = x ? forward(this.net, x) : null;
      const a1max = result ? Math.max(1e-9, ...result.a1) : 1;
      this.units.forEach((u, j) => {
        const z = result ? result.z1[j] : 0, a = result ? result.a1[j] : 0;
        u.fill.style.width = `${(100 * a) / a1max}%`;
        u.card.classList.toggle("pg-off", Boolean(result) && a === 0);
        u.card.dataset.a = String(a);
        // An active unit shows its output a; a unit switched off shows why: its z is not > 0.
        u.value.textContent = !result ? "–" : a > 0 ? fmt(a, 2) : `z ${fmt(z, 2)}`;
        u.card.title = result ? `unit ${j}: z = ${fmt(z, 4)}, a = ${fmt(a, 4)}` : "";
      });
      let best = -1;
      if (result) result.a2.forEach((p, k) => { if (best < 0 || p > result.a2[best]) best = k; });
      this.bars.forEach((b, k) => {
        const p = result ? result.a2[k] : 0;
        b.fill.style.width = `${100 * p}%`;
        b.value.textContent = result ? `${(100 * p).toFixed(1)}%` : "";
        b.row.classList.toggle("pg-best", k === best);
        // Full precision for anyone (and the parity test) who wants the exact numbers.
        if (result) b.row.dataset.p = String(p); else delete b.row.dataset.p;
        b.row.title = result ? `z2 = ${fmt(result.z2[k], 4)}, p = ${p.toPrecision(6)}` : "";
      });
      const prediction = this.q("prediction");
      if (result) {
        prediction.textContent = String(best);
        this.root.dataset.prediction = String(best);
        this.status(`Read as ${best}, with probability ${(100 * result.a2[best]).toFixed(1)}%.`);
      } else {
        prediction.textContent = "?";
        this.root.dataset.prediction = "";
        this.leaveTestDigit();
      }
      return { input: x ? Array.from(x) : null, predicted: best,
        probabilities: result ? Array.from(result.a2) : null };
    }

    destroy() {
      this.alive = false;
      if (this.frame) cancelAnimationFrame(this.frame);
      this.pad.removeEventListener("pointerdown", this.onDown);
      this.pad.removeEventListener("pointermove", this.onMove);
      this.pad.removeEventListener("pointerup", this.onUp);
      this.pad.removeEventListener("pointercancel", this.onUp);
    }
  }

  // ------------------------------------------------------------------------------------------
  // Mount on every page view.

  let current = null;
  function mount() {
    if (current) current.destroy();
    current = null;
    const root = document.getElementById("mnist-playground");
    if (root) current = new Playground(root);
  }

  // For the browser tests and the curious: the math and the live instance.
  window.mnistPlayground = {
    forward: forward, preprocess: preprocess, loadNetwork: loadNetwork,
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
