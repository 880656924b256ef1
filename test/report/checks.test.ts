import { acknowledgmentsOf, checkOfRule, checkResults, synthSummaryLine } from '../../lib/report/checks';
import { small, smallWith } from './fixture';

describe('checkOfRule', () => {
  test.each([
    ['Annotation::AwsSolutions-SMG4', 'AwsSolutions', 'AwsSolutions-SMG4'],
    ['Annotation::PCI.DSS.321-IAMNoInlinePolicy', 'PCI.DSS.321', 'PCI.DSS.321-IAMNoInlinePolicy'],
    [
      'Annotation::DataResidency-EdgeHoldsNoPersonalData[type=AWS::SNS::Topic]',
      'DataResidency',
      'DataResidency-EdgeHoldsNoPersonalData[type=AWS::SNS::Topic]',
    ],
    ['annotation::AwsSolutions-IAM5[Action::s3:*]', 'AwsSolutions', 'AwsSolutions-IAM5[Action::s3:*]'],
    ['CloudFormation-Validate::F3002', 'CloudFormation Validate', 'F3002'],
    ['Annotation::@aws-cdk/aws-ec2:someWarning', 'Annotations', '@aws-cdk/aws-ec2:someWarning'],
  ])('%s belongs to %s', (id, check, rule) => {
    expect(checkOfRule(id)).toEqual({ check, rule });
  });
});

describe('acknowledgmentsOf', () => {
  test('reads every acknowledgment from the stacks’ metadata, with its construct and reason', () => {
    expect(acknowledgmentsOf(small())).toEqual([
      {
        check: 'AwsSolutions',
        rule: 'AwsSolutions-SMG4',
        path: 'Phase1/Data-us-west-1/ShopReplication/SourceCredentials',
        reason: 'A migration credential changed by hand at each rotation window.',
      },
      {
        check: 'CloudFormation Validate',
        rule: 'F3002',
        path: 'Phase1/Data-us-west-1/Network/Vpc/All',
        reason: 'FlowLog DestinationOptions accepts camelCase.',
      },
      {
        check: 'PCI.DSS.321',
        rule: 'PCI.DSS.321-SecretsManagerRotationEnabled',
        path: 'Phase1/Data-us-west-1/ShopReplication/SourceCredentials',
        reason: 'A migration credential changed by hand at each rotation window.',
      },
    ]);
  });
});

describe('checkResults', () => {
  test('lists the checks that ran, those skipped and why, their findings and acknowledgments', () => {
    const results = checkResults(small());
    expect(results.map((r) => [r.name, r.run?.rules, r.skipped, r.failures.length, r.acknowledged])).toEqual([
      ['Plan', undefined, undefined, 0, 0],
      ['AwsSolutions', 131, undefined, 0, 1],
      ['PCI.DSS.321', 69, undefined, 0, 1],
      ['DataResidency', 23, undefined, 0, 0],
      ['CloudFormation Validate', undefined, 'CDK_VALIDATION=false', 0, 1],
    ]);
  });

  test('a failing finding in the validation report is the failing check’s, warnings too when strict', () => {
    const assembly = smallWith({
      'validation-report.json': (json) => {
        json.pluginReports = [
          {
            pluginName: 'DataResidency',
            conclusion: 'failure',
            violations: [
              {
                ruleName: 'DataResidency-DataStoreLocation[market=CN]',
                description: 'stored where CN does not allow',
                severity: 'error',
                violatingConstructs: [{ constructPath: 'Phase1/Data-us-west-1/Orders' }],
              },
              { ruleName: 'W1', description: 'a warning', severity: 'warning', violatingConstructs: [] },
            ],
          },
        ];
      },
    });
    expect(
      checkResults(assembly)
        .find((r) => r.name === 'DataResidency')
        ?.failures.map((f) => f.rule),
    ).toEqual(['DataResidency-DataStoreLocation[market=CN]']);
    expect(checkResults(assembly, { strict: true }).find((r) => r.name === 'DataResidency')?.failures).toHaveLength(2);
  });
});

describe('synthSummaryLine', () => {
  const checks = [
    { name: 'Plan', scope: 4, scopeUnit: 'files' as const },
    { name: 'AwsSolutions', rules: 131, scope: 20, scopeUnit: 'stacks' as const },
    { name: 'CloudFormation Validate', version: '1.14.0', scope: 20, scopeUnit: 'stacks' as const },
  ];

  test('says which checks ran, on how much, and that nothing failed', () => {
    expect(
      synthSummaryLine({ checks, skipped: [], failures: [], acknowledgments: [], stacks: 20, resources: 1239 }),
    ).toBe(
      'Checks ran on 20 stacks (1,239 resources): Plan (4 files), AwsSolutions (131 rules), CloudFormation Validate (v1.14.0); no unacknowledged finding, 0 acknowledged (`npm run report` lists them).',
    );
  });

  test('says a check was skipped and why, and that synth failed with how many findings', () => {
    const line = synthSummaryLine({
      checks: checks.slice(0, 2),
      skipped: [{ name: 'CloudFormation Validate', why: 'CDK_VALIDATION=false' }],
      failures: [{ plugin: 'AwsSolutions', rule: 'AwsSolutions-S1', description: 'x', constructPaths: ['a', 'b'] }],
      acknowledgments: [],
      stacks: 1,
      resources: 3,
    });
    expect(line).toMatch(/CloudFormation Validate skipped: CDK_VALIDATION=false; 2 unacknowledged findings/);
    expect(line).toMatch(/synth FAILED\.$/);
  });
});
