/**
 * The template-level transition gate through the real app: a changed plan's assembly judged
 * against the default plan's (BASE, what is deployed). Each changed plan synthesizes phase 1 only
 * (with the Account stage every synth has), and the comparison covers the stages it has; the
 * readers of BASE's exports are read from all of BASE.
 */
import { loadAwsServiceSpecSync } from '@aws-cdk/aws-service-spec';
import { readAssemblyDir } from '../../bin/read-assembly-dir';
import { loadPlan, type PlanSource } from '../../lib/config/load-plan';
import { type Assembly, constructPathOf, readAssembly, type StackArtifact } from '../../lib/report/assembly';
import { type AssemblyComparison, compareAssemblies, comparisonExitCode, stagesOf } from '../../lib/report/compare';
import { resourceSchemasFrom } from '../../lib/report/resource-schemas';
import { defaultAssembly, defaultPlanSources, synthesize, withoutCloudFormationValidator } from '../support/harness';

// The subject is the comparison of templates, not the validator (which reads them, never changes them).
withoutCloudFormationValidator();

let base: Assembly;
beforeAll(() => {
  base = readAssembly(readAssemblyDir(defaultAssembly().directory));
});

/** The default plan with one file's text changed, synthesized (phase 1), compared with BASE. */
function compareChanged(key: string, file: string, change: (text: string) => string): AssemblyComparison {
  const { platform, phases } = defaultPlanSources();
  const apply = (s: PlanSource) => {
    if (s.file !== file) return s;
    const text = change(s.text);
    if (text === s.text) throw new Error(`the edit changed nothing in ${file}`);
    return { ...s, text };
  };
  const plan = loadPlan(apply(platform), phases.map(apply));
  const after = readAssembly(readAssemblyDir(synthesize({ plan, phases: [1], key }).assembly.directory));
  return compareAssemblies(base, after, resourceSchemasFrom(loadAwsServiceSpecSync()), { stages: stagesOf(after) });
}

const stack = (path: string) => {
  const found = base.stacks.find((s) => s.path === path);
  if (!found) throw new Error(`BASE has no ${path}`);
  return found;
};
const pathsOf = (s: StackArtifact, type: string) =>
  Object.entries(s.template.Resources ?? {})
    .filter(([, r]) => r.Type === type)
    .map(([id]) => constructPathOf(s, id) ?? id);

const literally = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

describe("phase 1's California VPC gets a new CIDR", () => {
  let comparison: AssemblyComparison;
  beforeAll(() => {
    comparison = compareChanged('vpc-cidr', 'phases/phase-1.yaml', (text) =>
      text.replace('vpcCidr: 10.10.0.0/16', 'vpcCidr: 10.11.0.0/16'),
    );
  });

  test('fails (exit 2): the Aurora cluster and the subnet groups under it are data at risk, their network replaced', () => {
    // GIVEN the stores of Phase1/Data-us-west-1, read from BASE
    const data = stack('Phase1/Data-us-west-1');
    const stores = [
      ...pathsOf(data, 'AWS::RDS::DBCluster'),
      ...pathsOf(data, 'AWS::RDS::DBSubnetGroup'),
      ...pathsOf(data, 'AWS::DMS::ReplicationSubnetGroup'),
    ];
    expect(stores.length).toBeGreaterThanOrEqual(3);
    // THEN each is named, with the chain of references down to what is replaced
    for (const path of stores) {
      expect(comparison.networkAtRisk).toContainEqual(
        expect.stringMatching(
          new RegExp(
            `^${literally(path)} \\(AWS::[A-Za-z:]+\\) \\S+, on a network that is replaced: .*which is replaced`,
          ),
        ),
      );
    }
    expect(comparison.dataAtRisk).toEqual(expect.arrayContaining(comparison.networkAtRisk));
    expect(comparisonExitCode(comparison)).toBe(2);
  });

  test("the replication there, modified in place by its network's replacement, is refused too", () => {
    const replications = pathsOf(stack('Phase1/Data-us-west-1'), 'AWS::DMS::ReplicationConfig');
    expect(comparison.refusals.filter((r) => r.rule === 'dms-replication-modified').map((r) => r.resource)).toEqual(
      replications,
    );
  });

  test('the other region of phase 1 is untouched', () => {
    expect(comparison.resources.filter((r) => r.stack.endsWith('-ap-southeast-1'))).toEqual([]);
    expect(comparison.stacks).toEqual([]);
  });
});

describe("the legacy data center's VPN peer gets a new address", () => {
  const EXPORT = 'migration-customer-gateway-bj-legacy';
  let comparison: AssemblyComparison;
  beforeAll(() => {
    comparison = compareChanged('vpn-peer', 'phases/platform.yaml', (text) =>
      text.replace('vpnPeerAddress: 203.0.113.10', 'vpnPeerAddress: 203.0.113.11'),
    );
  });

  test('fails (exit 2): each replaced customer gateway whose export a VPN imports is refused, naming the importers', () => {
    // GIVEN which stacks of BASE import the legacy gateway's export, by region (every phase's, not only phase 1's)
    const importers = new Map<string, string[]>();
    for (const s of base.stacks) {
      if (!JSON.stringify(s.template.Resources ?? {}).includes(`{"Fn::ImportValue":"${EXPORT}"}`)) continue;
      importers.set(s.region, [...(importers.get(s.region) ?? []), s.path]);
    }
    expect([...importers.values()].flat()).toEqual(expect.arrayContaining(['Phase1/Data-us-west-1']));
    // THEN one refusal per gateway stack that has importers, naming the gateway, the export and each importer
    const refused = comparison.refusals.filter((r) => r.rule === 'export-in-use' && r.message.includes(EXPORT));
    expect(refused.map((r) => r.stack).sort()).toEqual(
      [...importers.keys()].map((region) => `Account/Gateways-${region}`).sort(),
    );
    for (const refusal of refused) {
      const region = refusal.stack.replace('Account/Gateways-', '');
      expect(refusal.resource).toBe(`${refusal.stack}/CustomerGateway-bj-legacy`);
      expect(refusal.message).toContain(
        `, which is replaced: its value changes, and ${importers.get(region)?.join(', ')} import`,
      );
      expect(refusal.procedure).toMatch(/^Two deploys\. First, .*create the new resource beside it/);
    }
    expect(comparisonExitCode(comparison)).toBe(2);
  });

  test("phase 1's VPNs are replaced in turn (their gateway ID is create-only); no data is at risk", () => {
    const vpns = comparison.resources.filter((r) => r.type === 'AWS::EC2::VPNConnection');
    expect(vpns.length).toBeGreaterThan(0);
    for (const vpn of vpns) {
      expect(vpn).toMatchObject({
        kind: 'replaced',
        reasons: [expect.stringContaining(`(import ${EXPORT}), which is replaced`), expect.anything()],
      });
    }
    expect(comparison.dataAtRisk).toEqual([]);
  });
});
