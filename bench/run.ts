// The benchmark suite (a report, never a test): `npx projen bench [flags]`.
//
// Compiles src/ and bench/ once with tsc into .bench/build, then runs every measurement in a fresh node process
// (so module caches, JIT state and the heap of one run never help another), interleaving the variants of each
// row and taking the median of --repeats runs. Prints Markdown tables with the machine's figures and writes them
// to .bench/report.md (and the raw runs to .bench/results.json).
//
// Flags:
//   --quick                 small sizes, one repeat (a smoke run of every section)
//   --only a,b              sections: load, apps, per-app, layouts, vault, aws, sealing, tenants (default: all)
//   --apps 100,1000,5000    app counts for the one-chart table
//   --per-app 100,1000      app counts for the chart-per-app and layouts tables
//   --tenants 100,200,400,800
//   --aws 100,1000
//   --platform 1000,5000    tenant counts for the both-worlds platform table (tenants section)
//   --values 2000           values for the sealing section
//   --repeats 3
//   --synth secrets-app     the library's synth path in the app and Vault scenarios (see APP_SYNTHS in bench/harness.ts):
//                           secrets-app (SecretsApp.synth, the default) or cdk8s (the library's constructs in a plain
//                           cdk8s App). Bare cdk8s and cdk8s-plus always synthesize with cdk8s App.synth().
//   --vault-layout one-chart   or chart-per-tenant (quadratic under plain cdk8s App.synth, see bench/scenarios/vault.ts)
//   --cpu-prof              write V8 CPU profiles of the library runs to .bench/profiles/
//   --no-build              reuse .bench/build from the previous run (when src/ and bench/ did not change)
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { APP_SYNTHS, type Measurement } from './harness';
import { upstreamDir } from '../scripts/upstream';

const ROOT = path.resolve(__dirname, '..');
const APP_SYNTH_NAMES: { [name: string]: string } = Object.fromEntries(Object.entries(APP_SYNTHS).map(([k, v]) => [k, v.description]));
const BENCH_DIR = path.join(ROOT, '.bench');
const BUILD = path.join(BENCH_DIR, 'build');
const PROFILES = path.join(BENCH_DIR, 'profiles');

interface Flags {
  only: Set<string>;
  apps: number[];
  perApp: number[];
  tenants: number[];
  aws: number[];
  platform: number[];
  values: number;
  repeats: number;
  synth: string;
  vaultLayout: string;
  cpuProf: boolean;
}

function parseFlags(argv: string[]): Flags {
  const quick = argv.includes('--quick');
  const get = (name: string): string | undefined => {
    const i = argv.indexOf(`--${name}`);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const list = (name: string, dflt: number[], quickDflt: number[]) => (get(name)?.split(',').map(Number) ?? (quick ? quickDflt : dflt));
  return {
    only: new Set((get('only') ?? 'load,apps,per-app,layouts,vault,aws,sealing,tenants').split(',')),
    apps: list('apps', [100, 1000, 5000], [100, 200]),
    perApp: list('per-app', [100, 1000], [50, 100]),
    tenants: list('tenants', [100, 200, 400, 800], [50, 100]),
    aws: list('aws', [100, 1000], [50, 100]),
    platform: list('platform', [1000, 5000], [100, 200]),
    values: Number(get('values') ?? (quick ? 500 : 2000)),
    repeats: Number(get('repeats') ?? (quick ? 1 : 3)),
    synth: get('synth') ?? 'secrets-app',
    vaultLayout: get('vault-layout') ?? 'one-chart',
    cpuProf: argv.includes('--cpu-prof'),
  };
}

const out: string[] = [];
function print(line = ''): void {
  process.stdout.write(line + '\n');
  out.push(line);
}

function table(header: string[], rows: string[][]): void {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const fmt = (cells: string[]) => '| ' + cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join(' | ') + ' |';
  print(fmt(header));
  print('|' + widths.map((w, i) => (i === 0 ? '-'.repeat(w + 2) : '-'.repeat(w + 1) + ':')).join('|') + '|');
  rows.forEach((r) => print(fmt(r)));
  print();
}

function build(): void {
  const tsconfig = path.join(BENCH_DIR, 'tsconfig.json');
  fs.mkdirSync(BENCH_DIR, { recursive: true });
  fs.writeFileSync(tsconfig, JSON.stringify({
    extends: '../tsconfig.json',
    compilerOptions: { rootDir: '..', outDir: 'build', noEmit: false, noEmitOnError: false, declaration: false, inlineSourceMap: false, inlineSources: false, sourceMap: true, noUnusedLocals: false },
    include: ['../src/**/*.ts', '../bench/**/*.ts', '../scripts/upstream.ts'],
  }, undefined, 2));
  const t0 = Date.now();
  // Type errors are reported but do not stop the run (noEmitOnError: false): a scenario that no longer compiles
  // fails on its own when it runs, and the other sections still report.
  const r = spawnSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', tsconfig], { cwd: ROOT, stdio: 'inherit' });
  if (r.status !== 0) process.stderr.write('warning: tsc reported errors (above); running what was emitted\n');
  process.stderr.write(`compiled src/ and bench/ into .bench/build in ${((Date.now() - t0) / 1000).toFixed(1)} s\n`);
}

const runs: Array<{ label: string; m: Measurement }> = [];
let profileCount = 0;

/** Runs one scenario in a fresh node process and returns its measurement. */
function child(label: string, script: string, args: string[], opts: { profile?: boolean } = {}): Measurement {
  const nodeArgs = ['--max-old-space-size=8192'];
  if (opts.profile) {
    fs.mkdirSync(PROFILES, { recursive: true });
    nodeArgs.push('--cpu-prof', '--cpu-prof-dir', PROFILES, '--cpu-prof-name', `${String(++profileCount).padStart(2, '0')}-${label.replace(/[^A-Za-z0-9.-]+/g, '_')}.cpuprofile`);
  }
  const r = spawnSync(process.execPath, [...nodeArgs, path.join(BUILD, 'bench', 'scenarios', script), ...args], { cwd: ROOT, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (r.status !== 0) {
    // Minified dependencies print whole source lines with a stack trace: keep the error lines only.
    const errors = r.stderr.split('\n').filter((l) => /Error\b/.test(l) && l.length < 1000).slice(0, 3).join(' | ');
    throw new Error(`${label} failed (exit ${r.status}): ${errors || r.stderr.slice(-500)}`);
  }
  const line = r.stdout.trim().split('\n').pop()!;
  const m = JSON.parse(line) as Measurement;
  runs.push({ label, m });
  process.stderr.write(`  ${label}: ${m.seconds.toFixed(2)} s, ${m.maxRssMiB.toFixed(0)} MiB\n`);
  return m;
}

function median(ms: Measurement[]): Measurement {
  const sorted = [...ms].sort((a, b) => a.seconds - b.seconds);
  const mid = sorted[Math.floor(sorted.length / 2)];
  return { ...mid, maxRssMiB: Math.max(...ms.map((m) => m.maxRssMiB)) };
}

/** Runs the variants of one row interleaved (v1 v2 v3 v1 v2 v3 ...) and returns the median of each. */
function interleaved(repeats: number, variants: Array<{ name: string; run: (rep: number) => Measurement }>): Map<string, Measurement> {
  const all = new Map<string, Measurement[]>(variants.map((v) => [v.name, []]));
  for (let rep = 0; rep < repeats; rep++) {
    for (const v of variants) all.get(v.name)!.push(v.run(rep));
  }
  return new Map([...all].map(([k, ms]) => [k, median(ms)]));
}

function freshDir(name: string): string {
  const d = path.join(BENCH_DIR, 'out', name);
  fs.rmSync(d, { recursive: true, force: true });
  fs.mkdirSync(d, { recursive: true });
  return d;
}

const s = (m: Measurement) => m.seconds.toFixed(2);
const ratio = (a: Measurement, b: Measurement) => `${(a.seconds / b.seconds).toFixed(2)}×`;
const cpuRatio = (a: Measurement, b: Measurement) => `${(a.cpuSeconds / b.cpuSeconds).toFixed(2)}×`;
/** Time growth per doubling of the work, from two sizes: 2^(log(t2/t1)/log(n2/n1)). Linear is 2.0. */
const perDoubling = (n1: number, t1: number, n2: number, t2: number) => Math.pow(2, Math.log(t2 / t1) / Math.log(n2 / n1));

function sectionLoad(f: Flags): void {
  print('## Package load (fresh process, `require()` only)');
  print();
  const lib = path.join(BUILD, 'src', 'index.js');
  const targets = [
    { name: 'cdk8s', mod: 'cdk8s' },
    { name: 'cdk8s-plus-28', mod: 'cdk8s-plus-28' },
    { name: 'aws-cdk-lib (root)', mod: 'aws-cdk-lib' },
    { name: 'cdk8s-secrets', mod: lib },
  ];
  // The package as published is jsii's build in lib/ (inline source maps, which the bench's build leaves out):
  // measured too when `npx projen compile` has produced it.
  const published = path.join(ROOT, 'lib', 'index.js');
  if (fs.existsSync(published)) targets.push({ name: 'cdk8s-secrets (lib/, as compiled last)', mod: published });
  // A load is a fraction of a second: at least 10 runs of each, interleaved, and the median of wall and of CPU
  // time taken separately (on a shared machine the CPU time is the steadier figure).
  const reps = Math.max(10, f.repeats);
  const all = new Map<string, Measurement[]>(targets.map((t) => [t.name, []]));
  for (let rep = 0; rep < reps; rep++) {
    for (const t of targets) all.get(t.name)!.push(child(`load ${t.name}`, 'load.js', [t.mod]));
  }
  const mid = (xs: number[]) => {
    const sorted = [...xs].sort((a, b) => a - b);
    const h = Math.floor(sorted.length / 2);
    return sorted.length % 2 ? sorted[h] : (sorted[h - 1] + sorted[h]) / 2;
  };
  const med = new Map([...all].map(([k, ms]) => [k, {
    seconds: mid(ms.map((m) => m.seconds)),
    cpu: mid(ms.map((m) => m.cpuSeconds)),
    rss: Math.max(...ms.map((m) => m.maxRssMiB)),
    modules: ms[0].extra?.modules ?? 0,
  }]));
  const plus = med.get('cdk8s-plus-28')!;
  table(['package', 'modules loaded', `load s (median of ${reps})`, 'CPU s (median)', 'peak RSS MiB', 'vs cdk8s-plus-28 (wall, CPU)'],
    targets.map((t) => {
      const m = med.get(t.name)!;
      return [t.name, String(m.modules), m.seconds.toFixed(3), m.cpu.toFixed(3), m.rss.toFixed(0),
        `${(m.seconds / plus.seconds).toFixed(2)}×, ${(m.cpu / plus.cpu).toFixed(2)}×`];
    }));
}

function sectionApps(f: Flags, layout: 'one-chart' | 'chart-per-app', sizes: number[]): void {
  print(layout === 'one-chart'
    ? `## Apps in one chart (library synth: ${f.synth}; each app = SecretStore + ExternalSecret + Deployment with Reloader + Role/RoleBinding)`
    : `## One chart per app (library synth: ${f.synth})`);
  print();
  // Bare cdk8s and cdk8s-plus programs synthesize as such programs do, with cdk8s App.synth(); the library with the
  // synth it is measured with. When that is not cdk8s's, the bare objects also go through the library's synth
  // (`bare-same`): the difference to those is the cost of the library's constructs alone, with the same writer.
  const same = f.synth !== 'cdk8s';
  print(`Bare and cdk8s-plus: cdk8s \`App.synth()\`. Library: ${APP_SYNTH_NAMES[f.synth] ?? f.synth}.${same
    ? ' "Bare, same synth": the bare objects through the library\'s synth path, to separate the cost of the library\'s constructs from that of the synth.' : ''}`);
  print();
  const templateFile = path.join(BENCH_DIR, 'out', 'app-template.json');
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { appTemplate } = require(path.join(BUILD, 'bench', 'scenarios', 'apps.js'));
  fs.mkdirSync(path.dirname(templateFile), { recursive: true });
  fs.writeFileSync(templateFile, JSON.stringify(appTemplate()));
  const variants = [
    { name: 'bare', variant: 'bare', synth: 'cdk8s' },
    ...(layout === 'one-chart' ? [{ name: 'plus', variant: 'plus', synth: 'cdk8s' }] : []),
    { name: 'lib', variant: 'lib', synth: f.synth },
    ...(same ? [{ name: 'bare-same', variant: 'bare', synth: f.synth }] : []),
  ];
  const rows: string[][] = [];
  const libTimes: Array<[number, number]> = [];
  const libCpu: Array<[number, number]> = [];
  for (const n of sizes) {
    const res = interleaved(f.repeats, variants.map((v) => ({
      name: v.name,
      run: (rep: number) => child(`${layout} ${v.name} ${n}`, 'apps.js', [v.variant, layout, String(n), freshDir(`${layout}-${v.name}`), v.synth],
        { profile: f.cpuProf && v.name === 'lib' && rep === 0 }),
    })));
    const bare = res.get('bare')!;
    const lib = res.get('lib')!;
    libTimes.push([n, lib.seconds]);
    libCpu.push([n, lib.cpuSeconds]);
    const plus = res.get('plus');
    const bareSame = res.get('bare-same');
    rows.push([String(n), s(bare), plus ? s(plus) : '–', `${s(lib)}`, lib.maxRssMiB.toFixed(0), ratio(lib, bare),
      `${bare.cpuSeconds.toFixed(2)} / ${plus ? plus.cpuSeconds.toFixed(2) : '–'} / ${lib.cpuSeconds.toFixed(2)}`, cpuRatio(lib, bare),
      ...(bareSame ? [`${s(bareSame)} (${bareSame.cpuSeconds.toFixed(2)})`, cpuRatio(lib, bareSame)] : []), String(lib.files)]);
  }
  table(['apps', 'bare cdk8s s', 'cdk8s-plus s', 'library s', 'library peak MiB', 'library / bare', 'CPU s bare / plus / library', 'library / bare (CPU)',
    ...(same ? ['bare, same synth: s (CPU s)', 'library / bare, same synth (CPU)'] : []), 'files'], rows);
  growth(libTimes, 'library (wall)');
  growth(libCpu, 'library (CPU)');
}

/** The library's apps in one chart against one chart per app, in the same run (the goal: at most 1.2x). */
function sectionLayouts(f: Flags, sizes: number[]): void {
  print(`## The same apps in one chart and in one chart per app (library, synth: ${f.synth})`);
  print();
  print('`chart-per-app` keeps the app index in every construct id (as in one chart); `chart-per-namespace` uses the same ids in every chart, as a program with a chart per namespace writes them.');
  print();
  const layouts = ['one-chart', 'chart-per-app', 'chart-per-namespace'];
  const rows: string[][] = [];
  const series = new Map<string, Array<[number, number]>>(layouts.map((l) => [l, []]));
  for (const n of sizes) {
    const res = interleaved(f.repeats, layouts.map((layout) => ({
      name: layout,
      run: (rep: number) => child(`${layout} lib ${n}`, 'apps.js', ['lib', layout, String(n), freshDir(`layouts-${layout}`), f.synth], { profile: f.cpuProf && rep === 0 && layout !== 'one-chart' }),
    })));
    const one = res.get('one-chart')!;
    for (const l of layouts) series.get(l)!.push([n, res.get(l)!.cpuSeconds]);
    rows.push([String(n), ...layouts.map((l) => `${res.get(l)!.cpuSeconds.toFixed(2)} (${res.get(l)!.seconds.toFixed(2)} s), ${res.get(l)!.maxRssMiB.toFixed(0)} MiB`),
      cpuRatio(res.get('chart-per-app')!, one), cpuRatio(res.get('chart-per-namespace')!, one)]);
  }
  table(['apps', 'one chart: CPU s (wall), peak', 'chart per app', 'chart per namespace', 'per app / one (CPU)', 'per namespace / one (CPU)'], rows);
  for (const l of layouts) growth(series.get(l)!, `${l} (CPU)`);
}

function growth(series: Array<[number, number]>, what: string): void {
  for (let i = 1; i < series.length; i++) {
    const [n1, t1] = series[i - 1];
    const [n2, t2] = series[i];
    print(`- ${what}: ${n1} → ${n2}: ×${(t2 / t1).toFixed(2)} time for ×${(n2 / n1).toFixed(1)} work; per doubling ×${perDoubling(n1, t1, n2, t2).toFixed(2)} (linear: 2.00, goal ≤ 2.20)`);
  }
  print();
}

function sectionVault(f: Flags): void {
  print(`## Vault tenants (each: Kubernetes-auth role, derived policy, VaultAuth, VaultStaticSecret; manifests + Vault files; ${f.vaultLayout}, synth: ${f.synth})`);
  print();
  const rows: string[][] = [];
  const series: Array<[number, number]> = [];
  const cpu: Array<[number, number]> = [];
  for (const n of f.tenants) {
    const res = interleaved(f.repeats, [{ name: 'lib', run: (rep: number) => child(`vault ${n}`, 'vault.js', [String(n), freshDir('vault'), f.vaultLayout, f.synth], { profile: f.cpuProf && rep === 0 }) }]);
    const m = res.get('lib')!;
    series.push([n, m.seconds]);
    cpu.push([n, m.cpuSeconds]);
    rows.push([String(n), s(m), m.cpuSeconds.toFixed(2), (1000 * m.seconds / n).toFixed(2), m.maxRssMiB.toFixed(0), String(m.files)]);
  }
  table(['tenants', 'seconds', 'CPU s', 'ms / tenant', 'peak MiB', 'files'], rows);
  growth(series, 'vault (wall)');
  growth(cpu, 'vault (CPU)');
}

function sectionTenants(f: Flags): void {
  print('## A platform of tenants, both worlds (each tenant: namespace chart, IRSA identity, Secrets Manager entry, SecretStore, ExternalSecret, Deployment mounting the Secret)');
  print();
  print('Library: SecretsApp.synth() (manifests, cloud assembly, posture checks), AWS side sharded by a placement file (120 charts per stack). Bare: plain cdk8s ApiObjects (cdk8s App.synth, a chart per tenant) and plain aws-cdk-lib in as many stacks.');
  print();
  const rows: string[][] = [];
  const series: Array<[number, number]> = [];
  for (const n of f.platform) {
    const res = interleaved(f.repeats, ['bare', 'lib'].map((v) => ({
      name: v,
      run: (rep: number) => child(`tenants ${v} ${n}`, 'tenants.js', [v, String(n), freshDir(`tenants-${v}`)], { profile: f.cpuProf && v === 'lib' && rep === 0 }),
    })));
    const bare = res.get('bare')!;
    const lib = res.get('lib')!;
    series.push([n, lib.seconds]);
    const x = lib.extra ?? {};
    // The library's last output is still in .bench/out/tenants-lib: every template through cfn-lint.
    const assembly = path.join(BENCH_DIR, 'out', 'tenants-lib', 'cdk.out');
    const templates = fs.readdirSync(assembly).filter((t) => t.endsWith('.template.json')).map((t) => path.join(assembly, t));
    const lint = spawnSync('cfn-lint', templates, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
    const lintResult = lint.error ? 'cfn-lint not installed' : lint.status === 0 ? `pass (${templates.length})` : `FAIL (exit ${lint.status})`;
    rows.push([String(n), s(bare), s(lib), ratio(lib, bare), cpuRatio(lib, bare), lib.maxRssMiB.toFixed(0), String(x.stacks ?? '?'),
      String(x.maxResources ?? '?'), String(x.maxTemplateBytes ?? '?'), lintResult]);
  }
  table(['tenants', 'bare s', 'library s', 'library / bare', 'library / bare (CPU)', 'library peak MiB', 'stacks', 'most resources in a stack (≤ 500)',
    'largest template bytes (≤ 1,000,000)', 'cfn-lint'], rows);
  growth(series, 'platform (wall)');
}

function sectionAws(f: Flags): void {
  print('## AWS side (workload identities + Secrets Manager entries with a read grant, at most 150 of each per stack; cdk synth)');
  print();
  const rows: string[][] = [];
  const series: Array<[number, number]> = [];
  for (const n of f.aws) {
    const res = interleaved(f.repeats, ['bare', 'lib'].map((v) => ({
      name: v,
      run: (rep: number) => child(`aws ${v} ${n}`, 'aws.js', [v, String(n), freshDir(`aws-${v}`)], { profile: f.cpuProf && v === 'lib' && rep === 0 }),
    })));
    const bare = res.get('bare')!;
    const lib = res.get('lib')!;
    series.push([n, lib.seconds]);
    rows.push([`${n} (${Math.ceil(n / 150)})`, s(bare), s(lib), lib.maxRssMiB.toFixed(0), ratio(lib, bare), cpuRatio(lib, bare)]);
  }
  table(['identities + entries (stacks)', 'bare aws-cdk-lib s', 'library s', 'library peak MiB', 'library / bare', 'library / bare (CPU)'], rows);
  growth(series, 'aws');
}

function sectionSealing(f: Flags): void {
  print('## Sealing (RSA-4096 example certificate; every output checked to unseal)');
  print();
  // With --cpu-prof, the main thread's profile goes to .bench/profiles/sealing.cpuprofile (helper threads are not in it:
  // CDK8S_SECRETS_SEALING_THREADS=1 keeps the sealing in the profiled thread).
  if (f.cpuProf) fs.mkdirSync(PROFILES, { recursive: true });
  const prof = f.cpuProf ? ['--cpu-prof', '--cpu-prof-dir', PROFILES, '--cpu-prof-name', 'sealing.cpuprofile'] : [];
  const r = spawnSync(process.execPath, [...prof, path.join(BUILD, 'bench', 'sealing.js'), String(f.values)], { cwd: ROOT, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (r.status !== 0) throw new Error(`sealing failed:\n${r.stderr}`);
  r.stdout.trimEnd().split('\n').forEach((l) => print(l));
  print();
}

function main(): void {
  const f = parseFlags(process.argv.slice(2));
  // The compiled scripts/upstream.js sits elsewhere than the source, so the children get the folder explicitly.
  process.env.CDK8S_SECRETS_UPSTREAM = upstreamDir();
  if (!process.argv.includes('--no-build')) build();
  const cpus = os.cpus();
  print(`# cdk8s-secrets benchmark, ${new Date().toISOString().slice(0, 10)}`);
  print();
  print(`Machine: ${cpus.length} CPU(s) (${cpus[0]?.model ?? 'unknown'}), ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, ${os.platform()} ${os.release()}, Node ${process.version}; load average at start ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}.`);
  print(`Each figure is the median of ${f.repeats} run(s) in fresh processes, variants interleaved; times are build + synth (construct tree, validation, files written), without process start and module load.`);
  print();
  // A section that fails is reported and the others still run.
  const section = (name: string, fn: () => void) => {
    if (!f.only.has(name)) return;
    try {
      fn();
    } catch (e: any) {
      print(`Section ${name} failed: ${String(e?.message ?? e).split('\n').slice(0, 3).join(' ')}`);
      print();
    }
  };
  section('load', () => sectionLoad(f));
  section('apps', () => sectionApps(f, 'one-chart', f.apps));
  section('per-app', () => sectionApps(f, 'chart-per-app', f.perApp));
  section('layouts', () => sectionLayouts(f, f.perApp));
  section('vault', () => sectionVault(f));
  section('aws', () => sectionAws(f));
  section('sealing', () => sectionSealing(f));
  section('tenants', () => sectionTenants(f));
  if (f.cpuProf) print(`CPU profiles of the library runs: ${path.relative(ROOT, PROFILES)}/ (open in Chrome DevTools → Performance, or speedscope).`);
  fs.writeFileSync(path.join(BENCH_DIR, 'report.md'), out.join('\n') + '\n');
  fs.writeFileSync(path.join(BENCH_DIR, 'results.json'), JSON.stringify(runs, undefined, 1));
  process.stderr.write(`report written to ${path.relative(ROOT, path.join(BENCH_DIR, 'report.md'))}\n`);
}

main();
