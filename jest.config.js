/** Tests transform with swc (no type-check inside jest; `npm run build` type-checks once). */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: {
    '^.+\\.tsx?$': ['@swc/jest'],
  },
  setupFilesAfterEnv: ['aws-cdk-lib/testhelpers/jest-autoclean'],
  // A folder per run, where the default plan is synthesized once for every file (harness: defaultAssembly).
  globalSetup: '<rootDir>/test/support/global-setup.ts',
  globalTeardown: '<rootDir>/test/support/global-teardown.ts',
  // Slowest first, the second worker starting on a file that does not wait for that assembly.
  testSequencer: '<rootDir>/test/support/sequencer.cjs',
  snapshotSerializers: ['<rootDir>/test/support/mask-asset-hashes.ts'],
  // Each file synthesizes its phases once; two workers on two cores.
  maxWorkers: 2,
  testTimeout: 120_000,
};
