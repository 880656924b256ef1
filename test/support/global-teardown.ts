import { rmSync } from 'node:fs';
import { RUN_DIR_ENV } from './harness';

export default function globalTeardown(): void {
  const directory = process.env[RUN_DIR_ENV];
  if (directory) rmSync(directory, { recursive: true, force: true });
}
