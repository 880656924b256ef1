import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readAssemblyDir } from '../../bin/read-assembly-dir';
import { readPlanFiles } from '../../bin/read-plan-dir';
import { assemblyPlanDir } from '../../bin/synth-record';
import { readAssembly } from '../../lib/report/assembly';
import { renderReport } from '../../lib/report/render-report';
import { planDigestOf } from '../../lib/report/synth-record';
import { cdkJsonContext, defaultPlan, ROOT } from '../support/harness';

/** How cdk.json runs the app (`node --import tsx`): one process, where the tsx CLI starts two. */
const node = (...args: string[]) => [process.execPath, ['--import', 'tsx', ...args]] as const;

/**
 * Runs bin/app.ts the way the CDK CLI does: context in CDK_CONTEXT_JSON, output in CDK_OUTDIR
 * (a fresh folder, removed after, unless one is given).
 */
function runApp(context: Record<string, unknown>, options: { outdir?: string; env?: NodeJS.ProcessEnv } = {}) {
  const outdir = options.outdir ?? mkdtempSync(join(tmpdir(), 'migration-app-'));
  const result = spawnSync(...node('bin/app.ts'), {
    cwd: ROOT,
    encoding: 'utf8',
    env: {
      ...process.env,
      ...options.env,
      CDK_OUTDIR: outdir,
      // The CLI adds `aws:cdk:path` metadata to templates unless --no-path-metadata; so does this.
      CDK_CONTEXT_JSON: JSON.stringify({ ...cdkJsonContext(), 'aws:cdk:enable-path-metadata': true, ...context }),
    },
  });
  const written = existsSync(outdir) ? readdirSync(outdir) : [];
  if (!options.outdir) rmSync(outdir, { recursive: true, force: true });
  return { status: result.status, stderr: result.stderr, written };
}

/** Runs `npm run report` (scripts/report.ts) with arguments. */
function runReport(...args: string[]) {
  const result = spawnSync(...node('scripts/report.ts', ...args), { cwd: ROOT, encoding: 'utf8' });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

const lastLine = (text: string) => text.trimEnd().split('\n').pop();

describe('bin/app.ts', () => {
  test('fails if the plan is broken: every problem listed, exit 1, no template written, no synth record left', () => {
    // GIVEN a plan folder with three mistakes in two files, and an output folder with an earlier synth's record
    const outdir = mkdtempSync(join(tmpdir(), 'migration-app-'));
    writeFileSync(join(outdir, 'synth.json'), '{"plan":"phases","summary":"Checks ran on 64 stacks"}');
    // WHEN
    const { status, stderr, written } = runApp({ plan: 'test/fixtures/broken-plan' }, { outdir });
    rmSync(outdir, { recursive: true, force: true });
    // THEN
    expect(status).toBe(1);
    expect(written).not.toContain('synth.json');
    expect(stderr).toMatch(
      /test\/fixtures\/broken-plan\/platform\.yaml:\d+: locations\[0\]\.region: unknown AWS region "us-west-9"/,
    );
    expect(stderr).toMatch(
      /test\/fixtures\/broken-plan\/phase-1\.yaml:\d+: locations\[0\]\.markets\[1\]: market "CN" may not have its data in "us-west-1"/,
    );
    expect(stderr).toMatch(
      /test\/fixtures\/broken-plan\/phase-2\.yaml:\d+: locations\[0\]\.vpcCidr: 10\.10\.0\.0\/16 overlaps/,
    );
    expect(written.filter((f) => f.endsWith('.template.json') || f.startsWith('assembly-'))).toEqual([]);
  });

  test('fails if -c env or -c phases names something the plan lacks, leaving no synth record', () => {
    const outdir = mkdtempSync(join(tmpdir(), 'migration-app-'));
    writeFileSync(join(outdir, 'synth.json'), '{"plan":"phases","summary":"Checks ran on 64 stacks"}');
    const { status, stderr, written } = runApp({ env: 'qa', phases: '1,7' }, { outdir });
    rmSync(outdir, { recursive: true, force: true });
    expect(status).toBe(1);
    expect(written).not.toContain('synth.json');
    expect(stderr).toMatch(/-c phases: unknown phase "7", expected a comma-separated list of: 1, 2, 3/);
    expect(stderr).toMatch(/-c env: unknown environment "qa", expected one of: demo, staging, prod/);
  });

  test("fails with a plan problem, not a stack trace, if the plan folder does not exist; npm run synth ends with the app's line", () => {
    // WHEN `npm run synth` (the CDK CLI, then the app) is given a plan folder that does not exist
    const result = spawnSync(...node('scripts/synth.ts', '-c', 'plan=phase'), { cwd: ROOT, encoding: 'utf8' });
    // THEN a plan problem with a hint, no stack trace, and the app's line last (not the CLI's
    // "node --import tsx bin/app.ts: Subprocess exited with error 1")
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/phase: \(document\): no such folder .*\(did you mean "phases"\?\)/);
    expect(result.stderr).not.toMatch(/\n\s+at /);
    expect(result.stderr).not.toMatch(/Subprocess exited with error/);
    expect(lastLine(result.stderr)).toBe(
      'Synth stopped: the plan in phase/ has 1 problem (listed above); no stack was built and no check ran.',
    );
  });
});

describe('a synth that passes, and the report on it', () => {
  let outdir: string;
  let run: ReturnType<typeof runApp>;
  beforeAll(() => {
    // GIVEN an output folder holding an earlier synth's leftovers (a stage and a stack it no longer has)
    outdir = mkdtempSync(join(tmpdir(), 'migration-app-'));
    mkdirSync(join(outdir, 'assembly-Phase9'));
    writeFileSync(join(outdir, 'assembly-Phase9', 'manifest.json'), '{}');
    mkdirSync(join(outdir, 'assembly-Phase1'));
    writeFileSync(join(outdir, 'assembly-Phase1', 'Phase1Transferapsoutheast1.template.json'), '{}');
    writeFileSync(join(outdir, 'REPORT.md'), '# the report of an earlier assembly');
    writeFileSync(join(outdir, 'notes.txt'), 'not the app’s');
    mkdirSync(join(outdir, 'plan'));
    writeFileSync(join(outdir, 'plan', 'phase-9.yaml'), 'phase: 9\n');
    // WHEN phase 1 synthesizes (the built-in validator off, to keep the test fast)
    run = runApp({ phases: '1' }, { outdir, env: { CDK_VALIDATION: 'false' } });
  });
  afterAll(() => rmSync(outdir, { recursive: true, force: true }));

  test('ends with one line saying which checks ran, on how much, and what they found', () => {
    expect(run.status).toBe(0);
    expect(lastLine(run.stderr)).toMatch(
      /^Checks ran on \d+ stacks \([\d,]+ resources\): Plan \(5 files\), AwsSolutions \(\d+ rules\), PCI\.DSS\.321 \(\d+ rules\), DataResidency \(23 rules\), CloudFormation Validate skipped: CDK_VALIDATION=false; no unacknowledged finding, \d+ acknowledged/,
    );
    const synth = JSON.parse(readFileSync(join(outdir, 'synth.json'), 'utf8'));
    expect(synth).toMatchObject({ environment: 'demo', phases: [1], strict: true, summary: lastLine(run.stderr) });
    // what each check's call took, for `npm run bench`; the plan is read before any construct exists
    expect(synth.checks.map((c: { name: string; seconds?: number }) => [c.name, typeof c.seconds])).toEqual([
      ['Plan', 'undefined'],
      ['AwsSolutions', 'number'],
      ['PCI.DSS.321', 'number'],
      ['DataResidency', 'number'],
    ]);
  });

  test('records the plan it read: the digest of its files in synth.json, and a copy of them in plan/', () => {
    const synth = JSON.parse(readFileSync(join(outdir, 'synth.json'), 'utf8'));
    const read = readPlanFiles(join(ROOT, 'phases'));
    expect(synth).toMatchObject({ plan: 'phases', ...planDigestOf(read) });
    // the copy is exactly this synth's plan: the earlier copy's phase 9 is gone
    expect(readdirSync(join(outdir, 'plan')).sort()).toEqual(read.map((f) => f.name).sort());
    for (const file of read) {
      expect(readFileSync(join(outdir, 'plan', file.name)).equals(Buffer.from(file.bytes))).toBe(true);
    }
    expect(assemblyPlanDir(outdir)).toBe(join(outdir, 'plan'));
  });

  test("removes the earlier synth's stacks and stages and its report, and nothing else", () => {
    expect(existsSync(join(outdir, 'assembly-Phase9'))).toBe(false);
    expect(existsSync(join(outdir, 'assembly-Phase1', 'Phase1Transferapsoutheast1.template.json'))).toBe(false);
    expect(existsSync(join(outdir, 'REPORT.md'))).toBe(false);
    expect(existsSync(join(outdir, 'notes.txt'))).toBe(true);
    expect(existsSync(join(outdir, 'assembly-Phase1', 'manifest.json'))).toBe(true);
    expect(run.stderr).toMatch(/Removed 2 file\(s\) of an earlier synth that no manifest lists: /);
    expect(run.stderr).toContain('assembly-Phase9/');
    expect(run.stderr).toContain('assembly-Phase1/Phase1Transferapsoutheast1.template.json');
  });

  test('the report on it lists every stack, the order and the routing against the plan', () => {
    const assembly = readAssembly(readAssemblyDir(outdir));
    const markdown = renderReport({ assembly, assemblyDir: outdir, plan: defaultPlan(), strict: true });
    for (const stack of ['Phase1/Data-us-west-1', 'Phase1/Service-ap-southeast-1', 'Phase1/Edge-us-east-1']) {
      expect(markdown).toContain(stack);
    }
    expect(markdown).toContain('**Deploy `Account/*` before `Phase1/*`**');
    expect(markdown).toMatch(/Routing: every market answer at \d+ public names matches the plan\./);
    expect(assembly.staleEntries).toEqual([]);
  });

  describe('against an earlier assembly', () => {
    let changed: string;
    const dataTemplate = () =>
      join(
        changed,
        'assembly-Phase1',
        readdirSync(join(changed, 'assembly-Phase1')).find(
          (f) => f.startsWith('Phase1Datauswest1') && f.endsWith('.template.json'),
        ) ?? '',
      );
    beforeEach(() => {
      changed = mkdtempSync(join(tmpdir(), 'migration-changed-'));
      cpSync(outdir, changed, { recursive: true });
    });
    afterEach(() => rmSync(changed, { recursive: true, force: true }));

    test('npm run report exits 2 and names the database when its construct is renamed', () => {
      // GIVEN ShopDatabase renamed to OrdersDatabase: a new construct path, so a new logical ID
      const file = dataTemplate();
      const text = readFileSync(file, 'utf8');
      const [clusterId] = Object.entries(JSON.parse(text).Resources as Record<string, { Type: string }>).find(
        ([, r]) => r.Type === 'AWS::RDS::DBCluster',
      ) ?? [''];
      writeFileSync(
        file,
        text
          .replaceAll(clusterId, 'OrdersDatabaseCluster0A1B2C3D')
          .replaceAll('/ShopDatabase/Cluster/', '/OrdersDatabase/Cluster/'),
      );
      // WHEN
      const { status, stdout } = runReport('--out', changed, '--against', outdir);
      // THEN
      expect(status).toBe(2);
      expect(stdout).toMatch(
        /AT RISK: Phase1\/Data-us-west-1\/ShopDatabase\/Cluster\/Resource \(AWS::RDS::DBCluster\) removed/,
      );
      expect(readFileSync(join(changed, 'REPORT.md'), 'utf8')).toContain('> [!CAUTION]');
    });

    test('npm run report exits 0 on a harmless change', () => {
      // GIVEN a longer backup retention on the cluster
      const file = dataTemplate();
      writeFileSync(
        file,
        readFileSync(file, 'utf8').replace('"BackupRetentionPeriod": 14', '"BackupRetentionPeriod": 21'),
      );
      // WHEN
      const { status, stdout } = runReport('--out', changed, '--against', outdir);
      // THEN
      expect(status).toBe(0);
      expect(stdout).toMatch(
        /resources 0 replaced, 0 possibly replaced, 0 removed, 0 added, 1 modified\. No stateful resource is replaced or deleted\./,
      );
    });
  });
});
