// Runs one workload through aws-local-stepfunctions and prints {"first", "seconds", "output"} as
// JSON: "first" is the first run in a fresh process, "seconds" the best of three after it.
// Usage: node aws_local_stepfunctions.mjs MODULE_DIR DEFINITION INPUT REPEAT
// REPEAT 0: one run and nothing else, for a whole-process measure (time, peak memory) from outside.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";

const [moduleDir, definitionPath, inputPath, repeatText] = process.argv.slice(2);
const require = createRequire(moduleDir + "/");
const { StateMachine } = require("aws-local-stepfunctions");
const text = readFileSync(definitionPath, "utf8");
const input = JSON.parse(readFileSync(inputPath, "utf8"));
const repeat = Number(repeatText);

async function once() {
  const started = process.hrtime.bigint();
  let output;
  for (let i = 0; i < repeat; i++) {
    const machine = new StateMachine(JSON.parse(text));
    output = await machine.run(input).result;
  }
  return { seconds: Number(process.hrtime.bigint() - started) / 1e9, output };
}

if (repeat === 0) {
  const machine = new StateMachine(JSON.parse(text));
  console.log(JSON.stringify({ output: await machine.run(input).result }));
  process.exit(0);
}

const first = await once();
let best = Infinity;
for (let i = 0; i < 3; i++) best = Math.min(best, (await once()).seconds);
console.log(JSON.stringify({ first: first.seconds, seconds: best, output: first.output }));
