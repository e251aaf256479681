import { createHash } from 'crypto';
import { Stack, Token } from 'aws-cdk-lib';
import { RegionInfo } from 'aws-cdk-lib/region-info';
import { IConstruct } from 'constructs';
import { requireConcrete } from '../core/validate';

// The bridge: values that reach Kubernetes manifests must be concrete strings at synth. In aws-cdk-lib,
// `role.roleArn`, `secret.secretArn` and `stack.partition` are tokens even on a stack with an explicit
// `env`, so ARNs written into manifests are computed here from the stack's account, region and partition.

/** The stack's account, which must be explicit. @internal */
export function concreteAccount(scope: IConstruct): string {
  const stack = Stack.of(scope);
  return requireConcrete(scope, 'env.account', stack.account,
    `give the stack "${stack.node.path}" an explicit env, for example new Stack(app, 'Id', { env: { account: '111122223333', region: 'eu-west-1' } })`);
}

/** The stack's region, which must be explicit. @internal */
export function concreteRegion(scope: IConstruct): string {
  const stack = Stack.of(scope);
  return requireConcrete(scope, 'env.region', stack.region,
    `give the stack "${stack.node.path}" an explicit env, for example new Stack(app, 'Id', { env: { account: '111122223333', region: 'eu-west-1' } })`);
}

/** The partition of a concrete region (aws, aws-cn, aws-us-gov, ...). @internal */
export function partitionOfRegion(region: string): string {
  const known = RegionInfo.get(region).partition;
  if (known && !Token.isUnresolved(known)) return known;
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
