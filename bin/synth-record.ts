import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { type Assembly, AssemblyError, PLAN_COPY_DIR, type SynthRecord } from '../lib/report/assembly';
import {
  describePlanDifferences,
  type PlanFile,
  planDifferences,
  planDigestOf,
  synthRecordRefusal,
} from '../lib/report/synth-record';
import { readPlanFiles } from './read-plan-dir';

/**
 * The record a synth leaves in its assembly folder, and the checks on it: file access for
 * `lib/report/synth-record.ts`, which hashes and compares.
 *
 * The app removes `synth.json` before it reads the plan, and writes it again (after the copy of
 * the plan in `plan/`) only when the synth passed; so a folder whose last synth stopped (a plan
 * error, a failing check, an exception) has no record, and the report refuses it.
 */

const RECORD = 'synth.json';

/** Removes the previous synth's record from an assembly folder: called first thing in a synth. */
export function clearSynthRecord(assemblyDir: string): void {
  rmSync(join(assemblyDir, RECORD), { force: true });
}

/**
 * Writes a passing synth's record: first `plan/`, a copy of the plan files exactly as the synth
 * read them (what was there before goes: the copy is this synth's plan and nothing else), then
 * `synth.json` with their digest, renamed into place so it is whole or absent.
 */
export function writeSynthRecord(
  assemblyDir: string,
  record: Omit<SynthRecord, 'planDigest' | 'planFiles'>,
  planFiles: readonly PlanFile[],
): SynthRecord {
  const copy = join(assemblyDir, PLAN_COPY_DIR);
  // A synth of the copy itself (`-c plan=cdk.out/plan`) already has it in place.
  if (resolve(copy) !== resolve(record.plan)) {
    rmSync(copy, { recursive: true, force: true });
    mkdirSync(copy, { recursive: true });
    for (const file of planFiles) writeFileSync(join(copy, file.name), file.bytes);
  }
  const full: SynthRecord = { ...record, ...planDigestOf(planFiles) };
  const file = join(assemblyDir, RECORD);
  writeFileSync(`${file}.tmp`, `${JSON.stringify(full, null, 2)}\n`);
  renameSync(`${file}.tmp`, file);
  return full;
}

/**
 * The folder holding the copy of the plan an assembly was synthesized from (`<dir>/plan`), for
 * comparing two plans; undefined when the assembly has no record of one (no `synth.json`, or one
 * written by an app version before the copy existed). Throws an {@link AssemblyError} when the
 * copy is not the plan its record names (a file edited, added or removed since the synth).
 */
export function assemblyPlanDir(dir: string): string | undefined {
  const recordFile = join(dir, RECORD);
  if (!existsSync(recordFile)) return undefined;
  let record: SynthRecord;
  try {
    record = JSON.parse(readFileSync(recordFile, 'utf8')) as SynthRecord;
  } catch (error) {
    throw new AssemblyError(`${recordFile} is not valid JSON: ${(error as Error).message}`);
  }
  const copy = join(dir, PLAN_COPY_DIR);
  if (!record.planFiles || !record.planDigest || !existsSync(copy) || !statSync(copy).isDirectory()) {
    return undefined;
  }
  const now = planDigestOf(readPlanFiles(copy));
  if (now.planDigest !== record.planDigest) {
    throw new AssemblyError(
      `${copy}/ is not the plan ${recordFile} records (${describePlanDifferences(planDifferences(record.planFiles, now))})`,
    );
  }
  return copy;
}

/**
 * Why `npm run report` must refuse the assembly in `assemblyDir` (one line), or undefined when the
 * plan on disk produced it: the plan folder `--plan` names, else the one the synth read.
 */
export function refuseUnrecordedAssembly(
  assemblyDir: string,
  assembly: Assembly,
  planOption?: string,
): string | undefined {
  return synthRecordRefusal({
    assemblyDir,
    assembly,
    planOption,
    planNow: (planDir) => planDigestOf(readPlanFiles(planDir)),
    sameFolder: (a, b) => resolve(a) === resolve(b),
  });
}
