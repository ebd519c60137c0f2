// The server-drawn SVG with pan (drag, arrow keys) and zoom (wheel, buttons, + and -), clicks on
// states, a minimap when the drawing does not fit, and layers of classes that pages put over it.
// Zoom works on the SVG's viewBox, so the drawing stays sharp at any scale.

// Labels are drawn at least this many points (data-min-label on the <svg>, designer/graph/build.py)
// and a graph opens at a scale where that is at least LEGIBLE_PX screen pixels when it can.
const LEGIBLE_PX = 12;
const SMALL_WORKFLOW = 30;  // up to this many states, open legible at the start rather than fitted
const MAX_SCALE = 1.6;      // a tiny workflow is not blown up past this
const PAN_STEP = 60;        // screen pixels per arrow key

export class GraphView {
  constructor(container, { onSelect, minimap = true }) {
    this.container = container;
    this.onSelect = onSelect;
    this.view = null;       // current viewBox {x, y, w, h}
    this.full = null;       // the drawing's own viewBox
    this.userMoved = false; // keep the user's zoom across re-renders once they zoomed or panned
    this.layers = new Map(); // name -> {states: {name: [classes]}, edges: [{from, kind, index, classes}]}
    this.minimap = minimap ? this.buildMinimap() : null;
    this.bind();
    this.bindKeys();
    this.adopt();
    new ResizeObserver(() => { if (this.full && !this.userMoved) this.initialView(); else this.apply(); })
      .observe(container);
  }

  get svg() { return this.container.querySelector("svg"); }

  // Take over the <svg> currently in the container (server-rendered or just replaced).
  adopt() {
    const svg = this.svg;
    if (!svg) return;
    const vb = (svg.getAttribute("viewBox") || "0 0 100 100").split(/[\s,]+/).map(Number);
    const full = { x: vb[0], y: vb[1], w: vb[2], h: vb[3] };
    svg.removeAttribute("width");
    svg.removeAttribute("height");
    svg.dataset.drawing = `${full.x} ${full.y} ${full.w} ${full.h}`; // the viewBox changes; this does not
    svg.setAttribute("preserveAspectRatio", "xMidYMid meet");
    svg.setAttribute("role", "group");
    svg.setAttribute("aria-label", "Workflow graph: Tab to a step, Enter to open it; arrow keys pan, + and − zoom");
    // Steps are reachable from the keyboard too: Tab to one, Enter to open it.
    for (const node of svg.querySelectorAll("g.state")) {
      node.setAttribute("tabindex", "0");
      node.setAttribute("role", "button");
      node.setAttribute("aria-label", GraphView.words(node));
    }
    const keep = this.userMoved && this.view;
    const sameDrawing = this.full && this.full.w === full.w && this.full.h === full.h;
    this.full = full;
    this.minLabel = Number(svg.getAttribute("data-min-label")) || LEGIBLE_PX;
    this.stateCount = svg.querySelectorAll("g.state").length;
    if (keep) this.apply();
    else if (sameDrawing && this.view) this.apply();
    else this.initialView();
    this.applyLayers();
    this.updateMinimap();
  }

  // Replace the drawing with new SVG markup (from our own render endpoint, text already escaped).
  replace(svgMarkup) {
    const doc = new DOMParser().parseFromString(svgMarkup, "image/svg+xml");
    const svg = doc.documentElement;
    if (svg.nodeName !== "svg") return;
    // A keyboard user keeps their place when the drawing is redrawn under them.
    const focused = document.activeElement?.closest?.("g.state")?.getAttribute("data-state");
    this.container.replaceChildren(document.importNode(svg, true));
    this.adopt();
    if (focused != null) this.nodeFor(focused)?.focus();
  }

  box() { return this.container.getBoundingClientRect(); }

  // The view a page opens with: everything, if that is legible; otherwise the start, legible.
  initialView() {
    const r = this.box();
    if (!this.full || !r.width || !r.height) { this.view = this.full && { ...this.full }; this.apply(); return; }
    const fitScale = Math.min(r.width / this.full.w, r.height / this.full.h);
    const legibleScale = LEGIBLE_PX / this.minLabel;
    if (fitScale * this.minLabel >= LEGIBLE_PX || this.stateCount > SMALL_WORKFLOW) {
      this.showAt(Math.min(Math.max(fitScale, 0), Math.max(MAX_SCALE, legibleScale)), this.full.x + this.full.w / 2,
        this.full.y + this.full.h / 2);
    } else {
      // Legible from the top, where the workflow starts; the minimap shows the rest.
      const start = this.svg.querySelector("#graph-start");
      const b = start && this.bboxOf(start);
      const cx = b ? b.x + b.width / 2 : this.full.x + this.full.w / 2;
      const w = r.width / legibleScale, h = r.height / legibleScale;
      const x = Math.min(Math.max(cx - w / 2, this.full.x), this.full.x + Math.max(this.full.w - w, 0));
      this.view = { x: this.full.w <= w ? this.full.x + (this.full.w - w) / 2 : x, y: this.full.y, w, h };
    }
    this.apply();
  }

  showAt(scale, cx, cy) {
    const r = this.box();
    const w = r.width / scale, h = r.height / scale;
    this.view = { x: cx - w / 2, y: cy - h / 2, w, h };
  }

  apply() {
    if (!this.view) return;
    const { x, y, w, h } = this.view;
    this.svg?.setAttribute("viewBox", `${x} ${y} ${w} ${h}`);
    this.updateMinimap();
  }

  fit() {
    this.userMoved = false;
    const r = this.box();
    if (!r.width || !r.height) { this.view = { ...this.full }; this.apply(); return; }
    const fitScale = Math.min(r.width / this.full.w, r.height / this.full.h);
    this.showAt(Math.min(fitScale, Math.max(MAX_SCALE, LEGIBLE_PX / this.minLabel)),
      this.full.x + this.full.w / 2, this.full.y + this.full.h / 2);
    this.apply();
  }

  zoom(factor, cx = 0.5, cy = 0.5) {
    const v = this.view;
    if (!v) return;
    const big = Math.max(this.full.w, this.full.h);
    const w = Math.min(Math.max(v.w * factor, 40), big * 4);
    const h = w * (v.h / v.w);
    this.view = { x: v.x + (v.w - w) * cx, y: v.y + (v.h - h) * cy, w, h };
    this.userMoved = true;
    this.apply();
  }

  pan(dxPixels, dyPixels) {
    const s = this.scale();
    this.view = { ...this.view, x: this.view.x + dxPixels * s, y: this.view.y + dyPixels * s };
    this.userMoved = true;
    this.apply();
  }

  // An element's box in the drawing's units (Graphviz nests everything in a translated group).
  bboxOf(el) {
    const b = el.getBBox();
    const m = this.svg.getScreenCTM().inverse().multiply(el.getScreenCTM());
    const p = (x, y) => new DOMPoint(x, y).matrixTransform(m);
    const a = p(b.x, b.y), c = p(b.x + b.width, b.y + b.height);
    return { x: Math.min(a.x, c.x), y: Math.min(a.y, c.y), width: Math.abs(c.x - a.x), height: Math.abs(c.y - a.y) };
  }

  // Screen pixels to drawing units (the drawing is letterboxed by preserveAspectRatio).
  scale() {
    const r = this.box();
    return Math.max(this.view.w / r.width, this.view.h / r.height);
  }

  // Bring a state into view without changing the zoom (e.g. after choosing it from a list).
  // `follow` moves the view for the page's own reasons (a run moving on): it does not count as the
  // user's move, and does nothing once the user has moved the view themselves.
  reveal(name, { follow = false } = {}) {
    if (follow && this.userMoved) return;
    const node = this.nodeFor(name);
    if (!node || !this.view) return;
    const b = this.bboxOf(node);
    const inside = b.x >= this.view.x && b.y >= this.view.y && b.x + b.width <= this.view.x + this.view.w &&
      b.y + b.height <= this.view.y + this.view.h;
    if (inside) return;
    this.view = { ...this.view, x: b.x + b.width / 2 - this.view.w / 2, y: b.y + b.height / 2 - this.view.h / 2 };
    if (!follow) this.userMoved = true;
    this.apply();
  }

  bind() {
    let drag = null;
    this.container.addEventListener("wheel", (e) => {
      if (!this.view) return;
      e.preventDefault();
      const r = this.box();
      this.zoom(e.deltaY > 0 ? 1.15 : 1 / 1.15, (e.clientX - r.left) / r.width, (e.clientY - r.top) / r.height);
    }, { passive: false });
    this.container.addEventListener("pointerdown", (e) => {
      if (e.button !== 0 || !this.view) return;
      drag = { x: e.clientX, y: e.clientY, view: { ...this.view }, moved: false };
    });
    window.addEventListener("pointermove", (e) => {
      if (!drag) return;
      const dx = e.clientX - drag.x, dy = e.clientY - drag.y;
      if (!drag.moved && Math.hypot(dx, dy) < 4) return;
      drag.moved = true;
      this.container.classList.add("panning");
      const s = this.scale();
      this.view = { ...drag.view, x: drag.view.x - dx * s, y: drag.view.y - dy * s };
      this.userMoved = true;
      this.apply();
    });
    window.addEventListener("pointerup", (e) => {
      const wasDrag = drag?.moved;
      const started = drag;
      drag = null;
      this.container.classList.remove("panning");
      if (wasDrag || !started) return;
      if (!this.container.contains(e.target)) return;
      const node = e.target.closest?.("g.state");
      this.onSelect(node ? node.getAttribute("data-state") : null);
    });
  }

  bindKeys() {
    this.container.addEventListener("keydown", (e) => {
      if (e.ctrlKey || e.metaKey || e.altKey) return;
      const node = e.target.closest?.("g.state");
      if (node && (e.key === "Enter" || e.key === " ") && !e.shiftKey) {
        e.preventDefault();
        this.onSelect(node.getAttribute("data-state"));
        return;
      }
      const moves = { ArrowLeft: [-PAN_STEP, 0], ArrowRight: [PAN_STEP, 0], ArrowUp: [0, -PAN_STEP], ArrowDown: [0, PAN_STEP] };
      if (moves[e.key]) { e.preventDefault(); this.pan(...moves[e.key]); }
      else if (e.key === "+" || e.key === "=") { e.preventDefault(); this.zoom(1 / 1.25); }
      else if (e.key === "-" || e.key === "_") { e.preventDefault(); this.zoom(1.25); }
      else if (e.key === "0") { e.preventDefault(); this.fit(); }
    });
  }

  // What a screen reader says for a step: everything written on it, in order (its name first).
  static words(node, extra = "") {
    const text = [...node.querySelectorAll("text")].map((t) => t.textContent.trim()).filter(Boolean).join(" ");
    return extra ? `${text} (${extra})` : text;
  }

  nodeFor(name) {
    if (!this.svg) return null;
    return [...this.svg.querySelectorAll("g.state")].find((g) => g.getAttribute("data-state") === name) || null;
  }

  // An edge by its key (designer/graph/layers.py EdgeKey): where it leaves, its kind, its index.
  edgeFor(from, kind, index = 0) {
    if (!this.svg) return null;
    return [...this.svg.querySelectorAll("g.edge[data-kind]")].find((g) => g.getAttribute("data-from") === from &&
      g.getAttribute("data-kind") === kind && Number(g.getAttribute("data-index")) === index) || null;
  }

  highlight(name) {
    this.svg?.querySelectorAll("g.state.selected").forEach((g) => g.classList.remove("selected"));
    const node = name != null ? this.nodeFor(name) : null;
    node?.classList.add("selected");
    return node;
  }

  // --- layers: classes put over the drawing by name, kept across redraws ---
  // spec: {states: {stateName: ["class", ...]}, edges: [{from, kind, index, classes: [...]}]}
  setLayer(name, spec) {
    this.clearLayer(name);
    this.layers.set(name, spec || {});
    this.applyLayer(name, spec || {});
  }

  clearLayer(name) {
    const spec = this.layers.get(name);
    this.layers.delete(name);
    if (!spec || !this.svg) return;
    for (const el of this.svg.querySelectorAll(`.layer-${name}`)) {
      el.classList.remove(`layer-${name}`, ...(el.dataset[this.layerKey(name)] || "").split(" ").filter(Boolean));
      delete el.dataset[this.layerKey(name)];
    }
  }

  layerKey(name) { return `layer${name.replace(/(^|-)([a-z])/g, (_, __, c) => c.toUpperCase())}`; }

  applyLayer(name, spec) {
    if (!this.svg) return;
    const mark = (el, classes) => {
      if (!el) return;
      el.classList.add(`layer-${name}`, ...classes);
      el.dataset[this.layerKey(name)] = classes.join(" ");
    };
    const nodes = new Map([...this.svg.querySelectorAll("g.state")].map((g) => [g.getAttribute("data-state"), g]));
    for (const [state, classes] of Object.entries(spec.states || {})) mark(nodes.get(state), classes);
    if (spec.edges?.length) {
      const edges = new Map([...this.svg.querySelectorAll("g.edge[data-kind]")].map((g) =>
        [`${g.getAttribute("data-from")}\u0000${g.getAttribute("data-kind")}\u0000${g.getAttribute("data-index")}`, g]));
      for (const e of spec.edges) mark(edges.get(`${e.from}\u0000${e.kind}\u0000${e.index ?? 0}`), e.classes || []);
    }
  }

  applyLayers() { for (const [name, spec] of this.layers) this.applyLayer(name, spec); }

  // --- minimap: the whole drawing small, with the part in view outlined; click or drag to move ---
  buildMinimap() {
    const box = document.createElement("div");
    box.className = "minimap";
    box.hidden = true;
    box.setAttribute("aria-hidden", "true"); // a pointer shortcut; keyboard users pan with the arrows
    const img = document.createElement("img");
    img.alt = "";
    img.draggable = false;
    const frame = document.createElement("div");
    frame.className = "minimap-view";
    box.append(img, frame);
    this.container.after(box);
    let dragging = false;
    const moveTo = (e) => {
      const r = img.getBoundingClientRect();
      if (!r.width || !this.full) return;
      const x = this.full.x + ((e.clientX - r.left) / r.width) * this.full.w;
      const y = this.full.y + ((e.clientY - r.top) / r.height) * this.full.h;
      this.view = { ...this.view, x: x - this.view.w / 2, y: y - this.view.h / 2 };
      this.userMoved = true;
      this.apply();
    };
    box.addEventListener("pointerdown", (e) => { dragging = true; box.setPointerCapture(e.pointerId); moveTo(e); e.preventDefault(); });
    box.addEventListener("pointermove", (e) => { if (dragging) moveTo(e); });
    box.addEventListener("pointerup", () => { dragging = false; });
    box.addEventListener("wheel", (e) => e.stopPropagation());
    return { box, img, frame };
  }

  updateMinimap() {
    const mm = this.minimap;
    if (!mm || !this.view || !this.full) return;
    const v = this.view, f = this.full;
    const r = this.box();
    const s = this.scale();
    // The part of the drawing actually on screen (the view is letterboxed into the box).
    const shown = { w: r.width * s, h: r.height * s };
    shown.x = v.x + (v.w - shown.w) / 2;
    shown.y = v.y + (v.h - shown.h) / 2;
    const all = shown.x <= f.x + 1 && shown.y <= f.y + 1 && shown.x + shown.w >= f.x + f.w - 1 && shown.y + shown.h >= f.y + f.h - 1;
    // Shown while part of the drawing is out of view, or too small to read.
    const legible = this.minLabel / s >= LEGIBLE_PX - 0.01;
    mm.box.hidden = all && legible;
    this.container.parentElement?.classList.toggle("has-minimap", !mm.box.hidden);
    if (mm.box.hidden) return;
    // The drawing's proportions inside the minimap's bounds.
    const k = Math.min(200 / f.w, 160 / f.h);
    mm.img.style.width = `${f.w * k}px`;
    mm.img.style.height = `${f.h * k}px`;
    mm.k = k;
    if (this.minimapSource !== this.svg && !mm.pending) {
      // Drawn after the page is up: serialising a big drawing takes a while and can wait.
      mm.pending = setTimeout(() => {
        mm.pending = null;
        const svg = this.svg;
        if (!svg) return;
        const copy = svg.cloneNode(true);
        copy.setAttribute("viewBox", `${f.x} ${f.y} ${f.w} ${f.h}`);
        copy.setAttribute("xmlns", "http://www.w3.org/2000/svg");
        if (mm.url) URL.revokeObjectURL(mm.url);
        mm.url = URL.createObjectURL(new Blob([new XMLSerializer().serializeToString(copy)], { type: "image/svg+xml" }));
        mm.img.src = mm.url;
        this.minimapSource = svg;
      }, 50);
    }

    const left = Math.max(0, (shown.x - f.x) * k), top = Math.max(0, (shown.y - f.y) * k);
    const right = Math.min(f.w * k, (shown.x + shown.w - f.x) * k), bottom = Math.min(f.h * k, (shown.y + shown.h - f.y) * k);
    Object.assign(mm.frame.style, { left: `${left}px`, top: `${top}px`, width: `${Math.max(2, right - left)}px`,
      height: `${Math.max(2, bottom - top)}px` });
  }
}
