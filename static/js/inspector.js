// The inspector: every field of the selected state as a form in plain words.
// Each control changes a copy of the state and hands the whole new definition to `onChange`.
import { el } from "./dom.js";
import { clone, findState, siblings } from "./model.js";
import { retryCatch } from "./retrycatch.js";
import { stateFields } from "./statefields.js";

export { el };  // pages that import it from here keep working

export class Inspector {
  constructor(container, { vocab, onChange, onRename, onDelete, onConnect, onError, glossary = null }) {
    // glossary: {names() -> {path: name}, load() -> Promise<terms>, save({path: name}) -> Promise<terms>}
    Object.assign(this, { container, vocab, onChange, onRename, onDelete, onConnect, onError, glossary });
  }

  show(def, name, canEdit) {
    this.def = def;
    this.name = name;
    this.canEdit = canEdit;
    const found = name != null ? findState(def, name) : null;
    if (!found) {
      this.container.replaceChildren(this.workflowForm(def, canEdit));
      return;
    }
    this.state = found.state && typeof found.state === "object" ? found.state : {};
    const type = this.state.Type;
    const words = this.vocab.stateTypes[type];
    const form = el("form", { class: "stack inspector-form", onsubmit: (e) => e.preventDefault() });
    form.append(
      el("h2", {}, el("span", { class: `type-dot type-${String(type).toLowerCase()}` }), words ? words.label : `Type ${type}`),
      words ? el("p", { class: "muted small", text: words.help }) : null,
      this.nameField(),
      this.text("Note", "Comment", { multiline: true, help: "Shown to people reading the workflow." }),
    );
    const sections = {
      Task: () => [this.resourcePicker(), this.json("Send these parameters", this.jsonata() ? "Arguments" : "Parameters"),
        this.number("Give up after (seconds)", "TimeoutSeconds"), this.number("Expect a heartbeat every (seconds)", "HeartbeatSeconds"),
        this.json("Run with these credentials", "Credentials")],
      Choice: () => [this.choiceRules(), this.stateSelect("Otherwise go to", "Default", { none: "(nowhere: fail with “no choice matched”)" })],
      Wait: () => [this.waitDuration()],
      Parallel: () => [this.branches(), this.json("Send these parameters", this.jsonata() ? "Arguments" : "Parameters")],
      Map: () => [this.mapFields()],
      Pass: () => [this.json("Data to pass on (fixed)", "Result"), this.json("Reshape the input as", "Parameters")],
      Succeed: () => [],
      Fail: () => [this.text("Error name", "Error"), this.text("Why (cause)", "Cause", { multiline: true }),
        this.text("…or take the error name from", "ErrorPath"), this.text("…or take the cause from", "CausePath")],
    };
    form.append(...(sections[type] ? sections[type]() : [el("p", { class: "error", text: `Unknown state type “${type}”. Edit it in the JSON view.` })]));
    if (["Task", "Parallel", "Map"].includes(type)) form.append(this.retryEditor(), this.catchEditor());
    form.append(this.dataFlow(type));
    if (!["Choice", "Succeed", "Fail"].includes(type)) form.append(this.transition());
    if (canEdit) {
      form.append(el("div", { class: "row" },
        el("button", { type: "button", id: "inspector-connect", onclick: () => this.onConnect(name) }, "Connect to…"),
        el("button", { type: "button", class: "danger", id: "delete-state", onclick: () => this.onDelete(name) }, "Delete this step")));
    }
    if (!canEdit) form.querySelectorAll("input, select, textarea, button").forEach((c) => { c.disabled = true; });
    this.container.replaceChildren(form);
  }

  // With no step selected: the workflow's own fields.
  workflowForm(def, canEdit) {
    const commitTop = (mutate) => {
      const next = clone(def);
      mutate(next);
      this.onChange(next);
    };
    const start = el("select", { id: "workflow-start" }, el("option", { value: "", text: "(choose a step)" }));
    for (const n of Object.keys(def?.States || {})) start.append(el("option", { value: n, text: n }));
    if (def?.StartAt && !(def.StartAt in (def.States || {}))) start.append(el("option", { value: def.StartAt, text: `${def.StartAt} (missing!)` }));
    start.value = def?.StartAt ?? "";
    start.addEventListener("change", () => commitTop((d) => { d.StartAt = start.value; }));
    const comment = el("textarea", { rows: 3, id: "workflow-comment" });
    comment.value = typeof def?.Comment === "string" ? def.Comment : "";
    comment.addEventListener("change", () => commitTop((d) => { if (comment.value) d.Comment = comment.value; else delete d.Comment; }));
    const timeout = el("input", { type: "number", min: 1, step: 1, id: "workflow-timeout", value: def?.TimeoutSeconds ?? "" });
    timeout.addEventListener("change", () => commitTop((d) => { if (timeout.value) d.TimeoutSeconds = Number(timeout.value); else delete d.TimeoutSeconds; }));
    const ql = el("select", { id: "workflow-ql" }, el("option", { value: "", text: "JSONPath (the default)" }), el("option", { value: "JSONata", text: "JSONata" }));
    ql.value = def?.QueryLanguage === "JSONata" ? "JSONata" : "";
    ql.addEventListener("change", () => commitTop((d) => { if (ql.value) d.QueryLanguage = ql.value; else delete d.QueryLanguage; }));
    const form = el("form", { class: "stack inspector-form", onsubmit: (e) => e.preventDefault() },
      el("h2", { text: "The workflow" }),
      el("p", { class: "muted small", text: "Click a step on the graph to see and change it. Below: settings for the whole workflow." }),
      this.field("What it is for", comment), this.field("Starts with", start),
      this.field("Give up after (seconds, whole run)", timeout), this.field("Expressions are written in", ql));
    if (!canEdit) form.querySelectorAll("input, select, textarea").forEach((c) => { c.disabled = true; });
    if (this.glossary) form.append(this.glossarySection(canEdit));
    return form;
  }

  // The data glossary: a plain name for each field the workflow reads, proposed from its path.
  glossarySection(canEdit) {
    const list = el("div", { class: "glossary-terms", id: "glossary-terms" }, el("p", { class: "muted small", text: "Loading…" }));
    const status = el("span", { class: "small muted", "aria-live": "polite" });
    const box = el("fieldset", { id: "glossary" }, el("legend", { text: "Words for the data" }),
      el("p", { class: "muted small", text: "A plain name for each field this workflow reads. The graph, the step forms and the run history say these names." }),
      list, status);
    const draw = (terms) => {
      if (!terms.length) { list.replaceChildren(el("p", { class: "muted small", text: "The saved version reads no fields." })); return; }
      list.replaceChildren(...terms.map((t) => {
        const input = el("input", { value: t.name, maxlength: 200, "data-path": t.path, "aria-label": `Name for ${t.path}`,
          class: t.proposed ? "proposed" : "" });
        input.disabled = !canEdit;
        input.addEventListener("change", async () => {
          try {
            draw(await this.glossary.save({ [t.path]: input.value.trim() }));
            status.textContent = "Saved.";
          } catch (err) { this.onError(err.message); }
        });
        return el("label", { class: "term" }, el("code", { text: t.path }), input,
          t.proposed ? el("span", { class: "help", text: "proposed from the path" }) : null,
          t.read ? null : el("span", { class: "help", text: "the saved version no longer reads it" }));
      }));
    };
    this.glossary.load().then(draw).catch((err) => list.replaceChildren(el("p", { class: "error small", text: err.message })));
    return box;
  }

  jsonata() { return (this.state.QueryLanguage || this.def.QueryLanguage) === "JSONata"; }

  // --- plumbing ---
  change(mutate) {
    const body = clone(this.state);
    try {
      mutate(body);
    } catch (err) {
      this.onError(err.message);
      return;
    }
    const next = clone(this.def);
    const found = findState(next, this.name);
    found.machine.States[this.name] = body;
    this.onChange(next);
  }

  setOrDelete(body, key, value) {
    if (value === "" || value === undefined || value === null) delete body[key];
    else body[key] = value;
  }

  field(label, control, help) {
    return el("label", { class: "field" }, el("span", { class: "label", text: label }), control,
      help ? el("span", { class: "help", text: help }) : null);
  }

  // --- simple fields ---
  nameField() {
    const input = el("input", { id: "state-name", value: this.name, maxlength: 80, required: true });
    input.addEventListener("change", () => this.onRename(this.name, input.value));
    return this.field("Name", input, "Other steps that go here follow a rename.");
  }

  text(label, key, { multiline = false, help } = {}) {
    const value = this.state[key] ?? "";
    const control = multiline ? el("textarea", { rows: 2, "data-key": key }) : el("input", { "data-key": key });
    control.value = typeof value === "string" ? value : JSON.stringify(value);
    control.addEventListener("change", () => this.change((b) => this.setOrDelete(b, key, control.value)));
    return this.field(label, control, help);
  }

  number(label, key, { min = 0, step = "any", help } = {}) {
    const control = el("input", { type: "number", min, step, "data-key": key });
    control.value = this.state[key] ?? "";
    control.addEventListener("change", () => this.change((b) => this.setOrDelete(b, key, control.value === "" ? "" : Number(control.value))));
    return this.field(label, control, help);
  }

  json(label, key, { help } = {}) {
    const control = el("textarea", { rows: 3, class: "code", "data-key": key, spellcheck: "false" });
    control.value = key in this.state ? JSON.stringify(this.state[key], null, 2) : "";
    const error = el("span", { class: "error small" });
    control.addEventListener("change", () => {
      const text = control.value.trim();
      let value = "";
      if (text) {
        try { value = JSON.parse(text); } catch (err) { error.textContent = `Not valid JSON: ${err.message}`; return; }
      }
      error.textContent = "";
      this.change((b) => this.setOrDelete(b, key, value));
    });
    return el("div", {}, this.field(label, control, help || "JSON"), error);
  }

  stateSelect(label, key, { none = "(choose a step)", obj = this.state, onPick } = {}) {
    const select = el("select", { "data-key": key });
    select.append(el("option", { value: "", text: none }));
    const current = obj[key];
    for (const n of siblings(this.def, this.name)) if (n !== this.name || key !== "Next") select.append(el("option", { value: n, text: n }));
    if (current && !siblings(this.def, this.name).includes(current)) {
      select.append(el("option", { value: current, text: `${current} (missing!)` }));
    }
    select.value = current ?? "";
    select.addEventListener("change", () => (onPick ? onPick(select.value) : this.change((b) => this.setOrDelete(b, key, select.value))));
    return label ? this.field(label, select) : select;
  }

  transition() {
    const box = el("fieldset", {}, el("legend", { text: "Afterwards" }));
    const end = el("input", { type: "checkbox", id: "state-end" });
    end.checked = this.state.End === true;
    end.addEventListener("change", () => this.change((b) => {
      if (end.checked) { b.End = true; delete b.Next; } else { delete b.End; }
    }));
    box.append(
      this.stateSelect("Then go to", "Next", {
        onPick: (v) => this.change((b) => { if (v) { b.Next = v; delete b.End; } else delete b.Next; }),
      }),
      el("label", { class: "check" }, end, " This is the last step (the workflow or branch ends here)"));
    return box;
  }

  dataFlow(type) {
    const box = el("details", { class: "data-flow" }, el("summary", { text: "Data in and out (advanced)" }));
    const jsonataMode = this.jsonata();
    const ql = el("select", { "data-key": "QueryLanguage" },
      el("option", { value: "", text: "as the workflow says" }), el("option", { value: "JSONPath", text: "JSONPath" }),
      el("option", { value: "JSONata", text: "JSONata" }));
    ql.value = this.state.QueryLanguage || "";
    ql.addEventListener("change", () => this.change((b) => this.setOrDelete(b, "QueryLanguage", ql.value)));
    box.append(this.field("Expressions are written in", ql));
    if (jsonataMode) {
      if (type !== "Fail") box.append(this.json("Output", "Output"));
      if (!["Succeed", "Fail"].includes(type)) box.append(this.json("Remember variables (Assign)", "Assign"));
    } else {
      if (type !== "Fail") box.append(this.text("Take input from (path)", "InputPath", { help: "e.g. $.order" }));
      if (["Task", "Parallel", "Map", "Pass"].includes(type)) box.append(this.text("Put the result at (path)", "ResultPath", { help: "e.g. $.result, or empty to replace the input" }));
      if (["Task", "Parallel", "Map"].includes(type)) box.append(this.json("Keep from the result", "ResultSelector"));
      if (type !== "Fail") box.append(this.text("Pass on only (path)", "OutputPath"));
      if (!["Succeed", "Fail"].includes(type)) box.append(this.json("Remember variables (Assign)", "Assign"));
    }
    return box;
  }

  // --- Task ---
  resourcePicker() {
    const select = el("select", { id: "resource-picker" });
    const current = this.state.Resource || "";
    for (const { arn, label } of this.vocab.integrations) select.append(el("option", { value: arn, text: label }));
    select.append(el("option", { value: "__other", text: "Something else (type its ARN)" }));
    const known = this.vocab.integrations.some((i) => i.arn === current);
    select.value = known ? current : "__other";
    const arn = el("input", { id: "resource-arn", value: current, placeholder: "arn:aws:…" });
    select.addEventListener("change", () => {
      if (select.value === "__other") { arn.focus(); return; }
      this.change((b) => { b.Resource = select.value; });
    });
    arn.addEventListener("change", () => this.change((b) => this.setOrDelete(b, "Resource", arn.value.trim())));
    return el("div", {}, this.field("What it does", select), this.field("Resource ARN", arn));
  }
}

// Mixed in rather than subclassed: the per-type forms and the Retry/Catch editors use this class's
// plumbing (change, field, stateSelect, json) as its own methods do.
Object.assign(Inspector.prototype, stateFields, retryCatch);
