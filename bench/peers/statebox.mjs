// Runs one definition once through @wmfs/statebox, as a whole process (the bench times the
// process from outside): read the text, create the state machine, start it, wait for the end,
// print the output as JSON on the last line. Statebox predates ItemProcessor: a Map's
// ItemProcessor is handed to it as Iterator (the older name of the same field).
// Usage: node statebox.mjs MODULE_DIR DEFINITION INPUT
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";

const [moduleDir, definitionPath, inputPath] = process.argv.slice(2);
const require = createRequire(moduleDir + "/");
const Statebox = require("@wmfs/statebox");
const statebox = new Statebox({});
await statebox.ready;
function olderNames(value) {
  if (Array.isArray(value)) return value.map(olderNames);
  if (value === null || typeof value !== "object") return value;
  const out = {};
  for (const [key, inner] of Object.entries(value)) out[key === "ItemProcessor" ? "Iterator" : key] = olderNames(inner);
  return out;
}

await statebox.createStateMachines({ w: olderNames(JSON.parse(readFileSync(definitionPath, "utf8"))) }, {});
const done = await statebox.startExecution(JSON.parse(readFileSync(inputPath, "utf8")), "w",
                                           { sendResponse: "COMPLETE" });
console.log(JSON.stringify({ status: done.status, output: done.ctx }));
