/**
 * Jest's global setup: a folder of this test run's own, where the first test file that needs the
 * default plan's assembly synthesizes it once for every other (`defaultAssembly()` in the harness).
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RUN_DIR_ENV } from './harness';

export default function globalSetup(): void {
  // Workers start after this and inherit the environment.
  process.env[RUN_DIR_ENV] = mkdtempSync(join(tmpdir(), 'migration-test-run-'));
}
