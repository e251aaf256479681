export * from './secrets-manager-entry';
