export * from './artifact';
export * from './produced-secret';
