export * from './aws-object';
export * from './install';
export * from './secret-provider-class';
export * from './synced-secret';
