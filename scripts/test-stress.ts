/**
 * `npm run test:stress`: the whole mocha suite, 5 runs in a row, while two CPU-bound processes run
 * beside it, so a verdict that depends on how busy the machine is shows up here and not in CI.
 * The burners are this script's own: each stops by itself after `burnLimitMs` whatever happens to
 * this script, and is killed as soon as the runs end.
 */
import { ChildProcess, spawn } from "node:child_process";
import { join } from "node:path";

const runs = 5;
const burners = 2;
/** Longer than 5 runs on a busy machine; a burner left behind by a killed script ends by then. */
const burnLimitMs = 15 * 60_000;

const mocha = join(__dirname, "..", "node_modules", "mocha", "bin", "mocha.js");

function burn(): ChildProcess {
  const loop = `const end = Date.now() + ${burnLimitMs}; while (Date.now() < end) Math.sqrt(Math.random());`;
  return spawn(process.execPath, ["-e", loop], { stdio: "ignore" });
}

function runSuite(): Promise<number> {
  return new Promise((resolve) => {
    const suite = spawn(process.execPath, [mocha, "--reporter", "dot"], { stdio: "inherit" });
    suite.on("exit", (code, signal) => resolve(code ?? (signal === null ? 1 : 128)));
  });
}

async function main(): Promise<number> {
  const running = Array.from({ length: burners }, burn);
  const stop = () => running.forEach((burner) => burner.kill());
  process.once("SIGINT", () => {
    stop();
    process.exit(130);
  });
  try {
    for (let run = 1; run <= runs; run++) {
      process.stdout.write(`\nRun ${run} of ${runs}, beside ${burners} CPU-bound processes\n`);
      const started = Date.now();
      const code = await runSuite();
      process.stdout.write(
        `Run ${run}: exit ${code} after ${((Date.now() - started) / 1000).toFixed(1)} s\n`,
      );
      if (code !== 0) {
        process.stdout.write(`\nFailed in run ${run} of ${runs}: a test depends on the machine's speed.\n`);
        return 1;
      }
    }
    process.stdout.write(`\nThe suite passed ${runs} runs in a row beside ${burners} CPU-bound processes.\n`);
    return 0;
  } finally {
    stop();
  }
}

main().then((code) => (process.exitCode = code));
