import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { formatValidationFailures, readValidationFailures } from '../../lib/report/validation-failures';

/** An assembly folder holding a validation report with one error and one warning. */
function assemblyWithReport(): string {
  const dir = mkdtempSync(join(tmpdir(), 'assembly-'));
  const violation = (ruleName: string, severity: string, path: string) => ({
    ruleName,
    description: `${ruleName} broken`,
    severity,
    violatingConstructs: [{ constructPath: path }],
  });
  writeFileSync(
    join(dir, 'validation-report.json'),
    JSON.stringify({
      pluginReports: [
        {
          pluginName: 'DataResidency',
          conclusion: 'failure',
          violations: [
            violation(
              'DataResidency-DataStoreLocation[market=CN;stored-in=us-west-1;allowed=bj-legacy]',
              'error',
              'Phase1/Data-us-west-1/Orders',
            ),
          ],
        },
        {
          pluginName: 'CloudFormation Validate',
          conclusion: 'success',
          violations: [violation('W3010', 'warning', 'Phase1/Data-us-west-1/Subnet')],
        },
      ],
    }),
  );
  return dir;
}

describe('readValidationFailures', () => {
  test('reports errors, and warnings too in strict mode', () => {
    const dir = assemblyWithReport();
    expect(readValidationFailures(dir).map((f) => f.rule)).toEqual([
      'DataResidency-DataStoreLocation[market=CN;stored-in=us-west-1;allowed=bj-legacy]',
    ]);
    expect(readValidationFailures(dir, { strict: true }).map((f) => f.rule)).toEqual([
      'DataResidency-DataStoreLocation[market=CN;stored-in=us-west-1;allowed=bj-legacy]',
      'W3010',
    ]);
  });

  test('formats one line per construct and rule', () => {
    expect(formatValidationFailures(readValidationFailures(assemblyWithReport()))).toMatch(
      /^Synth found 1 unacknowledged finding:\n {2}Phase1\/Data-us-west-1\/Orders: DataResidency-DataStoreLocation\[market=CN;stored-in=us-west-1;allowed=bj-legacy\]: /,
    );
  });

  test('an assembly without a report has no failures', () => {
    expect(readValidationFailures(mkdtempSync(join(tmpdir(), 'assembly-')))).toEqual([]);
  });
});
