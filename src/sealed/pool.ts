// Batch crypto for sealing on every core, with a synchronous hand-off (synth is synchronous).
//
// A batch is a list of independent items (sealing a value: RSA-OAEP of its session key and AES-GCM of its
// plaintext; scrypt of a plaintext). Inputs and
// outputs live in SharedArrayBuffers. The calling thread posts the batch to the helper threads, then works on
// it itself: the main thread and every helper claim the next item with one Atomics.add on a shared counter, so
// nobody waits for a helper that is still starting, and a batch finishes as soon as its last item is done. The
// main thread then blocks in Atomics.wait until the helpers' items are written. The helpers are started lazily
// (only for batches large enough to repay their start-up), kept for the process, and unref()ed (they never keep
// a program alive). Secret inputs (session keys, plaintexts) are zeroed in the shared buffers once the batch is
// done. Internal: nothing here is part of the public API.
import * as crypto from 'crypto';
import * as os from 'os';
import { hybridEncrypt } from './crypto';

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
// control: [0] next item to claim, [1] items done, [2] error flag. status[i] = 1 once item i is written.
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
        r.copy(out);
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

interface Helper { postMessage(value: unknown): void; unref(): void; terminate(): Promise<number> }
let helpers: Helper[] | undefined;

/** Helper threads beside the main thread: one fewer than the cores, at most 3; none on one core. */
function helperCount(): number {
  const env = process.env.CDK8S_SECRETS_SEALING_THREADS;
  if (env !== undefined && /^\d+$/.test(env)) return Math.max(0, Number(env) - 1);
  const cores = typeof (os as any).availableParallelism === 'function' ? (os as any).availableParallelism() : os.cpus().length;
  return Math.max(0, Math.min(3, cores - 1));
}

function startHelpers(): Helper[] {
  if (helpers) return helpers;
  helpers = [];
  // Loaded here, not with the package: programs that never seal a large batch never pay for it.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { Worker } = require('worker_threads') as typeof import('worker_threads');
  for (let i = 0; i < helperCount(); i++) {
    const w = new Worker(HELPER_SOURCE, { eval: true });
    w.unref();
    // A helper that fails reports it through the batch's error flag; this only keeps an error event from
    // becoming an uncaught exception.
    w.on('error', () => undefined);
    helpers.push(w);
  }
  return helpers;
}

/**
 * Starts the helper threads ahead of a batch known to come (a construct tree with many values to seal), so that
 * they start while the tree is still being built instead of at synth.
 * @internal
 */
export function prepareSealingHelpers(): void {
  if (!helpers && helperCount() > 0) startHelpers();
}

/** Values pending in one tree from which `prepareSealingHelpers` pays off (about 40 ms of sealing). @internal */
export const PREPARE_HELPERS_AT_VALUES = 512;

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
  if (!want) return items.map((f) => computeOne(job, key, f));
  const hs = startHelpers();

  let inputBytes = 0;
  let outputBytes = 0;
  for (const f of items) {
    for (const x of f) inputBytes += x.length;
    outputBytes += outputSize(job, f);
  }
  const shared = {
    control: new SharedArrayBuffer(3 * 4),
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

    // This thread takes items too, from the same counter.
    for (;;) {
      const i = Atomics.add(control, 0, 1);
      if (i >= count) break;
      const out = computeOne(job, key, fieldsOf(i));
      out.copy(output, outOffsets[i]);
      out.fill(0);
      Atomics.store(status, i, 1);
      Atomics.add(control, 1, 1);
    }
    // Wait for the items the helpers claimed. A helper that failed sets the error flag and stops; the items not
    // written yet are then computed here, into this thread's own buffers (another helper may still be writing).
    const results: Buffer[] = new Array(count);
    let lastDone = -1;
    let quietSince = Date.now();
    for (;;) {
      const done = Atomics.load(control, 1);
      if (done >= count) break;
      if (Atomics.load(control, 2) !== 0) {
        for (let i = 0; i < count; i++) {
          if (Atomics.load(status, i) === 0) results[i] = computeOne(job, key, fieldsOf(i));
        }
        break;
      }
      if (done !== lastDone) {
        lastDone = done;
        quietSince = Date.now();
      } else if (Date.now() - quietSince > 120_000) {
        throw new Error('sealing helper threads made no progress for 120 s');
      }
      Atomics.wait(control, 1, done, 100);
    }
    for (let i = 0; i < count; i++) {
      if (!results[i]) results[i] = Buffer.from(output.subarray(outOffsets[i], outOffsets[i + 1]));
    }
    return results;
  } finally {
    // Stop any helper that has not started on this batch yet from claiming items, then zero the shared secrets.
    Atomics.store(control, 0, count);
    input.fill(0);
    output.fill(0);
  }
}
