import * as fs from 'fs';
import * as path from 'path';

/**
 * The one resolver for the pinned upstream files (CRDs, Kubernetes 1.28 schemas, chart values, kubeseal
 * vectors) that tests, examples and scripts read. Order:
 *   1. $CDK8S_SECRETS_UPSTREAM
 *   2. ../shared/upstream beside the checkout
 *   3. .upstream-cache/ in the checkout, filled by `npx projen fetch-upstream`
 * These files are read, never copied into src/ or the npm package.
 */
export function upstreamDir(): string {
  const root = path.resolve(__dirname, '..');
  const candidates = [
    process.env.CDK8S_SECRETS_UPSTREAM,
    path.resolve(root, '..', 'shared', 'upstream'),
    path.resolve(root, '.upstream-cache'),
  ].filter((c): c is string => typeof c === 'string' && c.length > 0);
  for (const c of candidates) {
    if (fs.existsSync(path.join(c, 'crds'))) return c;
  }
  throw new Error(
    `upstream files not found (looked in: ${candidates.join(', ')}). ` +
    'Set CDK8S_SECRETS_UPSTREAM to a folder holding them, or run `npx projen fetch-upstream` to download the pinned files.',
  );
}

/** A path inside the upstream folder. */
export function upstreamPath(...parts: string[]): string {
  return path.join(upstreamDir(), ...parts);
}

if (require.main === module) {
  process.stdout.write(upstreamDir() + '\n');
}
