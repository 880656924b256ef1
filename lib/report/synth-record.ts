/**
 * Which plan an assembly was synthesized from, and whether the plan on disk is still that plan.
 * Pure: `bin/synth-record.ts` reads and writes the files; this only hashes and compares.
 *
 * Why: `npm run report` reads the assembly and the plan folder separately. After a failed synth,
 * or after a plan edit not synthesized yet, the folder still holds an earlier assembly, and a
 * report on it would say "matches the plan" about a plan that did not produce it.
 */
import { createHash } from 'node:crypto';
import type { Assembly, SynthRecord } from './assembly';

/** One file of a plan folder, exactly as the synth read it. */
export interface PlanFile {
  /** Its name inside the plan folder (`platform.yaml`, `phase-2.yaml`). */
  readonly name: string;
  readonly bytes: Uint8Array;
}

/** What `synth.json` records about the plan: an overall digest and one per file. */
export type PlanDigest = Required<Pick<SynthRecord, 'planDigest' | 'planFiles'>>;

/**
 * The digest of a plan's files: sha256 over each file's name and bytes, in name order (each
 * name and length before its bytes, so no two sets of files hash alike); and each file's own
 * sha256, so a difference can be named.
 */
export function planDigestOf(files: readonly PlanFile[]): PlanDigest {
  const sorted = [...files].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const all = createHash('sha256');
  const planFiles: Record<string, string> = {};
  for (const file of sorted) {
    all.update(`${file.name}\0${file.bytes.byteLength}\0`);
    all.update(file.bytes);
    planFiles[file.name] = createHash('sha256').update(file.bytes).digest('hex');
  }
  return { planDigest: `sha256:${all.digest('hex')}`, planFiles };
}

/** The files that differ between a recorded plan and the files now, each list in the order the synth reads them. */
export interface PlanDifferences {
  readonly changed: readonly string[];
  readonly added: readonly string[];
  readonly gone: readonly string[];
}

/** How the plan files now differ from those a synth recorded (all empty when they are the same). */
export function planDifferences(recorded: Readonly<Record<string, string>>, now: PlanDigest): PlanDifferences {
  const names = [...new Set([...Object.keys(recorded), ...Object.keys(now.planFiles)])].sort(byPlanOrder);
  return {
    changed: names.filter(
      (n) => recorded[n] !== undefined && now.planFiles[n] !== undefined && recorded[n] !== now.planFiles[n],
    ),
    added: names.filter((n) => recorded[n] === undefined),
    gone: names.filter((n) => now.planFiles[n] === undefined),
  };
}

/** `platform.yaml, phase-2.yaml differ; phase-5.yaml is new`. */
export function describePlanDifferences({ changed, added, gone }: PlanDifferences): string {
  const verb = (names: readonly string[], one: string, many: string) =>
    names.length === 0 ? [] : [`${names.join(', ')} ${names.length === 1 ? one : many}`];
  const parts = [
    ...verb(changed, 'differs', 'differ'),
    ...verb(added, 'is new', 'are new'),
    ...verb(gone, 'is gone', 'are gone'),
  ];
  // Same files, yet another digest: the record was edited by hand.
  return parts.length > 0 ? parts.join('; ') : 'same files, but not the recorded digest';
}

function byPlanOrder(a: string, b: string): number {
  const rank = (name: string) => (name.startsWith('platform.') ? 0 : 1);
  return rank(a) - rank(b) || a.localeCompare(b, 'en', { numeric: true });
}

/** What {@link synthRecordRefusal} needs to know about the folders, read by the caller. */
export interface SynthRecordCheck {
  /** The assembly folder as the user named it (`cdk.out`). */
  readonly assemblyDir: string;
  readonly assembly: Assembly;
  /** `--plan DIR`, if given. */
  readonly planOption?: string;
  /** The digest of the plan folder's files now (the one `--plan` names, else the one the synth read). */
  readonly planNow: (planDir: string) => PlanDigest;
  /** Whether two folder names are the same folder. */
  readonly sameFolder: (a: string, b: string) => boolean;
}

/**
 * Why the report must not read this assembly against the plan on disk, or undefined when the
 * plan on disk produced it: a folder with no synth record (the last synth failed, stopped, or was
 * not this app's), a record that does not say which plan it read (an earlier app version), or a
 * plan whose files changed since. One line, ending with the command that fixes it.
 */
export function synthRecordRefusal(check: SynthRecordCheck): string | undefined {
  const { assemblyDir, assembly, planOption } = check;
  const synth = assembly.synth;
  const rerun = (planDir: string) =>
    [
      'npx cdk synth',
      check.sameFolder(planDir, 'phases') ? '' : ` -c plan=${planDir}`,
      check.sameFolder(assemblyDir, 'cdk.out') ? '' : ` -o ${assemblyDir}`,
    ].join('');
  if (!synth) {
    return `${assemblyDir} has no synth record: the last synth failed or did not run; run ${rerun(planOption ?? 'phases')}`;
  }
  if (synth.planDigest === undefined || synth.planFiles === undefined) {
    return `${assemblyDir}/synth.json does not say which plan produced it (an earlier version of the app wrote it); run ${rerun(planOption ?? synth.plan)}`;
  }
  const planDir = planOption ?? synth.plan;
  const now = check.planNow(planDir);
  if (now.planDigest === synth.planDigest) return undefined;
  const listed = `(${describePlanDifferences(planDifferences(synth.planFiles, now))})`;
  if (!check.sameFolder(planDir, synth.plan)) {
    return `the plan in ${slashed(planDir)} is not the plan ${assemblyDir} was synthesized from, ${slashed(synth.plan)} ${listed}; run ${rerun(planDir)} first`;
  }
  return `the plan in ${slashed(planDir)} changed since ${assemblyDir} was synthesized ${listed}; run ${rerun(planDir)} first`;
}

function slashed(dir: string): string {
  return dir.endsWith('/') ? dir : `${dir}/`;
}
