// The inspector's forms particular to one state type: a Choice's rules, a Wait's duration, a
// Parallel's branches, a Map's settings. Methods of the Inspector (mixed into it by inspector.js),
// so they read `this.state` and write through `this.change` like its other fields.
import { el } from "./dom.js";
import { siblings } from "./model.js";

const DURATION_UNITS = [["seconds", 1], ["minutes", 60], ["hours", 3600], ["days", 86400], ["weeks", 604800]];

function bestUnit(seconds) {
  for (let i = DURATION_UNITS.length - 1; i >= 0; i--) {
    const [unit, size] = DURATION_UNITS[i];
    if (seconds >= size && seconds % size === 0) return [seconds / size, unit];
  }
  return [seconds, "seconds"];
}

export const stateFields = {
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
  },

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
  },

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
  },

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
  },
};
