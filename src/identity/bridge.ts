import { createHash } from 'crypto';
import { IConstruct } from 'constructs';
import { validationError } from '../core/errors';
import { lazy } from '../core/lazy';
import { isUnresolvedScalar, requireConcrete } from '../core/validate';

// The bridge: values that reach Kubernetes manifests must be concrete strings at synth. In aws-cdk-lib,
// `role.roleArn`, `secret.secretArn` and `stack.partition` are tokens even on a stack with an explicit
// `env`, so ARNs written into manifests are computed here from the stack's account, region and partition.

/** The stack's account, which must be explicit. @internal */
export function concreteAccount(scope: IConstruct): string {
  const stack = lazy.cdk.Stack.of(scope);
  return requireConcrete(scope, 'env.account', stack.account,
    `give the stack "${stack.node.path}" an explicit env, for example new Stack(app, 'Id', { env: { account: '111122223333', region: 'eu-west-1' } })`);
}

/** The stack's region, which must be explicit. @internal */
export function concreteRegion(scope: IConstruct): string {
  const stack = lazy.cdk.Stack.of(scope);
  return requireConcrete(scope, 'env.region', stack.region,
    `give the stack "${stack.node.path}" an explicit env, for example new Stack(app, 'Id', { env: { account: '111122223333', region: 'eu-west-1' } })`);
}

/** The partition of a concrete region (aws, aws-cn, aws-us-gov, ...). @internal */
export function partitionOfRegion(region: string): string {
  const known = lazy.regionInfo.RegionInfo.get(region).partition;
  if (known && !lazy.cdk.Token.isUnresolved(known)) return known;
  if (region.startsWith('cn-')) return 'aws-cn';
  if (region.startsWith('us-gov-')) return 'aws-us-gov';
  if (region.startsWith('us-iso-')) return 'aws-iso';
  if (region.startsWith('us-isob-')) return 'aws-iso-b';
  return 'aws';
}

/** The stack's partition, derived from its explicit region. @internal */
export function concretePartition(scope: IConstruct): string {
  return partitionOfRegion(concreteRegion(scope));
}

/** A short, stable hash (8 hex characters) for names that must be shortened. @internal */
export function shortHash(text: string): string {
  return createHash('sha256').update(text).digest('hex').slice(0, 8);
}

/** Cuts a name to `max` characters, replacing the tail with a hash of the whole name when it is too long. @internal */
export function fitName(name: string, max: number): string {
  if (name.length <= max) return name;
  const hash = shortHash(name);
  return `${name.slice(0, max - hash.length - 1).replace(/[-_.]+$/, '')}-${hash}`;
}

const TOKENS_ALLOWED = Symbol.for('cdk8s-secrets.manifestTokensAllowed');

/** Marks a construct tree (a cluster target's Kubernetes app) whose manifests CloudFormation applies. @internal */
export function allowManifestTokens(root: IConstruct): void {
  Object.defineProperty(root, TOKENS_ALLOWED, { value: true });
}

const MANIFEST_FIX = 'pass a literal value: fields of Kubernetes manifests must be known at synth (for AWS values, give the stack an explicit env and the resources literal names)';

/**
 * Throws for the first unresolved CDK token (a string, a number or a map key) in a value about to be written
 * into a Kubernetes manifest, naming the field (`prop` plus the path inside the value). Plain objects and
 * arrays are walked; other objects (cdk8s Lazy values, constructs) are left to the checks of whoever fills them.
 * @internal
 */
export function requireConcreteManifest(scope: IConstruct, prop: string, value: unknown): void {
  // Manifests that CloudFormation applies (ManifestDeployment.CLOUDFORMATION) may hold tokens: it resolves them.
  if (Object.getOwnPropertyDescriptor(scope.node.root, TOKENS_ALLOWED)?.value === true) return;
  const fail = (at: string, v: unknown): never => {
    throw validationError(scope, {
      code: 'CS-ID-001',
      prop: at,
      value: String(v),
      problem: 'is an unresolved CDK token, but it must be written into a Kubernetes manifest as a concrete value at synth time',
      fix: MANIFEST_FIX,
    });
  };
  const walk = (v: unknown, at: string): void => {
    if (typeof v === 'string' || typeof v === 'number') {
      if (isUnresolvedScalar(v)) fail(at, v);
      return;
    }
    if (Array.isArray(v)) {
      v.forEach((x, i) => walk(x, `${at}[${i}]`));
      return;
    }
    if (v !== null && typeof v === 'object' && Object.getPrototypeOf(v) === Object.prototype) {
      for (const [k, x] of Object.entries(v)) {
        const next = at ? `${at}.${k}` : k;
        if (isUnresolvedScalar(k)) fail(next, k);
        walk(x, next);
      }
    }
  };
  walk(value, prop);
}
