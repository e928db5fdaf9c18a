export { parseConfig, loadConfigOrExit, ConfigError, processEnvironment } from './parse-config.ts';
export { Secret } from './secret.ts';
export * from './settings.ts';
