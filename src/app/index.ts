export * from './cluster-target';
export * from './secrets-app';
export * from './suppressions';
