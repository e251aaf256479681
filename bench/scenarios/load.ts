// Benchmark scenario (a child of bench/run.ts): the time to load one package in a fresh process.
//
//   node .bench/build/bench/scenarios/load.js <module path or name>
const target = process.argv[2];
const modulesBefore = Object.keys(require.cache).length;
const cpu0 = process.cpuUsage();
const t0 = process.hrtime.bigint();
// eslint-disable-next-line @typescript-eslint/no-require-imports
require(target);
const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
const cpu = process.cpuUsage(cpu0);
process.stdout.write(JSON.stringify({
  seconds,
  cpuSeconds: (cpu.user + cpu.system) / 1e6,
  maxRssMiB: process.resourceUsage().maxRSS / 1024,
  files: 0,
  bytes: 0,
  extra: { modules: Object.keys(require.cache).length - modulesBefore },
}) + '\n');
