import * as fs from 'fs';
import * as path from 'path';

/**
 * The one resolver for the pinned upstream files (CRDs, Kubernetes 1.28 schemas, chart values, kubeseal
 * vectors) that tests and scripts read. Order:
 *   1. $CDK8S_SECRETS_UPSTREAM
 *   2. ../shared/upstream beside the checkout
 *   3. .upstream-cache/ in the checkout, filled by `npx projen fetch-upstream` (or by `npm test` itself, once)
 * These files are read, never copied into src/ or the npm package.
 */

const ROOT = path.resolve(__dirname, '..');

/** The cache folder that `npx projen fetch-upstream` fills. */
export const UPSTREAM_CACHE = path.join(ROOT, '.upstream-cache');
/** Written into the cache after every pinned file was downloaded and checked; a partial cache is not used. */
export const COMPLETE_MARKER = '.complete';

/** The folders looked in, in order. */
export function upstreamCandidates(env: { [name: string]: string | undefined } = process.env): string[] {
  return [
    env.CDK8S_SECRETS_UPSTREAM,
    path.resolve(ROOT, '..', 'shared', 'upstream'),
    UPSTREAM_CACHE,
  ].filter((c): c is string => typeof c === 'string' && c.length > 0);
}

/** The first candidate that holds the files, or undefined. A cache folder counts only once complete. */
export function findUpstreamDir(candidates: string[] = upstreamCandidates()): string | undefined {
  for (const c of candidates) {
    if (!fs.existsSync(path.join(c, 'crds'))) continue;
    if (path.resolve(c) === path.resolve(UPSTREAM_CACHE) && !fs.existsSync(path.join(c, COMPLETE_MARKER))) continue;
    return c;
  }
  return undefined;
}

/** One line saying what is missing and how to get it. */
export function missingUpstreamMessage(candidates: string[], cause?: string): string {
  return `upstream test data not found (looked in: ${candidates.join(', ')})`
    + (cause ? `; downloading the pinned files failed: ${cause}` : '')
    + '. Fix: run `npx projen fetch-upstream` with access to raw.githubusercontent.com (fills .upstream-cache/, sha256-checked),'
    + ' or set CDK8S_SECRETS_UPSTREAM to a folder holding the files.';
}

export function upstreamDir(): string {
  const candidates = upstreamCandidates();
  const found = findUpstreamDir(candidates);
  if (found === undefined) throw new Error(missingUpstreamMessage(candidates));
  return found;
}

/** A path inside the upstream folder. */
export function upstreamPath(...parts: string[]): string {
  return path.join(upstreamDir(), ...parts);
}

if (require.main === module) {
  process.stdout.write(upstreamDir() + '\n');
}
