// An on-disk cache for the harness: what every test file would otherwise redo (parse ~4 MB of CRD YAML, compile
// the large Kubernetes and CRD schemas with ajv) is done once per machine and reused by every jest worker and
// every later run. Entries are keyed by a SHA-256 of their inputs (and of the harness files that produce them),
// so a changed schema or a changed harness never reads a stale entry. The cache lives in
// node_modules/.cache/cdk8s-secrets-harness (never committed); CDK8S_SECRETS_HARNESS_CACHE=off disables it.
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as path from 'path';

const DIR = path.resolve(__dirname, '..', '..', 'node_modules', '.cache', 'cdk8s-secrets-harness');

/** Whether the cache is used (on unless CDK8S_SECRETS_HARNESS_CACHE=off). */
export function cacheEnabled(): boolean {
  return process.env.CDK8S_SECRETS_HARNESS_CACHE !== 'off';
}

let harnessDigest: string | undefined;

/**
 * SHA-256 over the harness sources that shape cached entries, so editing them invalidates the cache, and over the
 * harness's own folder: compiled validators require formats.ts by its absolute path, so a checkout never reads
 * entries another checkout (sharing node_modules, or moved elsewhere) wrote.
 */
function harnessVersion(): string {
  if (!harnessDigest) {
    const h = crypto.createHash('sha256').update(__dirname);
    for (const f of ['schemas.ts', 'formats.ts', 'index.ts', 'cache.ts']) {
      const file = path.join(__dirname, f);
      h.update(f).update(fs.existsSync(file) ? fs.readFileSync(file) : '');
    }
    harnessDigest = h.digest('hex');
  }
  return harnessDigest;
}

/** The cache key for some inputs. */
export function cacheKey(...parts: Array<string | Buffer>): string {
  const h = crypto.createHash('sha256').update(harnessVersion());
  for (const p of parts) h.update(String(Buffer.byteLength(p))).update(':').update(p);
  return h.digest('hex').slice(0, 40);
}

/** The path of a cache entry. */
export function cachePath(key: string, ext: string): string {
  return path.join(DIR, `${key}.${ext}`);
}

/** Writes an entry atomically (parallel jest workers may write the same entry). Failures only cost speed. */
export function writeCacheEntry(file: string, content: string): void {
  try {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    const tmp = `${file}.${process.pid}.${crypto.randomBytes(4).toString('hex')}.tmp`;
    fs.writeFileSync(tmp, content);
    fs.renameSync(tmp, file);
  } catch {
    // a read-only checkout: the harness still works, only slower
  }
}
