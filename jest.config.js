// Two tiers: `unit` (pure logic, no I/O, *.unit.test.ts beside the code) and `integration`
// (*.int.test.ts and test/**/*.e2e.test.ts against a real Kafka, schema registry and Redis, which
// test/src/jest-global-setup.ts finds or starts).
const transform = {
  '^.+\\.ts$': [
    '@swc/jest',
    { jsc: { parser: { syntax: 'typescript' }, target: 'es2023' }, module: { type: 'es6' } },
  ],
};
const common = {
  transform,
  extensionsToTreatAsEsm: ['.ts'],
  testEnvironment: 'node',
  moduleFileExtensions: ['ts', 'js', 'json'],
  testPathIgnorePatterns: ['/node_modules/', '/.local/'],
};

export default {
  // Integration tests wait on real brokers; a unit test that needs this long is broken anyway.
  testTimeout: 180_000,
  projects: [
    { ...common, displayName: 'unit', testMatch: ['<rootDir>/**/*.unit.test.ts'] },
    {
      ...common,
      displayName: 'integration',
      testMatch: ['<rootDir>/**/*.int.test.ts', '<rootDir>/test/**/*.e2e.test.ts'],
      globalSetup: '<rootDir>/test/src/jest-global-setup.ts',
    },
  ],
};
