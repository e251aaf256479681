// Benchmark (a report, not a test): values sealed per second with a 4096-bit controller key, by this library
// at synth time versus the real kubeseal CLI run once per secret (what a script around kubeseal does).
//
//   npx ts-node --project test/tsconfig.json bench/sealing.ts [values]
//
// kubeseal is taken from .tools/bin (scripts/install-kubeseal.sh); its row is skipped when it is missing.
// Every sealed value is checked to unseal with the example key, so the numbers are for correct output.
import { spawnSync } from 'child_process';
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Chart, Testing } from 'cdk8s';
import { upstreamPath } from '../scripts/upstream';
import { Resealing, SealedSecret, SealedValue, SealingCertificate } from '../src';

const N = Number(process.argv[2] ?? 200);
const CERT_FILE = upstreamPath('sealed-secrets-vectors', 'example-cert.pem');
const KEY_PEM = fs.readFileSync(upstreamPath('sealed-secrets-vectors', 'example-key.pem'), 'utf8');
// The repository root: bench/ under it, or .bench/build/bench/ when run compiled by bench/run.ts.
const ROOT = [path.resolve(__dirname, '..'), path.resolve(__dirname, '..', '..', '..')].find((d) => fs.existsSync(path.join(d, '.projenrc.ts')))!;
const KUBESEAL = path.join(ROOT, '.tools', 'bin', 'kubeseal');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'sealing-bench-'));

/** One row: wall seconds and, for in-process rows, CPU seconds of this process (kubeseal's are not counted). */
interface Row { readonly what: string; readonly values: number; readonly seconds?: number; readonly cpuSeconds?: number; readonly note?: string }

function clock(): () => { seconds: number; cpuSeconds: number } {
  const c0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  return () => {
    const c = process.cpuUsage(c0);
    return { seconds: Number(process.hrtime.bigint() - t0) / 1e9, cpuSeconds: (c.user + c.system) / 1e6 };
  };
}

function unseal(b64: string, label: string): string {
  const raw = Buffer.from(b64, 'base64');
  const n = raw.readUInt16BE(0);
  const key = crypto.privateDecrypt({ key: KEY_PEM, padding: crypto.constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha256', oaepLabel: Buffer.from(label) }, raw.subarray(2, 2 + n));
  const gcm = raw.subarray(2 + n);
  const d = crypto.createDecipheriv('aes-256-gcm', key, Buffer.alloc(12));
  d.setAuthTag(gcm.subarray(gcm.length - 16));
  return Buffer.concat([d.update(gcm.subarray(0, gcm.length - 16)), d.final()]).toString();
}

const plaintext = (i: number) => `bench-value-${i}-${'x'.repeat(24)}`;

/**
 * Builds N one-value SealedSecrets with the library, then reads their sealed values as synth does (the first read
 * seals the whole tree's values in one batch); returns the time of both phases and the output.
 */
function library(count: number, resealing?: Resealing, previous?: Map<string, string>):
{ seconds: number; cpuSeconds: number; sealSeconds: number; sealCpuSeconds: number; out: Map<string, string> } {
  const cert = SealingCertificate.fromPemFile(CERT_FILE);
  const chart: Chart = Testing.chart();
  const out = new Map<string, string>();
  const stop = clock();
  const all: SealedSecret[] = [];
  for (let i = 0; i < count; i++) {
    all.push(new SealedSecret(chart, `S${i}`, {
      name: `secret-${i}`,
      namespace: 'bench',
      certificate: cert,
      resealing,
      previousEncryptedData: previous ? { value: previous.get(`secret-${i}`)! } : undefined,
      values: { value: SealedValue.unsafePlainText(plaintext(i)) },
    }));
  }
  const stopSeal = clock();
  all.forEach((ss, i) => out.set(`secret-${i}`, ss.encryptedData.value));
  const seal = stopSeal();
  const { seconds, cpuSeconds } = stop();
  for (const [name, v] of out) {
    if (unseal(v, `bench/${name}`) !== plaintext(Number(name.slice(7)))) throw new Error(`library output for ${name} does not unseal`);
  }
  return { seconds, cpuSeconds, sealSeconds: seal.seconds, sealCpuSeconds: seal.cpuSeconds, out };
}

/** Seals one SealedSecret with `count` values (the library's side of kubeseal's one-Secret row). */
function libraryOneSecret(count: number): Row {
  const cert = SealingCertificate.fromPemFile(CERT_FILE);
  const chart: Chart = Testing.chart();
  const values: { [key: string]: SealedValue } = {};
  for (let i = 0; i < count; i++) values[`k${i}`] = SealedValue.unsafePlainText(plaintext(i));
  const stop = clock();
  const ss = new SealedSecret(chart, 'Many', { name: 'many', namespace: 'bench', certificate: cert, values });
  const enc = ss.encryptedData; // values are sealed when first read (at synth)
  const { seconds, cpuSeconds } = stop();
  for (let i = 0; i < count; i++) {
    if (unseal(enc[`k${i}`], 'bench/many') !== plaintext(i)) throw new Error('library output does not unseal');
  }
  return { what: `library, one SealedSecret with ${count} values`, values: count, seconds, cpuSeconds };
}

/** Runs kubeseal once per secret, as a shell loop around `kubeseal --cert` would. */
function kubeseal(count: number): Row {
  if (!fs.existsSync(KUBESEAL)) {
    return { what: 'kubeseal CLI, one process per secret', values: 0, note: 'skipped: run scripts/install-kubeseal.sh' };
  }
  const t0 = process.hrtime.bigint();
  const outputs: string[] = [];
  for (let i = 0; i < count; i++) {
    const secret = {
      apiVersion: 'v1',
      kind: 'Secret',
      type: 'Opaque',
      metadata: { name: `secret-${i}`, namespace: 'bench' },
      data: { value: Buffer.from(plaintext(i)).toString('base64') },
    };
    const r = spawnSync(KUBESEAL, ['--cert', CERT_FILE, '--format', 'json'], {
      input: JSON.stringify(secret), encoding: 'utf8', env: { PATH: process.env.PATH, HOME: tmp },
    });
    if (r.status !== 0) throw new Error(`kubeseal failed: ${r.stderr}`);
    outputs.push(r.stdout);
  }
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  outputs.forEach((o, i) => {
    if (unseal(JSON.parse(o).spec.encryptedData.value, `bench/secret-${i}`) !== plaintext(i)) throw new Error('kubeseal output does not unseal');
  });
  return { what: 'kubeseal CLI, one process per secret', values: count, seconds };
}

/** One kubeseal process sealing one Secret with `count` keys (kubeseal's best case: one start-up, one key parse). */
function kubesealOneSecret(count: number): Row {
  const what = `kubeseal CLI, one process, one Secret with ${count} keys`;
  if (!fs.existsSync(KUBESEAL)) return { what, values: 0, note: 'skipped: run scripts/install-kubeseal.sh' };
  const data: { [k: string]: string } = {};
  for (let i = 0; i < count; i++) data[`k${i}`] = Buffer.from(plaintext(i)).toString('base64');
  const secret = { apiVersion: 'v1', kind: 'Secret', type: 'Opaque', metadata: { name: 'many', namespace: 'bench' }, data };
  const t0 = process.hrtime.bigint();
  const r = spawnSync(KUBESEAL, ['--cert', CERT_FILE, '--format', 'json'], {
    input: JSON.stringify(secret), encoding: 'utf8', env: { PATH: process.env.PATH, HOME: tmp }, maxBuffer: 256 * 1024 * 1024,
  });
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  if (r.status !== 0) throw new Error(`kubeseal failed: ${r.stderr}`);
  const enc = JSON.parse(r.stdout).spec.encryptedData;
  for (let i = 0; i < count; i++) {
    if (unseal(enc[`k${i}`], 'bench/many') !== plaintext(i)) throw new Error('kubeseal output does not unseal');
  }
  return { what, values: count, seconds };
}

function main(): void {
  const keyFile = path.join(tmp, 'reseal.key');
  fs.writeFileSync(keyFile, crypto.randomBytes(48).toString('base64'));
  const kubesealCount = Math.min(N, 50);
  const rows: Row[] = [];

  library(5); // warm-up (module loading, JIT)
  const random = library(N);
  rows.push({ what: 'library, random session key (default), one value per SealedSecret: build + seal', values: N, seconds: random.seconds, cpuSeconds: random.cpuSeconds });
  rows.push({ what: '  of which sealing at synth (one batch)', values: N, seconds: random.sealSeconds, cpuSeconds: random.sealCpuSeconds });
  rows.push(libraryOneSecret(N));
  // Churn-free: one scrypt of the reseal key per Resealing, one small scrypt per value (docs/sealed-secrets.md).
  const first = library(N, Resealing.fromKeyFile(keyFile));
  rows.push({ what: 'library, churn-free: first seal, build + seal', values: N, seconds: first.seconds, cpuSeconds: first.cpuSeconds });
  rows.push({ what: '  of which sealing at synth (one batch)', values: N, seconds: first.sealSeconds, cpuSeconds: first.sealCpuSeconds });
  const again = library(N, Resealing.fromKeyFile(keyFile), first.out);
  for (const [k, v] of again.out) if (first.out.get(k) !== v) throw new Error(`re-synth changed ${k}`);
  rows.push({ what: 'library, churn-free: re-synth, every value kept, build + check', values: N, seconds: again.seconds, cpuSeconds: again.cpuSeconds });
  rows.push({ what: '  of which checking at synth (one batch)', values: N, seconds: again.sealSeconds, cpuSeconds: again.sealCpuSeconds });
  rows.push(kubeseal(kubesealCount));
  rows.push(kubesealOneSecret(N));

  const cert = SealingCertificate.fromPemFile(CERT_FILE);
  process.stdout.write(`Sealing benchmark: RSA-${cert.modulusBits} certificate, ${os.cpus().length} CPU(s) (${os.cpus()[0]?.model ?? 'unknown'}), Node ${process.version}\n\n`);
  const header = ['how', 'values', 'seconds', 'values/s', 'ms/value', 'values per CPU-second'];
  const lines = rows.map((r) => r.seconds === undefined
    ? [r.what, '-', '-', '-', r.note ?? 'skipped', '-']
    : [r.what, String(r.values), r.seconds.toFixed(3), (r.values / r.seconds).toFixed(1), (1000 * r.seconds / r.values).toFixed(2),
      r.cpuSeconds === undefined ? '-' : (r.values / r.cpuSeconds).toFixed(1)]);
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i].length)));
  const fmt = (cells: string[]) => '| ' + cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join(' | ') + ' |';
  process.stdout.write([fmt(header), '|' + widths.map((w, i) => (i === 0 ? '-'.repeat(w + 2) : '-'.repeat(w + 1) + ':')).join('|') + '|', ...lines.map(fmt)].join('\n') + '\n');
  process.stdout.write('\nAll outputs were checked to unseal with example-key.pem. kubeseal rows count process start-up, as a per-secret script pays it.\n');
  process.stdout.write('CPU seconds are this process\'s, helper threads included (sealing uses every core for large batches).\n');
}

try {
  main();
} finally {
  fs.rmSync(tmp, { recursive: true, force: true });
}
