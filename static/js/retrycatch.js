// The inspector's Retry and Catch editors (for Task, Parallel and Map). Methods of the Inspector
// (mixed into it by inspector.js), so they write through `this.change` like its other fields.
import { el } from "./dom.js";
import { siblings } from "./model.js";

const ERROR_CHOICES = ["States.ALL", "States.Timeout", "States.TaskFailed", "States.HeartbeatTimeout",
  "States.Permissions", "Lambda.ServiceException", "Lambda.TooManyRequestsException", "Lambda.SdkClientException"];

export const retryCatch = {
  // --- Retry and Catch ---
  errorsInput(list, onSave) {
    const input = el("input", { class: "errors", value: (list || []).join(", "), list: "known-errors", title: "error names, comma separated" });
    input.addEventListener("change", () => onSave(input.value.split(",").map((x) => x.trim()).filter(Boolean)));
    return input;
  },

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
  },

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
  },

  knownErrors() {
    return el("datalist", { id: "known-errors" }, ERROR_CHOICES.map((e) => el("option", { value: e, label: this.vocab.errors[e] || e })));
  },
};
