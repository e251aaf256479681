export * from './auth';
export * from './provider';
export * from './remote-ref';
export * from './store';
export * from './external-secret';
export * from './install';
export * from './push-secret';
export * from './store-role';
