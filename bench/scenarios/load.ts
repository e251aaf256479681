// Benchmark scenario (a child of bench/run.ts): the time to load one package in a fresh process.
//
//   node .bench/build/bench/scenarios/load.js <module path or name>
const target = process.argv[2];
const t0 = process.hrtime.bigint();
// eslint-disable-next-line @typescript-eslint/no-require-imports
require(target);
const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
process.stdout.write(JSON.stringify({ seconds, cpuSeconds: 0, maxRssMiB: process.resourceUsage().maxRSS / 1024, files: 0, bytes: 0 }) + '\n');
