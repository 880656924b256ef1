import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cdkJsonContext, ROOT } from '../support/harness';

/** Runs bin/app.ts the way the CDK CLI does: context in CDK_CONTEXT_JSON, output in CDK_OUTDIR. */
function runApp(context: Record<string, unknown>) {
  const outdir = mkdtempSync(join(tmpdir(), 'migration-app-'));
  const result = spawnSync(join(ROOT, 'node_modules', '.bin', 'tsx'), ['bin/app.ts'], {
    cwd: ROOT,
    encoding: 'utf8',
    env: { ...process.env, CDK_OUTDIR: outdir, CDK_CONTEXT_JSON: JSON.stringify({ ...cdkJsonContext(), ...context }) },
  });
  const written = existsSync(outdir) ? readdirSync(outdir) : [];
  rmSync(outdir, { recursive: true, force: true });
  return { status: result.status, stderr: result.stderr, written };
}

describe('bin/app.ts', () => {
  test('fails if the plan is broken: every problem listed, exit 1, no template written', () => {
    // GIVEN a plan folder with three mistakes in two files
    // WHEN
    const { status, stderr, written } = runApp({ plan: 'test/fixtures/broken-plan' });
    // THEN
    expect(status).toBe(1);
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

  test('fails if -c env or -c phases names something the plan lacks', () => {
    const { status, stderr } = runApp({ env: 'qa', phases: '1,7' });
    expect(status).toBe(1);
    expect(stderr).toMatch(/-c phases: unknown phase "7", expected a comma-separated list of: 1, 2, 3/);
    expect(stderr).toMatch(/-c env: unknown environment "qa", expected one of: demo, staging, prod/);
  });
});
