// Operations on an ASL definition as plain data. Every function returns a new definition and
// leaves its argument untouched, so the undo history can keep old ones as they were.

export const clone = (value) => structuredClone(value);

// Every States container (the machine itself, Parallel branches, Map item processors).
export function machines(def, path = []) {
  const out = [];
  if (!def || typeof def !== "object" || !def.States || typeof def.States !== "object") return out;
  out.push({ machine: def, path });
  for (const [name, state] of Object.entries(def.States)) {
    if (!state || typeof state !== "object") continue;
    if (Array.isArray(state.Branches)) {
      state.Branches.forEach((b, i) => out.push(...machines(b, [...path, "States", name, "Branches", i])));
    }
    for (const key of ["ItemProcessor", "Iterator"]) {
      if (state[key] && typeof state[key] === "object") out.push(...machines(state[key], [...path, "States", name, key]));
    }
  }
  return out;
}

export function findState(def, name) {
  for (const { machine, path } of machines(def)) {
    if (Object.prototype.hasOwnProperty.call(machine.States, name)) {
      return { machine, state: machine.States[name], path: [...path, "States", name] };
    }
  }
  return null;
}

export function allStateNames(def) {
  return machines(def).flatMap(({ machine }) => Object.keys(machine.States));
}

// Names a state may go to: those in the same States container (ASL transitions stay inside it).
export function siblings(def, name) {
  const found = findState(def, name);
  return found ? Object.keys(found.machine.States) : Object.keys(def?.States || {});
}

export function uniqueName(def, base) {
  const taken = new Set(allStateNames(def));
  if (!taken.has(base)) return base;
  for (let i = 2; ; i++) if (!taken.has(`${base} ${i}`)) return `${base} ${i}`;
}

function renameKey(obj, oldKey, newKey) {
  const out = {};
  for (const [k, v] of Object.entries(obj)) out[k === oldKey ? newKey : k] = v;
  return out;
}

export function renameState(def, oldName, newName) {
  newName = (newName || "").trim();
  if (!newName) throw new Error("A state needs a name.");
  if (newName === oldName) return def;
  if (newName.length > 80) throw new Error("State names can be at most 80 characters.");
  if (allStateNames(def).includes(newName)) throw new Error(`There is already a state called “${newName}”.`);
  const next = clone(def);
  const found = findState(next, oldName);
  if (!found) throw new Error(`No state called “${oldName}”.`);
  const { machine } = found;
  machine.States = renameKey(machine.States, oldName, newName);
  if (machine.StartAt === oldName) machine.StartAt = newName;
  // References follow the rename: every transition in the same container that named it.
  for (const state of Object.values(machine.States)) {
    if (!state || typeof state !== "object") continue;
    if (state.Next === oldName) state.Next = newName;
    if (state.Default === oldName) state.Default = newName;
    for (const list of [state.Choices, state.Catch]) {
      if (Array.isArray(list)) for (const item of list) if (item && item.Next === oldName) item.Next = newName;
    }
  }
  return next;
}

// Deleting leaves references to the state in place on purpose: the validator flags each one,
// so the author sees what needs a new target instead of transitions silently vanishing.
export function deleteState(def, name) {
  const next = clone(def);
  const found = findState(next, name);
  if (!found) return def;
  delete found.machine.States[name];
  return next;
}

export function template(type, def) {
  const inner = (label) => uniqueName(def, label);
  switch (type) {
    case "Task":
      return { Type: "Task", Resource: "arn:aws:states:::lambda:invoke",
               Parameters: { FunctionName: "", "Payload.$": "$" }, End: true };
    case "Choice":
      return { Type: "Choice", Choices: [] };
    case "Wait":
      return { Type: "Wait", Seconds: 60, End: true };
    case "Parallel": {
      const a = inner("First branch step");
      return { Type: "Parallel", Branches: [{ StartAt: a, States: { [a]: { Type: "Pass", End: true } } }], End: true };
    }
    case "Map": {
      const a = inner("Handle one item");
      return { Type: "Map", ItemsPath: "$.items",
               ItemProcessor: { ProcessorConfig: { Mode: "INLINE" }, StartAt: a, States: { [a]: { Type: "Pass", End: true } } },
               End: true };
    }
    case "Pass":
      return { Type: "Pass", End: true };
    case "Succeed":
      return { Type: "Succeed" };
    case "Fail":
      return { Type: "Fail", Error: "WorkflowFailed", Cause: "Something went wrong." };
    default:
      throw new Error(`Unknown state type ${type}`);
  }
}

// Adds a state of the given type next to `near` (same container), or at the top level.
export function addState(def, type, label, near = null) {
  let next = clone(def);
  const name = uniqueName(next, label);
  const state = template(type, next);
  const found = near ? findState(next, near) : null;
  const machine = found ? found.machine : next;
  if (!machine.States || typeof machine.States !== "object") machine.States = {};
  machine.States[name] = state;
  if (!machine.StartAt) machine.StartAt = name;
  return { def: next, name };
}

export function connect(def, from, to) {
  const next = clone(def);
  const found = findState(next, from);
  if (!found) throw new Error(`No state called “${from}”.`);
  if (!Object.prototype.hasOwnProperty.call(found.machine.States, to)) {
    throw new Error("Steps can only be connected inside the same branch.");
  }
  const state = found.state;
  if (state.Type === "Succeed" || state.Type === "Fail") {
    throw new Error(`A ${state.Type} step ends the workflow: it cannot go anywhere else.`);
  }
  if (state.Type === "Choice") {
    if (!("Default" in state)) state.Default = to;
    else {
      state.Choices = Array.isArray(state.Choices) ? state.Choices : [];
      state.Choices.push({ Variable: "$.value", StringEquals: "yes", Next: to });
    }
  } else {
    delete state.End;
    state.Next = to;
  }
  return next;
}

// Replaces one state's body, keeping its place among the others.
export function replaceState(def, name, body) {
  const next = clone(def);
  const found = findState(next, name);
  if (!found) return def;
  found.machine.States[name] = body;
  return next;
}
