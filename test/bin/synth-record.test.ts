import { spawnSync } from 'node:child_process';
import { appendFileSync, cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readPlanFiles } from '../../bin/read-plan-dir';
import { assemblyPlanDir, writeSynthRecord } from '../../bin/synth-record';
import type { Assembly, SynthRecord } from '../../lib/report/assembly';
import {
  type PlanDigest,
  planDifferences,
  planDigestOf,
  type SynthRecordCheck,
  synthRecordRefusal,
} from '../../lib/report/synth-record';

const ROOT = join(__dirname, '..', '..');
const SMALL_DIR = join(ROOT, 'test', 'fixtures', 'assemblies', 'small');
const bytes = (text: string) => Buffer.from(text, 'utf8');

/** A record as the app writes it, for the plan in `planDir`. */
const record = (planDir: string): Omit<SynthRecord, 'planDigest' | 'planFiles'> => ({
  plan: planDir,
  environment: 'demo',
  phases: [1],
  strict: true,
  checks: [],
  skipped: [],
  removedStale: [],
  summary: 'Checks ran on 3 stacks (26 resources): ...',
});

describe('planDigestOf', () => {
  const plan = [
    { name: 'platform.yaml', bytes: bytes('markets: []\n') },
    { name: 'phase-1.yaml', bytes: bytes('phase: 1\n') },
  ];

  test('hashes names and bytes, whatever order the files come in', () => {
    const digest = planDigestOf(plan);
    expect(digest.planDigest).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(planDigestOf([...plan].reverse())).toEqual(digest);
    expect(Object.keys(digest.planFiles)).toEqual(['phase-1.yaml', 'platform.yaml']);
  });

  test.each([
    ['a byte changes', [plan[0], { name: 'phase-1.yaml', bytes: bytes('phase: 1 \n') }]],
    ['a file is renamed', [plan[0], { name: 'phase-2.yaml', bytes: plan[1].bytes }]],
    ['a file is added', [...plan, { name: 'phase-2.yaml', bytes: bytes('') }]],
    [
      'bytes move from one file to the next',
      [plan[0], { name: 'phase-1.yaml', bytes: bytes('phase: 1\nmarkets: []\n') }],
    ],
  ])('differs if %s', (_, files) => {
    expect(planDigestOf(files).planDigest).not.toBe(planDigestOf(plan).planDigest);
  });

  test('names what differs: changed, new and gone files, platform first, phases in number order', () => {
    const before = planDigestOf([
      ...plan,
      { name: 'phase-2.yaml', bytes: bytes('phase: 2\n') },
      { name: 'phase-10.yaml', bytes: bytes('phase: 10\n') },
    ]);
    const now = planDigestOf([
      { name: 'platform.yaml', bytes: bytes('markets: [IN]\n') },
      { name: 'phase-1.yaml', bytes: bytes('phase: 1\n') },
      { name: 'phase-10.yaml', bytes: bytes('phase: 10, edited\n') },
      { name: 'phase-3.yaml', bytes: bytes('phase: 3\n') },
    ]);
    expect(planDifferences(before.planFiles, now)).toEqual({
      changed: ['platform.yaml', 'phase-10.yaml'],
      added: ['phase-3.yaml'],
      gone: ['phase-2.yaml'],
    });
  });
});

describe('synthRecordRefusal', () => {
  const planV1 = planDigestOf([
    { name: 'platform.yaml', bytes: bytes('v1') },
    { name: 'phase-1.yaml', bytes: bytes('v1') },
    { name: 'phase-2.yaml', bytes: bytes('v1') },
  ]);
  const planV2 = planDigestOf([
    { name: 'platform.yaml', bytes: bytes('v2') },
    { name: 'phase-1.yaml', bytes: bytes('v1') },
    { name: 'phase-2.yaml', bytes: bytes('v2') },
  ]);
  const check = (
    synth: SynthRecord | undefined,
    plans: Record<string, PlanDigest>,
    more: Partial<SynthRecordCheck> = {},
  ): string | undefined =>
    synthRecordRefusal({
      assemblyDir: 'cdk.out',
      assembly: { stacks: [], staleEntries: [], synth } as Assembly,
      planNow: (dir) => plans[dir] ?? planDigestOf([]),
      sameFolder: (a, b) => a.replace(/\/$/, '') === b.replace(/\/$/, ''),
      ...more,
    });
  const synthOf = (planDir: string, digest: PlanDigest): SynthRecord => ({ ...record(planDir), ...digest });

  test('accepts an assembly whose plan folder holds the files it was synthesized from', () => {
    expect(check(synthOf('phases', planV1), { phases: planV1 })).toBeUndefined();
    expect(check(synthOf('phases', planV1), { elsewhere: planV1 }, { planOption: 'elsewhere' })).toBeUndefined();
  });

  test('fails if there is no synth record: the last synth failed or did not run', () => {
    expect(check(undefined, { phases: planV1 })).toBe(
      'cdk.out has no synth record: the last synth failed or did not run; run npx cdk synth',
    );
    expect(check(undefined, {}, { assemblyDir: 'kept.out', planOption: 'test/plan' })).toBe(
      'kept.out has no synth record: the last synth failed or did not run; run npx cdk synth -c plan=test/plan -o kept.out',
    );
  });

  test('fails if the record does not say which plan produced it (an earlier app version)', () => {
    expect(check(record('phases') as SynthRecord, { phases: planV1 })).toBe(
      'cdk.out/synth.json does not say which plan produced it (an earlier version of the app wrote it); run npx cdk synth',
    );
  });

  test('fails if the plan changed since, naming the files', () => {
    expect(check(synthOf('phases', planV1), { phases: planV2 })).toBe(
      'the plan in phases/ changed since cdk.out was synthesized (platform.yaml, phase-2.yaml differ); run npx cdk synth first',
    );
    const withPhase3 = planDigestOf([
      { name: 'platform.yaml', bytes: bytes('v1') },
      { name: 'phase-1.yaml', bytes: bytes('v1') },
      { name: 'phase-3.yaml', bytes: bytes('v1') },
    ]);
    expect(check(synthOf('plans/b', planV1), { 'plans/b': withPhase3 })).toBe(
      'the plan in plans/b/ changed since cdk.out was synthesized (phase-3.yaml is new; phase-2.yaml is gone); run npx cdk synth -c plan=plans/b first',
    );
  });

  test('fails if --plan names a folder that is not the plan the assembly was synthesized from', () => {
    expect(check(synthOf('phases', planV1), { other: planV2 }, { planOption: 'other' })).toBe(
      'the plan in other/ is not the plan cdk.out was synthesized from, phases/ (platform.yaml, phase-2.yaml differ); run npx cdk synth -c plan=other first',
    );
  });
});

describe('the plan files a synth read, and their copy', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'synth-record-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  test('readPlanFiles reads the files the synth loads, byte for byte: platform first, phases in number order', () => {
    // GIVEN a plan folder with phases 1, 2 and 10, and files the synth does not read
    for (const name of ['phase-10.yaml', 'phase-2.yaml', 'platform.yaml', 'phase-1.yml', 'notes.md']) {
      writeFileSync(join(dir, name), `# ${name}\r\n`);
    }
    // WHEN
    const files = readPlanFiles(dir);
    // THEN
    expect(files.map((f) => f.name)).toEqual(['platform.yaml', 'phase-1.yml', 'phase-2.yaml', 'phase-10.yaml']);
    expect(Buffer.from(files[0].bytes).equals(readFileSync(join(dir, 'platform.yaml')))).toBe(true);
    expect(readPlanFiles(join(dir, 'missing'))).toEqual([]);
  });

  test('assemblyPlanDir finds the copy a record vouches for, and nothing in a folder without one', () => {
    // GIVEN an assembly folder with no record
    expect(assemblyPlanDir(dir)).toBeUndefined();
    // ... one with a record of an earlier app version (no digest)
    writeFileSync(join(dir, 'synth.json'), JSON.stringify(record('phases')));
    expect(assemblyPlanDir(dir)).toBeUndefined();
    // WHEN a synth records its plan
    const planDir = join(ROOT, 'phases');
    writeSynthRecord(dir, record(planDir), readPlanFiles(planDir));
    // THEN
    expect(assemblyPlanDir(dir)).toBe(join(dir, 'plan'));
    expect(planDigestOf(readPlanFiles(join(dir, 'plan')))).toEqual(planDigestOf(readPlanFiles(planDir)));
  });

  test('assemblyPlanDir fails if the copy is not the plan its record names', () => {
    const planDir = join(ROOT, 'phases');
    writeSynthRecord(dir, record(planDir), readPlanFiles(planDir));
    appendFileSync(join(dir, 'plan', 'phase-1.yaml'), '# edited\n');
    expect(() => assemblyPlanDir(dir)).toThrow(
      /plan\/ is not the plan .*synth\.json records \(phase-1\.yaml differs\)/,
    );
  });
});

describe('npm run report refuses an assembly the plan on disk did not produce', () => {
  let out: string;
  let plan: string;
  const runReport = (...args: string[]) =>
    spawnSync(process.execPath, ['--import', 'tsx', 'scripts/report.ts', '--out', out, ...args], {
      cwd: ROOT,
      encoding: 'utf8',
    });
  beforeEach(() => {
    // GIVEN the small fixture assembly, recorded as a synth of a copy of phases/
    out = mkdtempSync(join(tmpdir(), 'report-out-'));
    plan = mkdtempSync(join(tmpdir(), 'report-plan-'));
    cpSync(SMALL_DIR, out, { recursive: true });
    cpSync(join(ROOT, 'phases'), plan, { recursive: true });
    writeSynthRecord(out, record(plan), readPlanFiles(plan));
  });
  afterEach(() => {
    rmSync(out, { recursive: true, force: true });
    rmSync(plan, { recursive: true, force: true });
  });

  test('exits 0 on an assembly of the plan on disk', () => {
    const { status, stderr } = runReport();
    expect(stderr).toBe('');
    expect(status).toBe(0);
  });

  test('exits 1 with one line if the assembly has no synth record (a failed synth)', () => {
    rmSync(join(out, 'synth.json'));
    const { status, stdout, stderr } = runReport();
    expect(status).toBe(1);
    expect(stdout).toBe('');
    expect(stderr).toBe(
      `npm run report: ${out} has no synth record: the last synth failed or did not run; run npx cdk synth -o ${out}\n`,
    );
  });

  test('exits 1 with one line if the plan changed since the synth', () => {
    appendFileSync(join(plan, 'phase-2.yaml'), '# an edit not synthesized yet\n');
    const { status, stdout, stderr } = runReport();
    expect(status).toBe(1);
    expect(stdout).toBe('');
    expect(stderr).toBe(
      `npm run report: the plan in ${plan}/ changed since ${out} was synthesized (phase-2.yaml differs); run npx cdk synth -c plan=${plan} -o ${out} first\n`,
    );
  });
});
