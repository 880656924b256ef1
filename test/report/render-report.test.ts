import { loadAwsServiceSpecSync } from '@aws-cdk/aws-service-spec';
import type { MigrationPlan } from '../../lib/config/migration-plan';
import type { StackArtifact } from '../../lib/report/assembly';
import { compareAssemblies } from '../../lib/report/compare';
import { QUOTA_WARNING_SHARE, quotaUses } from '../../lib/report/quotas';
import { glance, goalsSection, renderReport, reportSummary } from '../../lib/report/render-report';
import { blockedMarkets, residencySection, storeKinds } from '../../lib/report/residency-section';
import { resourceSchemasFrom } from '../../lib/report/resource-schemas';
import { defaultPlan } from '../support/harness';
import { CLUSTER, DATA_TEMPLATE, small, smallWith } from './fixture';

let plan: MigrationPlan;
beforeAll(() => {
  plan = defaultPlan();
});

describe('renderReport', () => {
  test('writes every section, with a diagram for the order and for residency, and no unrendered value', () => {
    // WHEN
    const markdown = renderReport({ assembly: small(), assemblyDir: 'cdk.out', plan, strict: true });
    // THEN
    const headings = markdown.split('\n').filter((l) => /^## /.test(l));
    expect(headings).toEqual([
      '## At a glance',
      '## Checks',
      '## Stacks and CloudFormation quotas',
      '## Deployment order',
      '## Data residency',
      '## Routing',
      '## Goals (exit criteria)',
    ]);
    expect(markdown.match(/```mermaid\n/g)).toHaveLength(2);
    expect(markdown).not.toMatch(/undefined|NaN|\[object Object\]/);
    expect(markdown).toContain('| CloudFormation Validate | skipped: CDK_VALIDATION=false | - | 1 |');
    expect(markdown).toContain('**Deploy `Account/*` before `Phase1/*`**');
  });

  test('opens with the facts a reviewer reads first', () => {
    expect(glance({ assembly: small(), assemblyDir: 'cdk.out', plan })).toEqual([
      '3 stacks, 21 resources in `cdk.out`.',
      'Checks: Plan, AwsSolutions, PCI.DSS.321, DataResidency ran; skipped: CloudFormation Validate (CDK_VALIDATION=false); no unacknowledged finding, 3 acknowledgments.',
      "Quotas: the tightest is Phase1/Service-us-west-1's resources at 2.6 % of 500.",
      'Order: Account before Phase1; 3 waves in all.',
      'Bootstrap: aws://111111111111/us-west-1.',
      'Residency: 1 markets have data in this app (US); CN stay on legacy; blocked at the CDN: CN, RU.',
      'Routing: every market answer at 1 public name matches the plan.',
    ]);
  });

  test('puts changes that lose data first and loudly, and the summary names them', () => {
    // GIVEN the cluster's create-only DatabaseName changed since the earlier assembly
    const after = smallWith({
      [DATA_TEMPLATE]: (json) => {
        json.Resources[CLUSTER].Properties.DatabaseName = 'orders';
      },
    });
    const result = compareAssemblies(small(), after, resourceSchemasFrom(loadAwsServiceSpecSync()));
    const input = { assembly: after, assemblyDir: 'cdk.out', plan, comparison: { againstDir: 'base.out', result } };
    // WHEN
    const markdown = renderReport(input);
    // THEN
    expect(markdown.indexOf('## Changes against `base.out`')).toBeLessThan(markdown.indexOf('## Checks'));
    expect(markdown).toMatch(/> \[!CAUTION\]\n> \*\*2 stateful resources would be replaced or deleted\.\*\*/);
    expect(reportSummary(input, 'cdk.out/REPORT.md')).toMatch(
      /\n {2}AT RISK: Phase1\/Data-us-west-1\/ShopDatabase\/Cluster\/Resource \(AWS::RDS::DBCluster\) replaced: DatabaseName changed/,
    );
  });

  test('lists stale files, which the rest of the report ignores', () => {
    const assembly = { ...small(), staleEntries: ['assembly-Phase9/'] };
    expect(renderReport({ assembly, assemblyDir: 'cdk.out', plan })).toMatch(
      /## Stale files in the folder\n\n.*\n\n- `assembly-Phase9\/`/,
    );
  });
});

describe('goals', () => {
  test("lists each phase's markets with the plan's own goals and canary regions", () => {
    const section = goalsSection(plan);
    for (const phase of plan.phases) {
      expect(section).toContain(`### Phase ${phase.phase}: exit alarm in \`${plan.goalsRegion(phase)}\``);
      for (const m of plan.watchedMarkets(phase)) {
        expect(section).toContain(
          `| ${m.market} (${m.name}) | \`${m.canaryRegion}\` | ${m.goals.latencyP90Ms} ms | ${m.goals.availabilityPercent} % |`,
        );
      }
    }
  });
});

describe('quotas', () => {
  test('marks a stack near a CloudFormation quota', () => {
    // GIVEN a stack with 450 of its 500 resources
    const stack = small().stacks[1];
    const resources = Object.fromEntries(Array.from({ length: 450 }, (_, i) => [`R${i}`, { Type: 'AWS::SNS::Topic' }]));
    const crowded: StackArtifact = { ...stack, template: { ...stack.template, Resources: resources } };
    // WHEN
    const [tightest] = quotaUses(crowded);
    // THEN
    expect(tightest).toMatchObject({ used: 450, headroom: 50 });
    expect(tightest.quota.name).toBe('resources');
    expect(tightest.share).toBeGreaterThanOrEqual(QUOTA_WARNING_SHARE);
    const markdown = renderReport({
      assembly: { ...small(), stacks: [crowded] },
      assemblyDir: 'cdk.out',
    });
    expect(markdown).toContain('**450** (90 %)');
    expect(markdown).toContain('**near the limit:** resources 90 % (50 left)');
  });

  test('counts dynamic references against their own quota', () => {
    const uses = quotaUses(small().stacks[1]);
    expect(uses.find((u) => u.quota.name === 'dynamic references')?.used).toBe(1);
  });
});

describe('residency', () => {
  test('says why each blocked market is refused at the CDN, with its note from the plan', () => {
    expect(blockedMarkets(plan).map((b) => [b.market, b.phase, b.why])).toEqual([
      [
        'CN',
        1,
        expect.stringMatching(
          /^the CDN logs viewer IPs in us-west-1, which CN does not allow \(allowed: bj-legacy\)\. PIPL/,
        ),
      ],
      [
        'RU',
        1,
        expect.stringMatching(/^the CDN logs viewer IPs in us-west-1, which RU does not allow \(allowed: none yet\)/),
      ],
    ]);
  });

  test('draws market to location to stores, and tables where each market lives', () => {
    const section = residencySection(small().residency, plan);
    expect(section).toContain('n_market_US --> n_location_us_west_1');
    expect(section).toContain('n_market_CN -. no phase serves it .-> n_location_bj_legacy');
    expect(section).toContain('n_cdn_1 -. blocked .-> n_market_CN');
    expect(section).toMatch(
      /\| CN China \| bj-legacy \| no store in this app: its data stays on bj-legacy \| blocked at phase 1's CDN/,
    );
    expect(
      storeKinds([{ type: 'AWS::Logs::LogGroup' }, { type: 'AWS::RDS::DBCluster' }, { type: 'AWS::Logs::LogGroup' }]),
    ).toBe('Logs LogGroup x2, RDS DBCluster x1');
  });
});
