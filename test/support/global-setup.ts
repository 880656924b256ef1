/**
 * Jest's global setup: synthesizes the default plan once for the whole run (every check on, as
 * `cdk synth` runs them), so test files that only read its templates read this assembly instead of
 * synthesizing it again each (`defaultAssembly()` in the harness).
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_ASSEMBLY_ENV, synthesizeDefault } from './harness';

export default function globalSetup(): void {
  const directory = mkdtempSync(join(tmpdir(), 'default-assembly-'));
  synthesizeDefault(directory);
  // Workers start after this and inherit the environment.
  process.env[DEFAULT_ASSEMBLY_ENV] = directory;
}
