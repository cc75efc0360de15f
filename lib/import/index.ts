export * from './fields';
export * from './read';
export * from './rows';
export * from './values';
