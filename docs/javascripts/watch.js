// "Watch it learn" (docs/runs.md): a slider and a play button over the snapshots that
// `python -m mnist_scratch.train` saved while training (snapshots.json: the hidden units'
// weights W1 and the test accuracy at a few steps, geometrically spaced because learning is
// fastest at the start).
//
// The page writes <div class="mnist-watch"> holding a link <a data-watch="snapshots">; MkDocs
// makes its href relative to the page and checks that the file exists, and without JavaScript
// the link is still there to download. Material's instant navigation re-announces each page on
// `document$`: every emission stops the previous widgets' timers and mounts the new page's.
(function () {
  "use strict";
  if (window.mnistWatch) return; // loaded twice: one instance per page is enough

  const SIDE = 28;
  const FRAME_MS = 700;

  function weightRGB(v) {
    const t = Math.max(-1, Math.min(1, v));
    const end = t < 0 ? [33, 102, 172] : [178, 24, 43], a = Math.abs(t);
    return end.map((c) => Math.round(255 + (c - 255) * a));
  }

  // One unit's 784 weights as a 28x28 image, scaled to its own largest weight in this frame,
  // so the pattern is visible even while the weights are still small.
  function paint(canvas, row) {
    const ctx = canvas.getContext("2d");
    const img = ctx.createImageData(SIDE, SIDE);
    let scale = 0;
    for (const w of row) scale = Math.max(scale, Math.abs(w));
    row.forEach((w, j) => img.data.set([...weightRGB(w / (scale || 1)), 255], 4 * j));
    ctx.putImageData(img, 0, 0);
  }

  const SVG = "http://www.w3.org/2000/svg";
  function svg(tag, attrs) {
    const node = document.createElementNS(SVG, tag);
    for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, String(v));
    return node;
  }

  const fetched = new Map();
  function fetchJSON(url) {
    if (!fetched.has(url)) {
      fetched.set(url, fetch(url).then((r) => {
        if (!r.ok) throw new Error(`${r.status} ${r.statusText}`);
        return r.json();
      }).catch((err) => {
        fetched.delete(url);
        throw new Error(`could not load ${url}: ${err.message}`);
      }));
    }
    return fetched.get(url);
  }

  class Watch {
    constructor(root) {
      this.root = root;
      this.alive = true;
      this.timer = 0;
      const link = root.querySelector('a[data-watch="snapshots"]');
      // The snapshots are about 1 MB and the widget sits far down the runs page: fetch them
      // only when the reader scrolls near it.
      if ("IntersectionObserver" in window) {
        this.observer = new IntersectionObserver((entries) => {
          if (!entries.some((e) => e.isIntersecting)) return;
          this.observer.disconnect();
          this.load(link.href);
        }, { rootMargin: "800px 0px" });
        this.observer.observe(root);
      } else {
        this.load(link.href);
      }
    }

    load(url) {
      const root = this.root;
      fetchJSON(url)
        .then((doc) => { if (this.alive) this.build(doc); })
        .catch((err) => {
          if (!this.alive) return;
          const note = document.createElement("p");
          note.className = "pg-error";
          note.textContent = `Watch it learn could not start: ${err.message}.`;
          root.appendChild(note);
          console.error("watch it learn:", err);
        });
    }

    build(doc) {
      if (doc.format !== "mnist_scratch-snapshots" || !doc.snapshots.length) {
        throw new Error("not a snapshots file");
      }
      this.frames = doc.snapshots;
      this.perEpoch = doc.steps_per_epoch;
      const hidden = this.frames[0].W1.length;

      this.units = [];
      const grid = document.createElement("div");
      grid.className = "watch-units";
      for (let j = 0; j < hidden; j++) {
        const c = document.createElement("canvas");
        c.width = c.height = SIDE;
        c.className = "pg-pixels";
        c.setAttribute("role", "img");
        c.setAttribute("aria-label", `Weights into hidden unit ${j}`);
        grid.appendChild(c);
        this.units.push(c);
      }

      const controls = document.createElement("div");
      controls.className = "watch-controls";
      this.play = document.createElement("button");
      this.play.type = "button";
      this.play.className = "md-button md-button--primary";
      this.play.textContent = "Play";
      this.slider = document.createElement("input");
      this.slider.type = "range";
      this.slider.className = "watch-slider";
      this.slider.min = "0";
      this.slider.max = String(this.frames.length - 1);
      this.slider.step = "1";
      this.slider.setAttribute("aria-label", "Training snapshot");
      controls.append(this.play, this.slider);

      this.label = document.createElement("div");
      this.label.className = "watch-label";
      this.label.setAttribute("aria-live", "polite");

      this.curve = this.accuracyCurve();

      this.slider.addEventListener("input", () => { this.stop(); this.show(+this.slider.value); });
      this.play.addEventListener("click", () => (this.timer ? this.stop() : this.start()));

      this.root.append(grid, controls, this.label, this.curve.node);
      this.root.dataset.state = "ready";
      this.show(0);
    }

    // Test accuracy against snapshot number, with a dot on the frame shown.
    accuracyCurve() {
      const n = this.frames.length, W = 400, H = 80, L = 30, B = 14;
      const x = (i) => L + ((W - L - 6) * i) / Math.max(1, n - 1);
      const y = (acc) => 8 + (H - B - 8) * (1 - acc);
      const node = svg("svg", { class: "watch-curve", viewBox: `0 0 ${W} ${H}`, role: "img",
        "aria-label": "Test accuracy at each snapshot" });
      node.append(
        svg("polyline", { points: this.frames.map((f, i) => `${x(i)},${y(f.test_accuracy)}`).join(" ") }),
      );
      for (const acc of [0, 1]) {
        const t = svg("text", { x: 0, y: y(acc) + 3 });
        t.textContent = `${100 * acc}%`;
        node.append(t);
      }
      const axis = svg("text", { x: L, y: H - 2 });
      axis.textContent = "test accuracy, snapshot by snapshot";
      node.append(axis);
      const dot = svg("circle", { r: 4, cx: x(0), cy: y(this.frames[0].test_accuracy) });
      node.append(dot);
      return { node: node, move: (i) => { dot.setAttribute("cx", x(i)); dot.setAttribute("cy", y(this.frames[i].test_accuracy)); } };
    }

    show(i) {
      const f = this.frames[i];
      f.W1.forEach((row, j) => paint(this.units[j], row));
      this.slider.value = String(i);
      this.curve.move(i);
      const last = this.frames[this.frames.length - 1].step;
      this.label.textContent = `Snapshot ${i + 1} of ${this.frames.length}: step ` +
        `${f.step.toLocaleString("en")} of ${last.toLocaleString("en")} ` +
        `(epoch ${(f.step / this.perEpoch).toFixed(2)}), test accuracy ` +
        `${(100 * f.test_accuracy).toFixed(2)}%`;
      this.root.dataset.frame = String(i);
      this.index = i;
    }

    start() {
      if (this.index >= this.frames.length - 1) this.show(0);
      this.play.textContent = "Pause";
      this.timer = setInterval(() => {
        if (this.index >= this.frames.length - 1) return this.stop();
        this.show(this.index + 1);
      }, FRAME_MS);
    }

    stop() {
      clearInterval(this.timer);
      this.timer = 0;
      if (this.play) this.play.textContent = "Play";
    }

    destroy() {
      this.alive = false;
      if (this.observer) this.observer.disconnect();
      this.stop();
    }
  }

  let mounted = [];
  function mount() {
    mounted.forEach((w) => w.destroy());
    mounted = [...document.querySelectorAll(".mnist-watch")].map((root) => new Watch(root));
  }

  window.mnistWatch = { get mounted() { return mounted; } };

  if (typeof document$ !== "undefined") {
    document$.subscribe(mount);
  } else if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", mount);
  } else {
    mount();
  }
})();
