// The inspector: every field of the selected state as a form in plain words.
// Each control changes a copy of the state and hands the whole new definition to `onChange`.
import { clone, findState, siblings } from "./model.js";

export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith("on")) node.addEventListener(k.slice(2), v);
    else if (k === "text") node.textContent = v;
    else node.setAttribute(k, v === true ? "" : v);
  }
  for (const c of children.flat()) if (c !== null && c !== undefined && c !== false) node.append(c);
  return node;
}

const DURATION_UNITS = [["seconds", 1], ["minutes", 60], ["hours", 3600], ["days", 86400], ["weeks", 604800]];
const ERROR_CHOICES = ["States.ALL", "States.Timeout", "States.TaskFailed", "States.HeartbeatTimeout",
  "States.Permissions", "Lambda.ServiceException", "Lambda.TooManyRequestsException", "Lambda.SdkClientException"];

function bestUnit(seconds) {
  for (let i = DURATION_UNITS.length - 1; i >= 0; i--) {
    const [unit, size] = DURATION_UNITS[i];
    if (seconds >= size && seconds % size === 0) return [seconds / size, unit];
  }
  return [seconds, "seconds"];
}

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

  // --- Choice ---
  choiceRules() {
    const box = el("fieldset", { id: "choice-rules" }, el("legend", { text: "Rules (the first that matches wins)" }));
    const rules = Array.isArray(this.state.Choices) ? this.state.Choices : [];
    const comparators = this.vocab.comparators;
    const typeTests = new Set(this.vocab.typeTests);
    rules.forEach((rule, i) => {
      const row = el("div", { class: "rule", "data-rule": i });
      const simple = rule && typeof rule === "object" && "Variable" in rule &&
        Object.keys(rule).filter((k) => !["Variable", "Next", "Comment", "Assign", "Output"].includes(k)).length === 1;
      const update = (mutate) => this.change((b) => { mutate(b.Choices[i]); });
      if (simple) {
        const op = Object.keys(rule).find((k) => !["Variable", "Next", "Comment", "Assign", "Output"].includes(k));
        const variable = el("input", { value: rule.Variable, class: "rule-variable", title: "the field to look at, e.g. $.order.total" });
        variable.addEventListener("change", () => update((r) => { r.Variable = variable.value; }));
        const opSelect = el("select", { class: "rule-op" });
        for (const [k, w] of Object.entries(comparators)) opSelect.append(el("option", { value: k, text: w + (k.startsWith("String") ? " (text)" : k.startsWith("Numeric") ? " (number)" : k.startsWith("Timestamp") ? " (time)" : "") }));
        const usesPath = op.endsWith("Path") && op !== "Variable";
        opSelect.value = usesPath ? op.slice(0, -4) : op;
        const value = el("input", { class: "rule-value", value: typeof rule[op] === "string" ? rule[op] : JSON.stringify(rule[op]) });
        const coerce = (k, text) => {
          if (typeTests.has(k) || k === "BooleanEquals") return text !== "false";
          if (k.startsWith("Numeric")) { const n = Number(text); if (Number.isNaN(n)) throw new Error(`“${text}” is not a number.`); return n; }
          return text;
        };
        const write = () => update((r) => {
          for (const k of Object.keys(r)) if (!["Variable", "Next", "Comment", "Assign", "Output"].includes(k)) delete r[k];
          const k = opSelect.value;
          const next = r.Next; delete r.Next;
          r[k] = coerce(k, value.value);
          r.Next = next;
        });
        opSelect.addEventListener("change", write);
        value.addEventListener("change", write);
        row.append(el("span", { text: "If" }), variable, opSelect, value);
        const named = this.glossary?.names()[rule.Variable];
        if (named) row.append(el("span", { class: "help field-name", text: `the field: ${named}` }));
      } else {
        const text = el("textarea", { rows: 2, class: "code rule-json" });
        const { Next, ...cond } = rule || {};
        text.value = JSON.stringify(cond);
        text.addEventListener("change", () => {
          try { const parsed = JSON.parse(text.value); update((r) => { for (const k of Object.keys(r)) if (k !== "Next") delete r[k]; Object.assign(r, parsed); }); }
          catch (err) { this.onError(`Rule ${i + 1}: not valid JSON (${err.message})`); }
        });
        row.append(el("span", { text: rule && "Condition" in rule ? "If (JSONata)" : "If (combined rule)" }), text);
      }
      row.append(el("span", { text: "go to" }), this.stateSelect(null, "Next", { obj: rule || {}, onPick: (v) => update((r) => { r.Next = v; }) }),
        el("button", { type: "button", class: "small", title: "Remove this rule", onclick: () => this.change((b) => { b.Choices.splice(i, 1); }) }, "✕"));
      box.append(row);
    });
    box.append(el("button", { type: "button", id: "add-rule", onclick: () => this.change((b) => {
      b.Choices = Array.isArray(b.Choices) ? b.Choices : [];
      b.Choices.push(this.jsonata() ? { Condition: "{% $states.input.value = 'yes' %}", Next: siblings(this.def, this.name)[0] }
        : { Variable: "$.value", StringEquals: "yes", Next: siblings(this.def, this.name)[0] });
    }) }, "Add a rule"));
    return box;
  }

  // --- Wait ---
  waitDuration() {
    const modes = [["Seconds", "For a while"], ["Timestamp", "Until a moment"], ["SecondsPath", "For the seconds found in the data"],
      ["TimestampPath", "Until the moment found in the data"]];
    const current = modes.find(([k]) => k in this.state)?.[0] || "Seconds";
    const mode = el("select", { id: "wait-mode" });
    for (const [k, w] of modes) mode.append(el("option", { value: k, text: w }));
    mode.value = current;
    const box = el("fieldset", { id: "wait-duration" }, el("legend", { text: "How long" }), this.field("Wait", mode));
    const write = (key, value) => this.change((b) => {
      for (const [k] of modes) delete b[k];
      b[key] = value;
    });
    if (current === "Seconds" && typeof this.state.Seconds !== "string") {
      const [n, unit] = bestUnit(Number(this.state.Seconds ?? 60));
      const amount = el("input", { type: "number", min: 0, step: 1, value: n, id: "wait-amount" });
      const units = el("select", { id: "wait-unit" });
      for (const [u] of DURATION_UNITS) units.append(el("option", { value: u, text: u }));
      units.value = unit;
      const save = () => write("Seconds", Math.round(Number(amount.value || 0) * DURATION_UNITS.find(([u]) => u === units.value)[1]));
      amount.addEventListener("change", save);
      units.addEventListener("change", save);
      box.append(el("div", { class: "row" }, amount, units));
    } else {
      const value = el("input", { id: "wait-value", value: this.state[current] ?? "",
        placeholder: current === "Timestamp" ? "2030-01-01T09:00:00Z" : "$.delaySeconds" });
      value.addEventListener("change", () => write(current, value.value));
      box.append(this.field(current.endsWith("Path") ? "Path" : current === "Seconds" ? "Seconds (expression)" : "Moment (ISO 8601)", value));
    }
    mode.addEventListener("change", () => write(mode.value, mode.value === "Seconds" ? 60 : mode.value === "Timestamp" ? "2030-01-01T09:00:00Z" : "$.wait"));
    return box;
  }

  // --- Parallel ---
  branches() {
    const list = Array.isArray(this.state.Branches) ? this.state.Branches : [];
    const box = el("fieldset", { id: "branches" }, el("legend", { text: `Branches (${list.length}), run at the same time` }));
    list.forEach((b, i) => {
      box.append(el("div", { class: "row" }, el("span", { text: `Branch ${i + 1} starts with “${b?.StartAt ?? "?"}”` }),
        el("button", { type: "button", class: "small", onclick: () => this.change((s) => { s.Branches.splice(i, 1); }) }, "Remove")));
    });
    box.append(el("button", { type: "button", onclick: () => this.change((s) => {
      const taken = new Set();
      const collect = (m) => { for (const [n, st] of Object.entries(m?.States || {})) { taken.add(n); (st.Branches || []).forEach(collect); collect(st.ItemProcessor || st.Iterator); } };
      collect(this.def);
      let i = (s.Branches || []).length + 1, name;
      do { name = `Branch ${i++} step`; } while (taken.has(name));
      s.Branches = Array.isArray(s.Branches) ? s.Branches : [];
      s.Branches.push({ StartAt: name, States: { [name]: { Type: "Pass", End: true } } });
    }) }, "Add a branch"));
    return box;
  }

  // --- Map ---
  mapFields() {
    const processorKey = "ItemProcessor" in this.state ? "ItemProcessor" : ("Iterator" in this.state ? "Iterator" : "ItemProcessor");
    const mode = el("select", { id: "map-mode" }, el("option", { value: "INLINE", text: "Inline (up to 40 at a time)" }),
      el("option", { value: "DISTRIBUTED", text: "Distributed (large data sets, child runs)" }));
    mode.value = this.state[processorKey]?.ProcessorConfig?.Mode || "INLINE";
    mode.addEventListener("change", () => this.change((b) => {
      b[processorKey] = b[processorKey] || {};
      b[processorKey].ProcessorConfig = { ...(b[processorKey].ProcessorConfig || {}), Mode: mode.value };
      if (mode.value === "DISTRIBUTED" && !b[processorKey].ProcessorConfig.ExecutionType) b[processorKey].ProcessorConfig.ExecutionType = "STANDARD";
    }));
    return el("div", { class: "stack" },
      this.jsonata() ? this.json("The items (JSONata)", "Items") : this.text("The items are at (path)", "ItemsPath", { help: "e.g. $.orders" }),
      this.field("How to run", mode),
      this.number("At most this many at once (0 = no limit)", "MaxConcurrency"),
      this.json("For each item, send", "ItemSelector"),
      this.json("Read items from (S3 reader)", "ItemReader"),
      this.json("Group items in batches", "ItemBatcher"),
      this.json("Write results to", "ResultWriter"),
      this.number("Tolerate this % of failed items", "ToleratedFailurePercentage"),
      this.number("Tolerate this many failed items", "ToleratedFailureCount"),
      this.text("Label (distributed runs)", "Label"));
  }

  // --- Retry and Catch ---
  errorsInput(list, onSave) {
    const input = el("input", { class: "errors", value: (list || []).join(", "), list: "known-errors", title: "error names, comma separated" });
    input.addEventListener("change", () => onSave(input.value.split(",").map((x) => x.trim()).filter(Boolean)));
    return input;
  }

  retryEditor() {
    const rules = Array.isArray(this.state.Retry) ? this.state.Retry : [];
    const box = el("fieldset", { id: "retry-editor" }, el("legend", { text: "Try again when it fails" }), this.knownErrors());
    rules.forEach((r, i) => {
      const upd = (mutate) => this.change((b) => mutate(b.Retry[i]));
      const num = (key, attrs) => {
        const input = el("input", { type: "number", class: "tiny", "data-key": key, ...attrs });
        input.value = r?.[key] ?? "";
        input.addEventListener("change", () => upd((x) => this.setOrDelete(x, key, input.value === "" ? "" : Number(input.value))));
        return input;
      };
      const jitter = el("select", { class: "tiny" }, el("option", { value: "", text: "no jitter" }), el("option", { value: "FULL", text: "random jitter" }));
      jitter.value = r?.JitterStrategy === "FULL" ? "FULL" : "";
      jitter.addEventListener("change", () => upd((x) => this.setOrDelete(x, "JitterStrategy", jitter.value)));
      box.append(el("div", { class: "retry-rule" },
        el("span", { text: "On" }), this.errorsInput(r?.ErrorEquals, (v) => upd((x) => { x.ErrorEquals = v; })),
        el("span", { text: "retry up to" }), num("MaxAttempts", { min: 0, step: 1, placeholder: "3" }), el("span", { text: "times, first after" }),
        num("IntervalSeconds", { min: 1, step: 1, placeholder: "1" }), el("span", { text: "s, each wait ×" }),
        num("BackoffRate", { min: 1, step: 0.1, placeholder: "2" }), el("span", { text: ", never over" }),
        num("MaxDelaySeconds", { min: 1, step: 1, placeholder: "—" }), el("span", { text: "s," }), jitter,
        el("button", { type: "button", class: "small", onclick: () => this.change((b) => { b.Retry.splice(i, 1); if (!b.Retry.length) delete b.Retry; }) }, "✕")));
    });
    box.append(el("button", { type: "button", id: "add-retry", onclick: () => this.change((b) => {
      b.Retry = Array.isArray(b.Retry) ? b.Retry : [];
      b.Retry.push({ ErrorEquals: ["States.ALL"], IntervalSeconds: 2, MaxAttempts: 3, BackoffRate: 2 });
    }) }, "Add a retry rule"));
    return box;
  }

  catchEditor() {
    const rules = Array.isArray(this.state.Catch) ? this.state.Catch : [];
    const box = el("fieldset", { id: "catch-editor" }, el("legend", { text: "If it still fails" }));
    rules.forEach((c, i) => {
      const upd = (mutate) => this.change((b) => mutate(b.Catch[i]));
      const where = el("input", { class: "small-input", value: c?.ResultPath ?? "", placeholder: "$.error" });
      where.addEventListener("change", () => upd((x) => this.setOrDelete(x, "ResultPath", where.value)));
      box.append(el("div", { class: "catch-rule" },
        el("span", { text: "On" }), this.errorsInput(c?.ErrorEquals, (v) => upd((x) => { x.ErrorEquals = v; })),
        el("span", { text: "keep the error at" }), where, el("span", { text: "and go to" }),
        this.stateSelect(null, "Next", { obj: c || {}, onPick: (v) => upd((x) => { x.Next = v; }) }),
        el("button", { type: "button", class: "small", onclick: () => this.change((b) => { b.Catch.splice(i, 1); if (!b.Catch.length) delete b.Catch; }) }, "✕")));
    });
    box.append(el("button", { type: "button", id: "add-catch", onclick: () => this.change((b) => {
      b.Catch = Array.isArray(b.Catch) ? b.Catch : [];
      b.Catch.push({ ErrorEquals: ["States.ALL"], ResultPath: "$.error", Next: siblings(this.def, this.name).find((n) => n !== this.name) || "" });
    }) }, "Add an error handler"));
    return box;
  }

  knownErrors() {
    return el("datalist", { id: "known-errors" }, ERROR_CHOICES.map((e) => el("option", { value: e, label: this.vocab.errors[e] || e })));
  }
}
