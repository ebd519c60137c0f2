// The server-drawn SVG with pan (drag) and zoom (wheel, buttons), and clicks on states.
// Zoom works on the SVG's viewBox, so the drawing stays sharp at any scale.

export class GraphView {
  constructor(container, { onSelect }) {
    this.container = container;
    this.onSelect = onSelect;
    this.view = null;       // current viewBox {x, y, w, h}
    this.full = null;       // the drawing's own viewBox
    this.userMoved = false; // keep the user's zoom across re-renders once they zoomed or panned
    this.bind();
    this.bindKeys();
    this.adopt();
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
    svg.setAttribute("preserveAspectRatio", "xMidYMid meet");
    // Steps are reachable from the keyboard too: Tab to one, Enter to open it.
    for (const node of svg.querySelectorAll("g.state")) {
      node.setAttribute("tabindex", "0");
      node.setAttribute("role", "button");
      node.setAttribute("aria-label", node.getAttribute("data-state") || "");
    }
    const keep = this.userMoved && this.view;
    this.full = full;
    this.view = keep ? this.view : { ...full };
    this.apply();
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

  apply() {
    const { x, y, w, h } = this.view;
    this.svg?.setAttribute("viewBox", `${x} ${y} ${w} ${h}`);
  }

  fit() { this.userMoved = false; this.view = { ...this.full }; this.apply(); }

  zoom(factor, cx = 0.5, cy = 0.5) {
    const v = this.view;
    const w = Math.min(Math.max(v.w * factor, this.full.w / 20), this.full.w * 4);
    const h = w * (v.h / v.w);
    this.view = { x: v.x + (v.w - w) * cx, y: v.y + (v.h - h) * cy, w, h };
    this.userMoved = true;
    this.apply();
  }

  // Screen pixels to drawing units (the drawing is letterboxed by preserveAspectRatio).
  scale() {
    const r = this.container.getBoundingClientRect();
    return Math.max(this.view.w / r.width, this.view.h / r.height);
  }

  bind() {
    let drag = null;
    this.container.addEventListener("wheel", (e) => {
      if (!this.view) return;
      e.preventDefault();
      const r = this.container.getBoundingClientRect();
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
      drag = null;
      this.container.classList.remove("panning");
      if (wasDrag) return;
      if (!this.container.contains(e.target)) return;
      const node = e.target.closest?.("g.state");
      this.onSelect(node ? node.getAttribute("data-state") : null);
    });
  }

  bindKeys() {
    this.container.addEventListener("keydown", (e) => {
      const node = e.target.closest?.("g.state");
      if (node && (e.key === "Enter" || e.key === " ")) {
        e.preventDefault();
        this.onSelect(node.getAttribute("data-state"));
      }
    });
  }

  nodeFor(name) {
    if (!this.svg) return null;
    return [...this.svg.querySelectorAll("g.state")].find((g) => g.getAttribute("data-state") === name) || null;
  }

  highlight(name) {
    this.svg?.querySelectorAll("g.state.selected").forEach((g) => g.classList.remove("selected"));
    const node = name != null ? this.nodeFor(name) : null;
    node?.classList.add("selected");
    return node;
  }
}
