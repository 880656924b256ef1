import { rmSync } from 'node:fs';
import { DEFAULT_ASSEMBLY_ENV } from './harness';

export default function globalTeardown(): void {
  const directory = process.env[DEFAULT_ASSEMBLY_ENV];
  if (directory) rmSync(directory, { recursive: true, force: true });
}
