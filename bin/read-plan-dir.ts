import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { loadPlan } from '../lib/config/load-plan';
import type { MigrationPlan } from '../lib/config/migration-plan';

/**
 * Reads `platform.yaml` and every `phase-*.yaml` of a plan folder and loads them. File access
 * stays in `bin/`; `lib/config` only parses the texts it is given.
 */
export function readPlanDir(dir: string, cwd = process.cwd()): MigrationPlan {
  const source = (name: string) => ({
    file: relative(cwd, join(dir, name)) || name,
    text: readFileSync(join(dir, name), 'utf8'),
  });
  const phaseFiles = readdirSync(dir)
    .filter((f) => /^phase-.*\.ya?ml$/.test(f))
    .sort((a, b) => a.localeCompare(b, 'en', { numeric: true }));
  return loadPlan(source('platform.yaml'), phaseFiles.map(source));
}
