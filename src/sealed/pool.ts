// Batch crypto for sealing on every core, with a synchronous hand-off (synth is synchronous).
//
// A batch is a list of independent items (sealing a value: RSA-OAEP of its session key and AES-GCM of its
// plaintext; scrypt of a plaintext). Inputs and
// outputs live in SharedArrayBuffers. The calling thread posts the batch to the helper threads, then works on
// it itself: the main thread and every helper claim the next item with one Atomics.add on a shared counter, so
// nobody waits for a helper that is still starting, and a batch finishes as soon as its last item is done. The
// main thread then waits in Atomics.wait for the items the helpers claimed, but only while they make progress:
// after a short quiet spell (a helper that died or stalled mid-item) it computes the unfinished items itself.
// The helpers are started lazily (only for batches large enough to repay their start-up), kept for the process,
// and unref()ed (they never keep a program alive); where threads cannot be started (Node's permission model
// without --allow-worker, a thread limit) everything runs in the main thread. Secret inputs (session keys,
// plaintexts) are zeroed in the shared buffers once the batch is done. Internal: nothing here is part of the
// public API.
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { hybridEncrypt } from './crypto';
import { validationError } from '../core/errors';

/** One batch item: its input fields (kubeseal: session key, label, plaintext; scrypt: password, salt). */
type Fields = readonly Buffer[];
const FIELDS = 3;

/** What a batch computes per item. */
export type BatchJob =
  /** kubeseal's HybridEncrypt with a given session key: the whole sealed value (./crypto.ts). */
  | { readonly kind: 'kubeseal'; readonly spki: Buffer; readonly modulusBytes: number }
  | { readonly kind: 'scrypt'; readonly N: number; readonly r: number; readonly p: number; readonly maxmem: number; readonly outputBytes: number };

/** Bytes of one item's output. */
function outputSize(job: BatchJob, f: Fields): number {
  return job.kind === 'scrypt' ? job.outputBytes : 2 + job.modulusBytes + f[2].length + 16;
}

// The helper thread's code: a self-contained script (no file on disk, so it works from src/, lib/ and jest alike).
// control: [0] next item to claim, [1] items done, [2] error flag, [3] batch abandoned by the main thread (a
// helper that was too slow: its late results are dropped). status[i] = 1 once item i is written.
const HELPER_SOURCE = `
const { parentPort } = require('worker_threads');
const crypto = require('crypto');
const keys = new Map();
const NONCE = Buffer.alloc(12);
parentPort.on('message', (b) => {
  const control = new Int32Array(b.control);
  const status = new Int32Array(b.status);
  const offsets = new Int32Array(b.offsets);
  const outOffsets = new Int32Array(b.outOffsets);
  const input = Buffer.from(b.input);
  const output = Buffer.from(b.output);
  try {
    let key;
    if (b.job.kind === 'kubeseal') {
      const id = Buffer.from(b.job.spki).toString('base64');
      key = keys.get(id);
      if (!key) { key = crypto.createPublicKey({ key: Buffer.from(b.job.spki), format: 'der', type: 'spki' }); keys.set(id, key); }
    }
    for (;;) {
      const i = Atomics.add(control, 0, 1);
      if (i >= b.count) break;
      const f = [0, 1, 2].map((k) => input.subarray(offsets[4 * i + k], offsets[4 * i + k + 1]));
      const out = output.subarray(outOffsets[i], outOffsets[i + 1]);
      if (b.job.kind === 'scrypt') {
        const r = crypto.scryptSync(f[0], f[1], b.job.outputBytes, { N: b.job.N, r: b.job.r, p: b.job.p, maxmem: b.job.maxmem });
        if (Atomics.load(control, 3) === 0) r.copy(out);
        r.fill(0);
      } else {
        const rsa = crypto.publicEncrypt({ key, padding: crypto.constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha256', oaepLabel: f[1] }, f[0]);
        out.writeUInt16BE(rsa.length, 0);
        let at = 2 + rsa.copy(out, 2);
        const cipher = crypto.createCipheriv('aes-256-gcm', f[0], NONCE);
        at += cipher.update(f[2]).copy(out, at);
        at += cipher.final().copy(out, at);
        cipher.getAuthTag().copy(out, at);
      }
      Atomics.store(status, i, 1);
      Atomics.add(control, 1, 1);
      Atomics.notify(control, 1);
    }
  } catch (e) {
    Atomics.store(control, 2, 1);
    Atomics.notify(control, 1);
  }
});
`;

/** A helper thread, as this module uses it (a `worker_threads` Worker; a fake in tests). @internal */
export interface SealingHelper { postMessage(value: unknown): void; terminate(): Promise<number> }
let helpers: SealingHelper[] | undefined;
/** Set once starting a thread failed: this process seals with the helpers it has (or none) from then on. */
let threadsUnavailable = false;

/** The most threads sealing uses, the main thread included: at most three helpers. */
export const MAX_SEALING_THREADS = 4;
const THREADS_VARIABLE = 'CDK8S_SECRETS_SEALING_THREADS';

/** The thread count set by `CDK8S_SECRETS_SEALING_THREADS` (capped), or undefined when it is unset or empty. */
function requestedThreads(): number | undefined {
  const env = process.env[THREADS_VARIABLE];
  if (env === undefined || env.trim() === '') return undefined;
  if (!/^\s*\d+\s*$/.test(env) || Number(env) < 1) {
    throw validationError('environment', {
      code: 'CS-SEALED-034',
      prop: THREADS_VARIABLE,
      value: env,
      problem: 'must be a whole number of sealing threads, 1 or more',
      fix: 'set it to 1 (seal in the main thread only) up to 4 (larger values count as 4), or unset it (one thread per core, at most 4)',
    });
  }
  return Math.min(MAX_SEALING_THREADS, Number(env));
}

/**
 * The whole CPUs of a cgroup v2 CPU quota (`cpu.max`, the lowest of the process's own cgroup and its parents),
 * or undefined when there is none or it cannot be read (cgroup v1, not Linux, Node's permission model).
 * `os.availableParallelism()` ignores it with a libuv older than 1.49 (Node 20 ships 1.46).
 * @internal
 */
export function cgroupCpuLimit(read: (file: string) => string): number | undefined {
  let own: string | undefined;
  try {
    own = read('/proc/self/cgroup').split('\n').find((line) => line.startsWith('0::'))?.slice(3).trim();
  } catch {
    return undefined;
  }
  if (!own?.startsWith('/')) return undefined;
  let limit: number | undefined;
  for (let dir = own; ; dir = path.posix.dirname(dir)) {
    let text: string | undefined;
    try {
      text = read(`/sys/fs/cgroup${dir === '/' ? '' : dir}/cpu.max`);
    } catch {
      // No CPU controller at this level (the root cgroup has none).
    }
    const [quota, period] = (text ?? '').trim().split(/\s+/).map(Number);
    if (quota > 0 && period > 0) limit = Math.min(limit ?? Infinity, Math.max(1, Math.floor(quota / period)));
    if (dir === '/') break;
  }
  return limit;
}

let cgroupLimit: { readonly cpus?: number } | undefined;

/** The cores this process may use: the scheduler's count, within a cgroup v2 quota (read once). */
function availableCores(): number {
  const cores = typeof os.availableParallelism === 'function' ? os.availableParallelism() : os.cpus().length;
  cgroupLimit ??= { cpus: cgroupCpuLimit((file) => fs.readFileSync(file, 'utf8')) };
  return Math.min(cores, cgroupLimit.cpus ?? cores);
}

/**
 * Helper threads beside the main thread: `CDK8S_SECRETS_SEALING_THREADS` minus one when it is set, else one
 * fewer than the cores; at most three, none on one core.
 */
function helperCount(): number {
  return Math.max(0, (requestedThreads() ?? Math.min(MAX_SEALING_THREADS, availableCores())) - 1);
}

/** Starts one helper thread. @internal */
export function startHelperThread(): SealingHelper {
  // Loaded here, not with the package: programs that never seal a large batch never pay for it.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { Worker } = require('worker_threads') as typeof import('worker_threads');
  const w = new Worker(HELPER_SOURCE, { eval: true });
  w.unref();
  // A helper that fails reports it through the batch's error flag; this only keeps an error event from
  // becoming an uncaught exception.
  w.on('error', () => undefined);
  // A helper that ended (a crash, an exit, out of memory) gets no more batches; it is not replaced.
  w.on('exit', () => {
    const at = helpers?.indexOf(w) ?? -1;
    if (at >= 0) helpers!.splice(at, 1);
  });
  return w;
}

let newHelper: () => SealingHelper = startHelperThread;

/**
 * Replaces how helper threads are started (tests); undefined restores the real threads and forgets that they
 * were unavailable.
 * @internal
 */
export function setSealingHelperFactory(factory: (() => SealingHelper) | undefined): void {
  newHelper = factory ?? startHelperThread;
  threadsUnavailable = false;
}

function startHelpers(): SealingHelper[] {
  if (helpers) return helpers;
  const started: SealingHelper[] = [];
  helpers = started;
  const wanted = threadsUnavailable ? 0 : helperCount();
  for (let i = 0; i < wanted; i++) {
    try {
      started.push(newHelper());
    } catch {
      // Threads cannot be started here (Node's permission model without --allow-worker, a thread or memory
      // limit). Sealing does not need them: it goes on with the helpers that did start, or in this thread
      // alone, and this process does not try again.
      threadsUnavailable = true;
      break;
    }
  }
  return started;
}

/**
 * Starts the helper threads ahead of a batch known to come (a construct tree with many values to seal), so that
 * they start while the tree is still being built instead of at synth.
 * @internal
 */
export function prepareSealingHelpers(): void {
  if (!helpers && !threadsUnavailable && helperCount() > 0) startHelpers();
}

/**
 * Stops the helper threads (tests; a later large batch starts them again).
 * @internal
 */
export async function stopSealingHelpers(): Promise<void> {
  const hs = helpers ?? [];
  helpers = undefined;
  await Promise.all(hs.map((h) => h.terminate()));
}

/** Whether helper threads are running. @internal */
export function sealingHelpersRunning(): number {
  return helpers?.length ?? 0;
}

/**
 * Estimated microseconds of one core per item (measured on a 2-core Xeon: scrypt N = 2^9, r = 8 about 0.8 ms;
 * sealing a value with a 4096-bit key about 85 us), to decide whether starting helpers pays off.
 */
function costPerItemMicros(job: BatchJob): number {
  return job.kind === 'scrypt' ? (job.N * job.r * job.p) / 5 : 85;
}
/** Helpers are started only for a batch of at least this much estimated work (their start costs ~30 ms of CPU). */
const START_HELPERS_MICROS = 40_000;

/**
 * How long the main thread, done with its own items, waits for the helpers' items without any of them finishing
 * before it computes the unfinished ones itself (a helper that died or stalled mid-item): this many times the
 * item cost it measured, within the bounds below. Waiting too little only costs a few items computed twice.
 */
const QUIET_ITEMS = 10;
const MIN_QUIET_MS = 50;
const MAX_QUIET_MS = 1000;

function computeOne(job: BatchJob, key: crypto.KeyObject | undefined, f: Fields): Buffer {
  return job.kind === 'scrypt'
    ? crypto.scryptSync(f[0], f[1], job.outputBytes, { N: job.N, r: job.r, p: job.p, maxmem: job.maxmem })
    : hybridEncrypt(key!, f[2], f[1], f[0]);
}

const publicKeys = new Map<string, crypto.KeyObject>();

/**
 * Runs `job` on every item (fields: kubeseal = [session key, label, plaintext]; scrypt = [password, salt]) and
 * returns one output per item, in order. Uses the helper threads when the batch is large enough (or they already
 * run); otherwise computes in this thread. The caller owns (and zeroes) its own input buffers; the shared copies
 * are zeroed here.
 * @internal
 */
export function runBatch(job: BatchJob, items: readonly Fields[], publicKey?: crypto.KeyObject): Buffer[] {
  const count = items.length;
  if (count === 0) return [];
  let key = publicKey;
  if (job.kind === 'kubeseal' && !key) {
    const id = job.spki.toString('base64');
    key = publicKeys.get(id) ?? crypto.createPublicKey({ key: job.spki, format: 'der', type: 'spki' });
    publicKeys.set(id, key);
  }
  const want = helperCount() > 0 && count > 1 && (helpers !== undefined || count * costPerItemMicros(job) >= START_HELPERS_MICROS);
  const hs = want ? startHelpers() : [];
  if (hs.length === 0) return items.map((f) => computeOne(job, key, f));

  let inputBytes = 0;
  let outputBytes = 0;
  for (const f of items) {
    for (const x of f) inputBytes += x.length;
    outputBytes += outputSize(job, f);
  }
  const shared = {
    control: new SharedArrayBuffer(4 * 4),
    status: new SharedArrayBuffer(count * 4),
    offsets: new SharedArrayBuffer((FIELDS + 1) * count * 4),
    outOffsets: new SharedArrayBuffer((count + 1) * 4),
    input: new SharedArrayBuffer(Math.max(1, inputBytes)),
    output: new SharedArrayBuffer(Math.max(1, outputBytes)),
  };
  const control = new Int32Array(shared.control);
  const status = new Int32Array(shared.status);
  const offsets = new Int32Array(shared.offsets);
  const outOffsets = new Int32Array(shared.outOffsets);
  const input = Buffer.from(shared.input);
  const output = Buffer.from(shared.output);
  let at = 0;
  let outAt = 0;
  items.forEach((f, i) => {
    for (let k = 0; k < FIELDS; k++) {
      offsets[(FIELDS + 1) * i + k] = at;
      if (f[k]) at += f[k].copy(input, at);
    }
    offsets[(FIELDS + 1) * i + FIELDS] = at;
    outOffsets[i] = outAt;
    outAt += outputSize(job, f);
  });
  outOffsets[count] = outAt;
  const fieldsOf = (i: number): Buffer[] => [0, 1, 2].map((k) => input.subarray(offsets[(FIELDS + 1) * i + k], offsets[(FIELDS + 1) * i + k + 1]));
  try {
    const message = { ...shared, count, job: job.kind === 'scrypt' ? job : { ...job, spki: new Uint8Array(job.spki) } };
    for (const h of hs) h.postMessage(message);

    // This thread takes items too, from the same counter, and times them.
    const began = performance.now();
    let mine = 0;
    for (;;) {
      const i = Atomics.add(control, 0, 1);
      if (i >= count) break;
      const out = computeOne(job, key, fieldsOf(i));
      out.copy(output, outOffsets[i]);
      out.fill(0);
      Atomics.store(status, i, 1);
      Atomics.add(control, 1, 1);
      mine++;
    }
    const itemMs = mine > 0 ? (performance.now() - began) / mine : costPerItemMicros(job) / 1000;
    const quietMs = Math.min(MAX_QUIET_MS, Math.max(MIN_QUIET_MS, QUIET_ITEMS * itemMs));
    // Wait for the items the helpers claimed while they make progress. A helper that failed sets the error flag;
    // one that died or stalled mid-item stops the progress. The items not written yet are then computed here,
    // into this thread's own buffers (a helper may still be writing its copy).
    let lastDone = -1;
    let quietSince = 0;
    for (;;) {
      const done = Atomics.load(control, 1);
      if (done >= count || Atomics.load(control, 2) !== 0) break;
      const now = performance.now();
      if (done !== lastDone) {
        lastDone = done;
        quietSince = now;
      } else if (now - quietSince >= quietMs) {
        break;
      }
      Atomics.wait(control, 1, done, Math.max(1, quietMs - (now - quietSince)));
    }
    const results: Buffer[] = new Array(count);
    for (let i = 0; i < count; i++) {
      if (Atomics.load(status, i) === 0) results[i] = computeOne(job, key, fieldsOf(i));
    }
    for (let i = 0; i < count; i++) {
      if (!results[i]) results[i] = Buffer.from(output.subarray(outOffsets[i], outOffsets[i + 1]));
    }
    return results;
  } finally {
    // Stop any helper that has not started on this batch yet from claiming items (and a late one from writing a
    // key it derived), then zero the shared secrets.
    Atomics.store(control, 0, count);
    Atomics.store(control, 3, 1);
    input.fill(0);
    output.fill(0);
  }
}
