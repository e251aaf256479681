export * from './core';
export * from './install';
export * from './identity';
export * from './aws';
export * from './eso';
export * from './sealed';
export * from './vault';
export * from './workloads';
export * from './csi';
export * from './encryption';
export * from './checks';
export * from './app';

// Generated L1 types from the upstream CRDs (served API versions only), one namespace per API group.
export * as eso from './imports/external-secrets.io';
export * as esoGenerators from './imports/generators.external-secrets.io';
export * as sealed from './imports/bitnami.com';
export * as csi from './imports/secrets-store.csi.x-k8s.io';
export * as argocd from './imports/argoproj.io';
export * as fluxHelm from './imports/helm.toolkit.fluxcd.io';
export * as fluxSource from './imports/source.toolkit.fluxcd.io';
