import { spawnSync } from 'child_process';
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Worker } from 'worker_threads';
import { Chart, Testing } from 'cdk8s';
import { EXAMPLE_CERT_FILE, EXAMPLE_KEY_PEM, INSIDE_VALIDITY, referenceUnseal } from './fixtures';
import { Resealing, SealedSecret, SealedValue, SealingCertificate } from '../../src';
import {
  BatchJob, cgroupCpuLimit, runBatch, SealingHelper, sealingHelpersRunning, setSealingHelperFactory, startHelperThread, stopSealingHelpers,
} from '../../src/sealed/pool';

const cert = () => SealingCertificate.fromPemFile(EXAMPLE_CERT_FILE, { checkValidityAt: INSIDE_VALIDITY });
const v = (s: string) => SealedValue.unsafePlainText(s);

afterEach(async () => {
  delete process.env.CDK8S_SECRETS_SEALING_THREADS;
  setSealingHelperFactory(undefined);
  await stopSealingHelpers();
});

/** A factory whose threads cannot be started, as under Node's permission model without --allow-worker. */
function restricted(): { calls: number; factory: () => SealingHelper } {
  const state = {
    calls: 0,
    factory: (): SealingHelper => {
      state.calls++;
      throw new Error('Access to this API has been restricted');
    },
  };
  return state;
}

/** A chart with one SealedSecret of `n` values, enough for the helper threads. */
function manyValues(n: number, extra: Partial<{ resealing: Resealing; previousEncryptedData: { [k: string]: string } }> = {}) {
  const chart: Chart = Testing.chart();
  const values: { [k: string]: SealedValue } = {};
  for (let i = 0; i < n; i++) values[`k${i}`] = v(`value-${i}`);
  const ss = new SealedSecret(chart, 'Many', { name: 'many', namespace: 'apps', certificate: cert(), values, ...extra });
  return { chart, ss };
}

// An RSA-2048 key made for these tests: opening every output stays fast.
const { privateKey, publicKey } = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
const spki = publicKey.export({ type: 'spki', format: 'der' });
const kubeseal: BatchJob = { kind: 'kubeseal', spki, modulusBytes: 256 };
const sealItems = (n: number) => Array.from({ length: n }, (_, i) => [crypto.randomBytes(32), Buffer.from(`ns/name-${i}`), Buffer.from(`plaintext-${i}`)]);
/** Opens a value sealed with the test key: the session key, then the plaintext. */
function open(sealed: Buffer, label: Buffer): string {
  const sk = crypto.privateDecrypt({ key: privateKey, padding: crypto.constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha256', oaepLabel: label }, sealed.subarray(2, 258));
  const d = crypto.createDecipheriv('aes-256-gcm', sk, Buffer.alloc(12));
  d.setAuthTag(sealed.subarray(sealed.length - 16));
  return Buffer.concat([d.update(sealed.subarray(258, sealed.length - 16)), d.final()]).toString();
}
const scryptJob: BatchJob = { kind: 'scrypt', N: 1024, r: 8, p: 1, maxmem: 64 * 1024 * 1024, outputBytes: 32 };
const scryptItems = (n: number) => Array.from({ length: n }, (_, i) => [Buffer.from(`password-${i}`), Buffer.from(`salt-${i}`)] as const);
const scryptExpected = (items: ReturnType<typeof scryptItems>) => items.map(([a, b]) => crypto.scryptSync(a, b, 32, { N: 1024, r: 8, p: 1 }).toString('hex'));

describe('Helper threads that cannot be started', () => {
  test('GIVEN threads cannot be created WHEN a tree large enough for helpers is synthesized THEN it is sealed in the main thread, unseals, and no thread is tried again', () => {
    process.env.CDK8S_SECRETS_SEALING_THREADS = '3';
    const r = restricted();
    setSealingHelperFactory(r.factory);
    const { chart, ss } = manyValues(700);
    const manifest = Testing.synth(chart);
    expect(manifest).toHaveLength(1);
    expect(sealingHelpersRunning()).toBe(0);
    // The first failure is remembered: one attempt, not one per helper or per batch.
    expect(r.calls).toBe(1);
    const enc = ss.encryptedData;
    expect(manifest[0].spec.encryptedData).toEqual(enc);
    expect(Object.keys(enc)).toHaveLength(700);
    for (let i = 0; i < 700; i += 50) expect(referenceUnseal(EXAMPLE_KEY_PEM, enc[`k${i}`], 'apps/many').toString()).toBe(`value-${i}`);

    // A second tree in the same process: sealed the same way, no new attempt.
    const again = manyValues(700);
    Testing.synth(again.chart);
    expect(referenceUnseal(EXAMPLE_KEY_PEM, again.ss.encryptedData.k699, 'apps/many').toString()).toBe('value-699');
    expect(r.calls).toBe(1);
  });

  test('GIVEN threads cannot be created THEN batch outputs equal those computed in one thread (deterministic jobs give the same bytes)', () => {
    process.env.CDK8S_SECRETS_SEALING_THREADS = '2';
    setSealingHelperFactory(restricted().factory);
    const items = scryptItems(80);
    expect(runBatch(scryptJob, items).map((b) => b.toString('hex'))).toEqual(scryptExpected(items));
    expect(sealingHelpersRunning()).toBe(0);
  });

  test('GIVEN threads cannot be created WHEN a re-sealed tree is synthesized again from its output THEN the values are kept byte for byte', () => {
    process.env.CDK8S_SECRETS_SEALING_THREADS = '2';
    setSealingHelperFactory(restricted().factory);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pool-'));
    try {
      const keyFile = path.join(dir, 'reseal.key');
      fs.writeFileSync(keyFile, crypto.randomBytes(48).toString('base64') + '\n');
      // 60 re-sealed values: their scrypt batch is large enough for helpers.
      const first = manyValues(60, { resealing: Resealing.fromKeyFile(keyFile) }).ss.encryptedData;
      const second = manyValues(60, { resealing: Resealing.fromKeyFile(keyFile), previousEncryptedData: first }).ss.encryptedData;
      expect(second).toEqual(first);
      expect(referenceUnseal(EXAMPLE_KEY_PEM, second.k59, 'apps/many').toString()).toBe('value-59');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  test('GIVEN the first helper starts and the second cannot THEN the one that started is kept and used', () => {
    process.env.CDK8S_SECRETS_SEALING_THREADS = '4';
    let calls = 0;
    setSealingHelperFactory(() => {
      calls++;
      if (calls === 1) return startHelperThread();
      throw new Error('Access to this API has been restricted');
    });
    const items = sealItems(600);
    const out = runBatch(kubeseal, items, publicKey);
    expect(calls).toBe(2);
    expect(sealingHelpersRunning()).toBe(1);
    out.forEach((c, i) => expect(open(c, items[i][1])).toBe(items[i][2].toString()));
  });

  // The real thing: Node's permission model without --allow-worker, in a process of its own.
  const permissionFlag = ['--permission', '--experimental-permission'].find((f) => process.allowedNodeEnvironmentFlags.has(f));
  (permissionFlag ? test : test.skip)('GIVEN Node\'s permission model without --allow-worker THEN a batch large enough for helpers is computed, twice', () => {
    const script = [
      "const crypto = require('crypto');",
      `const pool = require(${JSON.stringify(path.join(__dirname, '..', '..', 'src', 'sealed', 'pool.ts'))});`,
      "const items = Array.from({ length: 80 }, (_, i) => [Buffer.from('password-' + i), Buffer.from('salt-' + i)]);",
      "const job = { kind: 'scrypt', N: 1024, r: 8, p: 1, maxmem: 64 * 1024 * 1024, outputBytes: 32 };",
      'const a = pool.runBatch(job, items).map((b) => b.toString(\'hex\'));',
      'const b = pool.runBatch(job, items).map((b) => b.toString(\'hex\'));',
      'console.log(JSON.stringify({ a, b, helpers: pool.sealingHelpersRunning() }));',
    ].join('\n');
    const run = spawnSync(process.execPath, [permissionFlag!, '--allow-fs-read=*', '-r', 'ts-node/register/transpile-only', '-e', script], {
      cwd: path.join(__dirname, '..', '..'),
      env: { ...process.env, CDK8S_SECRETS_SEALING_THREADS: '2', NODE_NO_WARNINGS: '1' },
      encoding: 'utf8',
    });
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    const got = JSON.parse(run.stdout);
    const expected = scryptExpected(scryptItems(80));
    expect(got).toEqual({ a: expected, b: expected, helpers: 0 });
  });
});

describe('Helper threads that die or stall mid-item', () => {
  /** A fake helper that claims one item of the first batch it gets and never writes it. */
  function stalling(): { claimed: number[]; factory: () => SealingHelper } {
    const claimed: number[] = [];
    return {
      claimed,
      factory: () => ({
        postMessage: (b: any) => {
          if (claimed.length === 0) claimed.push(Atomics.add(new Int32Array(b.control), 0, 1));
        },
        terminate: async () => 0,
      }),
    };
  }

  test('GIVEN a helper that claims an item and never finishes it THEN the main thread computes that item, and the result is complete', () => {
    process.env.CDK8S_SECRETS_SEALING_THREADS = '2';
    const s = stalling();
    setSealingHelperFactory(s.factory);
    const items = sealItems(600);
    const out = runBatch(kubeseal, items, publicKey);
    expect(s.claimed).toEqual([0]);
    expect(out).toHaveLength(600);
    expect(open(out[0], items[0][1])).toBe('plaintext-0');
    out.forEach((c, i) => expect(open(c, items[i][1])).toBe(items[i][2].toString()));
  });

  test('GIVEN a stalled helper on a scrypt batch THEN every output equals scryptSync, the stalled item included', () => {
    process.env.CDK8S_SECRETS_SEALING_THREADS = '2';
    const s = stalling();
    setSealingHelperFactory(s.factory);
    const items = scryptItems(80);
    expect(runBatch(scryptJob, items).map((b) => b.toString('hex'))).toEqual(scryptExpected(items));
    expect(s.claimed).toEqual([0]);
  });

  test('GIVEN a helper thread that exits in the middle of an item THEN the batch completes, and the next batch too', () => {
    process.env.CDK8S_SECRETS_SEALING_THREADS = '2';
    // A real thread that claims one item, then ends the way a crash does.
    setSealingHelperFactory(() => new Worker(
      "require('worker_threads').parentPort.on('message', (b) => { if (Atomics.add(new Int32Array(b.control), 0, 1) < b.count) process.exit(1); });",
      { eval: true },
    ));
    const items = scryptItems(80);
    expect(runBatch(scryptJob, items).map((b) => b.toString('hex'))).toEqual(scryptExpected(items));
    expect(runBatch(scryptJob, items).map((b) => b.toString('hex'))).toEqual(scryptExpected(items));
  });

  test('GIVEN a helper thread that ended between batches THEN it is dropped, not replaced, and later batches are computed', async () => {
    process.env.CDK8S_SECRETS_SEALING_THREADS = '2';
    const started: Worker[] = [];
    setSealingHelperFactory(() => {
      const w = startHelperThread() as Worker;
      started.push(w);
      return w;
    });
    const items = scryptItems(80);
    expect(runBatch(scryptJob, items).map((b) => b.toString('hex'))).toEqual(scryptExpected(items));
    expect(sealingHelpersRunning()).toBe(1);
    await started[0].terminate();
    await new Promise((resolve) => setImmediate(resolve));
    expect(sealingHelpersRunning()).toBe(0);
    expect(runBatch(scryptJob, items).map((b) => b.toString('hex'))).toEqual(scryptExpected(items));
    expect(started).toHaveLength(1);
  });

  test('GIVEN a tree whose helper stalls mid-item WHEN synthesized THEN every value unseals', () => {
    process.env.CDK8S_SECRETS_SEALING_THREADS = '2';
    const s = stalling();
    setSealingHelperFactory(s.factory);
    const { chart, ss } = manyValues(600);
    Testing.synth(chart);
    expect(s.claimed).toHaveLength(1);
    const enc = ss.encryptedData;
    expect(Object.keys(enc)).toHaveLength(600);
    const k = `k${s.claimed[0]}`;
    expect(referenceUnseal(EXAMPLE_KEY_PEM, enc[k], 'apps/many').toString()).toBe(`value-${s.claimed[0]}`);
  });
});

describe('CDK8S_SECRETS_SEALING_THREADS', () => {
  /** A helper that takes no item: counts how many are started. */
  const idle = (): SealingHelper => ({ postMessage: () => undefined, terminate: async () => 0 });

  test.each(['64', '5', '4'])('GIVEN %s THEN at most three helper threads are started', (value) => {
    process.env.CDK8S_SECRETS_SEALING_THREADS = value;
    setSealingHelperFactory(idle);
    const items = scryptItems(80);
    expect(runBatch(scryptJob, items).map((b) => b.toString('hex'))).toEqual(scryptExpected(items));
    expect(sealingHelpersRunning()).toBe(3);
  });

  test.each([['1', 0], ['2', 1], ['3', 2], [' 2 ', 1]])('GIVEN %p THEN %p helper threads are started', (value, helpers) => {
    process.env.CDK8S_SECRETS_SEALING_THREADS = value as string;
    setSealingHelperFactory(idle);
    const items = scryptItems(80);
    expect(runBatch(scryptJob, items).map((b) => b.toString('hex'))).toEqual(scryptExpected(items));
    expect(sealingHelpersRunning()).toBe(helpers);
  });

  test('GIVEN an empty value THEN it counts as unset', () => {
    process.env.CDK8S_SECRETS_SEALING_THREADS = '';
    const items = scryptItems(3);
    expect(runBatch(scryptJob, items).map((b) => b.toString('hex'))).toEqual(scryptExpected(items));
  });

  test.each(['0', '-1', '1.5', 'two', '2x', '1e3'])('GIVEN %p THEN sealing fails with an error naming the variable and the value', (value) => {
    process.env.CDK8S_SECRETS_SEALING_THREADS = value;
    const message = `[environment] CDK8S_SECRETS_SEALING_THREADS: must be a whole number of sealing threads, 1 or more (got ${JSON.stringify(value)}). `
      + 'Fix: set it to 1 (seal in the main thread only) up to 4 (larger values count as 4), or unset it (one thread per core, at most 4) [CS-SEALED-034]';
    // Whatever the batch's size.
    expect(() => runBatch(scryptJob, scryptItems(1))).toThrow(message);
    expect(() => runBatch(scryptJob, scryptItems(80))).toThrow(message);
    const chart: Chart = Testing.chart();
    const ss = new SealedSecret(chart, 'S', { name: 's', namespace: 'apps', certificate: cert(), values: { k: v('secret-plaintext') } });
    let error: Error | undefined;
    try {
      Testing.synth(chart);
    } catch (e) {
      error = e as Error;
    }
    expect(error?.message).toContain(message);
    // The value to seal is not in the error.
    expect(error?.message).not.toContain('secret-plaintext');
    expect(ss).toBeDefined();
  });
});

describe('cgroupCpuLimit (the cgroup v2 CPU quota)', () => {
  /** A reader over fake files; a missing one throws like fs.readFileSync. */
  const files = (f: { [file: string]: string }) => (file: string): string => {
    if (!(file in f)) throw Object.assign(new Error(`ENOENT: ${file}`), { code: 'ENOENT' });
    return f[file];
  };

  test('GIVEN a quota on the process\'s own cgroup THEN its whole CPUs (at least one)', () => {
    expect(cgroupCpuLimit(files({ '/proc/self/cgroup': '0::/\n', '/sys/fs/cgroup/cpu.max': '200000 100000\n' }))).toBe(2);
    expect(cgroupCpuLimit(files({ '/proc/self/cgroup': '0::/\n', '/sys/fs/cgroup/cpu.max': '150000 100000\n' }))).toBe(1);
    expect(cgroupCpuLimit(files({ '/proc/self/cgroup': '0::/\n', '/sys/fs/cgroup/cpu.max': '50000 100000\n' }))).toBe(1);
  });

  test('GIVEN quotas on the cgroup and its parents THEN the lowest', () => {
    const read = files({
      '/proc/self/cgroup': '0::/kubepods/pod1/ctr\n',
      '/sys/fs/cgroup/kubepods/pod1/ctr/cpu.max': '400000 100000',
      '/sys/fs/cgroup/kubepods/pod1/cpu.max': '300000 100000',
      '/sys/fs/cgroup/kubepods/cpu.max': 'max 100000',
    });
    expect(cgroupCpuLimit(read)).toBe(3);
  });

  test('GIVEN no quota ("max"), cgroup v1 only, or nothing readable THEN none', () => {
    expect(cgroupCpuLimit(files({ '/proc/self/cgroup': '0::/a\n', '/sys/fs/cgroup/a/cpu.max': 'max 100000\n' }))).toBeUndefined();
    expect(cgroupCpuLimit(files({ '/proc/self/cgroup': '4:memory:/x\n1:cpu:/\n' }))).toBeUndefined();
    expect(cgroupCpuLimit(files({ '/proc/self/cgroup': '0::/\n' }))).toBeUndefined();
    expect(cgroupCpuLimit(files({}))).toBeUndefined();
  });
});
