export * from './charts';
export * from './delivery';
export * from './helm-install';
