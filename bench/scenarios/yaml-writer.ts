// Benchmark scenario: the manifest writer against cdk8s's `Yaml.stringify` on the objects of N apps in one chart
// (the apps scenario's library apps, serialized once), interleaved, CPU seconds of each call.
//
//   node .bench/build/bench/scenarios/yaml-writer.js [apps=1000] [repeats=5]
//
// Prints one JSON line: objects, how many the writer writes itself (the others go to cdk8s's), bytes, whether the
// outputs are identical, the CPU seconds of every run of each writer and their medians.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Chart, Yaml } from 'cdk8s';
import { libApp } from './apps';
import { stringifyManifests, writeDocument } from '../../src/core/yaml-writer';

function cpuSeconds(fn: () => string): { seconds: number; out: string } {
  const cpu0 = process.cpuUsage();
  const out = fn();
  const cpu = process.cpuUsage(cpu0);
  return { seconds: (cpu.user + cpu.system) / 1e6, out };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

if (require.main === module) {
  const apps = Number(process.argv[2] ?? 1000);
  const repeats = Number(process.argv[3] ?? 5);
  const app = new App({ outdir: fs.mkdtempSync(path.join(os.tmpdir(), 'bench-yaml-writer-')) });
  const chart = new Chart(app, 'apps');
  for (let i = 0; i < apps; i++) libApp(chart, i);
  const objects = chart.toJson();
  const cdk8s: number[] = [];
  const writer: number[] = [];
  let identical = true;
  let bytes = 0;
  for (let r = 0; r < repeats; r++) {
    const theirs = cpuSeconds(() => Yaml.stringify(...objects));
    const mine = cpuSeconds(() => stringifyManifests(...objects));
    cdk8s.push(theirs.seconds);
    writer.push(mine.seconds);
    identical = identical && mine.out === theirs.out;
    bytes = mine.out.length;
  }
  fs.rmSync(app.outdir, { recursive: true, force: true });
  process.stdout.write(JSON.stringify({
    apps,
    objects: objects.length,
    fastPath: objects.filter((o) => writeDocument(o) !== undefined).length,
    bytes,
    identical,
    cdk8sCpuSeconds: cdk8s,
    writerCpuSeconds: writer,
    medians: { cdk8s: median(cdk8s), writer: median(writer), speedup: median(cdk8s) / median(writer) },
  }) + '\n');
}
