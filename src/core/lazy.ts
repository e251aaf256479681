// The modules a program may never use load on first use, not with the package: cdk8s-plus-28, aws-cdk-lib (its
// root and every submodule), the generated CRD modules, the bundled `yaml` (resealing reads the previous output
// with it), the rule pack of SecretsChecks and the sealing pool. A program pays for what it builds: no External Secrets object, no
// External Secrets CRD module; no AWS construct, none of aws-cdk-lib's IAM, KMS, EKS or Secrets Manager modules;
// nothing built through cdk8s-plus-28 (a workload helper, a WorkloadIdentity's ServiceAccount, a Namespace), no
// cdk8s-plus-28.
//
// Types come from `import type` (erased from the JavaScript), values from `lazy`:
//
//   import type * as iam from 'aws-cdk-lib/aws-iam';
//   import { lazy } from '../core/lazy';
//   const role: iam.IRole = new lazy.iam.Role(scope, 'Role', { ... });
//
// A class of this package must therefore never extend a class of these modules, and nothing may use their values
// while the package loads (at the top level of a module, in a static field or an enum); `test/core/lazy.test.ts` checks
// that loading the package index loads none of them.
/* eslint-disable @typescript-eslint/no-require-imports */
import type * as cdk from 'aws-cdk-lib';
import type * as eks from 'aws-cdk-lib/aws-eks';
import type * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import type * as regionInfo from 'aws-cdk-lib/region-info';
import type * as kplus from 'cdk8s-plus-28';
import type * as yaml from 'yaml';
import type * as rules from '../checks/rules/pack';
import type * as argo from '../imports/argoproj.io';
import type * as bitnami from '../imports/bitnami.com';
import type * as eso from '../imports/external-secrets.io';
import type * as fluxHelm from '../imports/helm.toolkit.fluxcd.io';
import type * as csi from '../imports/secrets-store.csi.x-k8s.io';
import type * as fluxSource from '../imports/source.toolkit.fluxcd.io';
import type * as sealingPool from '../sealed/pool';

/**
 * An object whose properties are the values of `loaders`, each computed on its first read and kept (the getter
 * replaces itself with a plain property, so later reads cost a property access).
 */
function onFirstUse<T extends object>(loaders: { [K in keyof T]: () => T[K] }): Readonly<T> {
  const modules = {} as T;
  for (const key of Object.keys(loaders) as Array<keyof T>) {
    Object.defineProperty(modules, key, {
      enumerable: true,
      configurable: true,
      get: () => {
        const value = loaders[key]();
        Object.defineProperty(modules, key, { value, enumerable: true, configurable: false, writable: false });
        return value;
      },
    });
  }
  return modules;
}

/** The modules loaded on first use (internal; see the comment at the top of this file). */
export const lazy = onFirstUse({
  kplus: (): typeof kplus => require('cdk8s-plus-28'),
  cdk: (): typeof cdk => require('aws-cdk-lib'),
  eks: (): typeof eks => require('aws-cdk-lib/aws-eks'),
  iam: (): typeof iam => require('aws-cdk-lib/aws-iam'),
  kms: (): typeof kms => require('aws-cdk-lib/aws-kms'),
  secretsmanager: (): typeof secretsmanager => require('aws-cdk-lib/aws-secretsmanager'),
  regionInfo: (): typeof regionInfo => require('aws-cdk-lib/region-info'),
  /** The External Secrets Operator's CRDs (`external-secrets.io`). */
  eso: (): typeof eso => require('../imports/external-secrets.io'),
  /** Sealed Secrets' CRD (`bitnami.com`). */
  bitnami: (): typeof bitnami => require('../imports/bitnami.com'),
  /** The Secrets Store CSI driver's CRDs (`secrets-store.csi.x-k8s.io`). */
  csi: (): typeof csi => require('../imports/secrets-store.csi.x-k8s.io'),
  /** Argo CD's CRDs (`argoproj.io`). */
  argo: (): typeof argo => require('../imports/argoproj.io'),
  /** Flux's HelmRelease (`helm.toolkit.fluxcd.io`). */
  fluxHelm: (): typeof fluxHelm => require('../imports/helm.toolkit.fluxcd.io'),
  /** Flux's sources (`source.toolkit.fluxcd.io`). */
  fluxSource: (): typeof fluxSource => require('../imports/source.toolkit.fluxcd.io'),
  /** The bundled `yaml` (a runtime dependency of the package; see .projenrc.ts). */
  yaml: (): typeof yaml => require('yaml'),
  /** The rule pack of `SecretsChecks`. */
  rules: (): typeof rules => require('../checks/rules/pack'),
  /** The sealing batch and its helper threads (a program that seals nothing never loads them). */
  sealingPool: (): typeof sealingPool => require('../sealed/pool'),
});
