import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, join, relative } from 'node:path';
import type { DataCheckOptions } from '../lib/config/data-checks';
import { loadPlan } from '../lib/config/load-plan';
import type { MigrationPlan } from '../lib/config/migration-plan';
import { PlanError, type PlanIssue } from '../lib/config/plan-error';
import { expectedOneOf } from '../lib/config/suggest';
import type { PlanFile } from '../lib/report/synth-record';

/**
 * Reads `platform.yaml` and every `phase-*.yaml` of a plan folder and loads them. File access
 * stays in `bin/`; `lib/config` only parses the texts it is given. A missing folder or file is a
 * plan problem like any other: a `PlanError` that names it, never a Node stack trace.
 */
export function readPlanDir(dir: string, cwd = process.cwd(), options: DataCheckOptions = {}): MigrationPlan {
  return readPlanDirWithFiles(dir, cwd, options).plan;
}

/**
 * {@link readPlanDir}, and the files it read, byte for byte: the synth records their digest and
 * keeps a copy of them beside the assembly (`bin/synth-record.ts`).
 */
export function readPlanDirWithFiles(
  dir: string,
  cwd = process.cwd(),
  options: DataCheckOptions = {},
): { readonly plan: MigrationPlan; readonly files: readonly PlanFile[] } {
  const shown = (name?: string) => {
    const path = name ? join(dir, name) : dir;
    const fromCwd = relative(cwd, path);
    return fromCwd && !fromCwd.startsWith('..') ? fromCwd : path;
  };
  if (!existsSync(dir) || !statSync(dir).isDirectory()) {
    throw new PlanError([
      {
        file: shown(),
        path: [],
        message: `no such folder (-c plan=${dir}), expected a folder holding platform.yaml and phase-1.yaml onwards; ${expectedOneOf(basename(dir), planFoldersBeside(dir)).replace('expected one of', 'plan folders beside it')}`,
      },
    ]);
  }
  const phaseFiles = phaseFileNames(dir);
  if (!existsSync(join(dir, 'platform.yaml'))) {
    const issues: PlanIssue[] = [
      {
        file: shown('platform.yaml'),
        path: [],
        message:
          'missing, expected the platform file (environments, legacy data center, markets, locations, services) in the plan folder',
      },
    ];
    if (phaseFiles.length === 0) {
      issues.push({ file: shown(), path: [], message: 'no phase files, expected phase-1.yaml and onwards' });
    }
    throw new PlanError(issues);
  }
  const files = readPlanFiles(dir);
  const source = ({ name, bytes }: PlanFile) => ({ file: shown(name), text: Buffer.from(bytes).toString('utf8') });
  const [platform, ...phases] = files;
  return { plan: loadPlan(source(platform), phases.map(source), options), files };
}

/**
 * The files of a plan folder the synth reads, as bytes: `platform.yaml` (if there) first, then every
 * `phase-*.yaml` in number order. None for a folder that does not exist.
 */
export function readPlanFiles(dir: string): PlanFile[] {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) return [];
  const names = [...(existsSync(join(dir, 'platform.yaml')) ? ['platform.yaml'] : []), ...phaseFileNames(dir)];
  return names.map((name) => ({ name, bytes: readFileSync(join(dir, name)) }));
}

function phaseFileNames(dir: string): string[] {
  return readdirSync(dir)
    .filter((f) => /^phase-.*\.ya?ml$/.test(f))
    .sort((a, b) => a.localeCompare(b, 'en', { numeric: true }));
}

/** Folders beside `dir` that hold a plan, for a "did you mean" hint. */
function planFoldersBeside(dir: string): string[] {
  const parent = dirname(dir);
  if (!existsSync(parent)) return [];
  return readdirSync(parent, { withFileTypes: true })
    .filter((e) => e.isDirectory() && existsSync(join(parent, e.name, 'platform.yaml')))
    .map((e) => e.name);
}
