/**
 * Plan edits as the runbook writes them: each step is a list of edits of the plan's files, applied
 * on top of the steps before it, and each step's plan is judged against the previous one as the
 * transition gate judges a deploy over what is deployed. No synth: the plan decides these answers.
 */
import { parseDocument } from 'yaml';
import { loadPlan, type PlanSource } from '../../lib/config/load-plan';
import type { MigrationPlan } from '../../lib/config/migration-plan';
import { comparePlans, type PlanTransition } from '../../lib/report/plan-transitions';
import { defaultPlanSources } from '../support/harness';

type Doc = ReturnType<typeof parseDocument>;

/** One edit of one plan file (`platform`, `phase-3`...): a YAML document change, or a new file. */
export interface PlanEdit {
  readonly file: string;
  readonly edit?: (doc: Doc) => void;
  /** The whole text of a new file. */
  readonly text?: string;
}

export const set = (file: string, path: (string | number)[], value: unknown): PlanEdit => ({
  file,
  edit: (doc) => doc.setIn(path, value),
});
export const add = (file: string, path: (string | number)[], value: unknown): PlanEdit => ({
  file,
  edit: (doc) => doc.addIn(path, value),
});
export const newFile = (file: string, text: string): PlanEdit => ({ file, text });

/** The default plan's sources with edits applied, in order. */
export function sourcesWith(edits: readonly PlanEdit[]): { platform: PlanSource; phases: PlanSource[] } {
  const { platform, phases } = defaultPlanSources();
  const files = new Map([platform, ...phases].map((s) => [s.file, s.text]));
  for (const e of edits) {
    const name = `phases/${e.file}.yaml`;
    if (e.text !== undefined) {
      files.set(name, e.text);
      continue;
    }
    const text = files.get(name);
    if (text === undefined) throw new Error(`no plan file ${name}`);
    const doc = parseDocument(text);
    e.edit?.(doc);
    files.set(name, doc.toString());
  }
  const source = (file: string) => ({ file, text: files.get(file) as string });
  const phaseFiles = [...files.keys()].filter((f) => f !== platform.file).sort();
  return { platform: source(platform.file), phases: phaseFiles.map(source) };
}

/** The default plan with edits applied, loaded as synth loads it (a plan error throws). */
export function planWith(edits: readonly PlanEdit[]): MigrationPlan {
  const { platform, phases } = sourcesWith(edits);
  return loadPlan(platform, phases);
}

/** One step of a recipe: what the runbook calls it, and its edits. */
export interface Step {
  readonly name: string;
  readonly edits: readonly PlanEdit[];
}

/** Each step's plan against the one before it (the first against the default plan). */
export function walk(steps: readonly Step[]): { step: string; transition: PlanTransition }[] {
  let deployed = planWith([]);
  const done: PlanEdit[] = [];
  return steps.map((step) => {
    done.push(...step.edits);
    const next = planWith(done);
    const transition = comparePlans(deployed, next);
    deployed = next;
    return { step: step.name, transition };
  });
}

/** The refusals of a walk, one line each: `step: rule market service`. */
export function refusalsOf(result: ReturnType<typeof walk>): string[] {
  return result.flatMap(({ step, transition }) =>
    transition.refusals.map((r) => `${step}: ${r.rule} ${r.market ?? '-'} ${r.service ?? '-'}`),
  );
}
