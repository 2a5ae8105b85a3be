/** The training plan: schema, the one defaults file, merging, and the editable fields (browser-safe). */
export * from './network.js';
export * from './schema.js';
export * from './defaults.js';
export * from './merge.js';
export * from './fields.js';
