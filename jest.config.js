/** Tests transform with swc (no type-check inside jest; `npm run build` type-checks once). */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: {
    '^.+\\.tsx?$': ['@swc/jest'],
  },
  setupFilesAfterEnv: ['aws-cdk-lib/testhelpers/jest-autoclean'],
  snapshotSerializers: ['<rootDir>/test/support/mask-asset-hashes.ts'],
  // Each file synthesizes its phases once; two workers on two cores.
  maxWorkers: 2,
  testTimeout: 120_000,
};
