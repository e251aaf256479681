export * from './certificate';
export * from './controller';
export * from './resealing';
export * from './sealed-secret';
export * from './value';
