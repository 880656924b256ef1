import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readPlanDir } from '../../bin/read-plan-dir';
import { formatIssue, PlanError } from '../../lib/config/plan-error';
import { ROOT } from '../support/harness';

/** The formatted problems readPlanDir reports for a folder, or [] if it loads. */
function problems(dir: string, cwd = ROOT): string[] {
  try {
    readPlanDir(dir, cwd);
    return [];
  } catch (error) {
    if (!(error instanceof PlanError)) throw error;
    return error.issues.map(formatIssue);
  }
}

describe('readPlanDir', () => {
  test('fails with a plan problem, not a stack trace, if the folder does not exist, and suggests the one that does', () => {
    expect(problems('phase')).toEqual([
      'phase: (document): no such folder (-c plan=phase), expected a folder holding platform.yaml and phase-1.yaml onwards; plan folders beside it: phases (did you mean "phases"?)',
    ]);
  });

  test('fails if the folder is empty: no platform file, no phase file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'empty-plan-'));
    expect(problems(dir)).toEqual([
      expect.stringMatching(/platform\.yaml: \(document\): missing, expected the platform file/),
      expect.stringMatching(/: \(document\): no phase files, expected phase-1\.yaml and onwards$/),
    ]);
  });

  test('fails if the platform file is missing beside phase files', () => {
    const dir = mkdtempSync(join(tmpdir(), 'half-plan-'));
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'phase-1.yaml'), 'phase: 1\n');
    expect(problems(dir)).toEqual([expect.stringMatching(/platform\.yaml: \(document\): missing/)]);
  });
});
