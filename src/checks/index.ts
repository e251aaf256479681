export * from './finding';
export * from './secrets-checks';
