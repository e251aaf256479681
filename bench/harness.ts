// Shared pieces of the benchmark children: how a scenario's Kubernetes app is created and synthesized (a hook,
// so other synth paths can be measured with the same scenarios) and how one measurement is reported.
import * as fs from 'fs';
import * as path from 'path';
import { App } from 'cdk8s';

/** A Kubernetes app to build into and the synth that writes it. */
export interface SynthTarget {
  readonly k8sApp: App;
  synth(): void;
}

/** A way to synthesize a scenario's Kubernetes app into `outdir`. */
export interface AppSynth {
  readonly description: string;
  create(outdir: string): SynthTarget;
}

/**
 * The synth paths the app scenarios can be run with (`--synth <name>`). Add an entry to measure another
 * path (for example an app object that owns the cdk8s App and writes it its own way).
 */
export const APP_SYNTHS: { [name: string]: AppSynth } = {
  'cdk8s': {
    description: 'cdk8s App.synth()',
    create(outdir: string): SynthTarget {
      const k8sApp = new App({ outdir });
      return { k8sApp, synth: () => k8sApp.synth() };
    },
  },
  'secrets-app': {
    description: 'SecretsApp.synth() with its defaults, Kubernetes only, as cdk8s synth runs it (validation, token scan and posture checks once for the whole app)',
    create(outdir: string): SynthTarget {
      // Loaded here so the cdk8s path does not pay for it.
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const { ClusterTarget, SecretsApp, SynthMode } = require('../src/app');
      const app = new SecretsApp({ outdir, mode: SynthMode.KUBERNETES, printWarnings: false });
      const target = new ClusterTarget(app, 'bench', { outdir: '.' });
      return { k8sApp: target.k8sApp, synth: () => app.synth() };
    },
  },
};

/** One measurement, as a child prints it. */
export interface Measurement {
  readonly seconds: number;
  readonly cpuSeconds: number;
  readonly maxRssMiB: number;
  readonly files: number;
  readonly bytes: number;
  readonly extra?: { [key: string]: number };
}

/** Runs `fn` once, then prints the measurement (time, CPU, peak RSS, what was written under `outdir`) as JSON. */
export function measure(fn: () => { [key: string]: number } | void, outdir?: string): void {
  const cpu0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  const extra = fn() ?? undefined;
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  const cpu = process.cpuUsage(cpu0);
  let files = 0;
  let bytes = 0;
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) {walk(p);} else { files++; bytes += fs.statSync(p).size; }
    }
  };
  if (outdir && fs.existsSync(outdir)) walk(outdir);
  const m: Measurement = {
    seconds,
    cpuSeconds: (cpu.user + cpu.system) / 1e6,
    maxRssMiB: process.resourceUsage().maxRSS / 1024,
    files,
    bytes,
    extra,
  };
  process.stdout.write(JSON.stringify(m) + '\n');
}
