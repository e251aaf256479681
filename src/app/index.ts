export * from './cluster-target-options';
export * from './cluster-target';
export * from './secrets-app';
export * from './suppressions';
