export * from './consumer-options';
export * from './consumer';
export * from './kubernetes-secret';
export * from './reloader';
export * from './canonical-form';
export * from './secret-read-grant';
