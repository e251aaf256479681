export * from './certificate';
export * from './install';
export * from './resealing';
export * from './sealed-secret';
export * from './value';
