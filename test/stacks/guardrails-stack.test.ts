import { App, type Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { buildMigrationApp } from '../../lib/migration-app';
import { DATA_SERVICE_ACTIONS, GLOBAL_SERVICE_ACTIONS } from '../../lib/stacks/guardrails-stack';
import { cdkJsonContext, defaultPlan } from '../support/harness';

describe('GuardrailsStack', () => {
  // GIVEN the default plan, building no phase: only the guardrails stage
  const plan = defaultPlan();
  const app = new App({ context: cdkJsonContext() });
  buildMigrationApp(app, plan, { environment: 'demo', phases: [] });
  const stack = app.node.findChild('Guardrails').node.findChild('Guardrails-us-east-1') as Stack;
  const template = Template.fromStack(stack);
  const policy = Object.values(template.findResources('AWS::Organizations::Policy'))[0];
  const statements = policy.Properties.Content.Statement as {
    Sid: string;
    Condition: Record<string, Record<string, unknown>>;
  }[];

  test('lives in the management account, with termination protection', () => {
    expect([stack.account, stack.region, stack.terminationProtection]).toEqual(['999999999999', 'us-east-1', true]);
    expect(policy.Properties.TargetIds).toEqual(['ou-demo-11111111']);
    expect(policy.Properties.Type).toBe('SERVICE_CONTROL_POLICY');
  });

  test("denies every region the plan's locations and goal canaries do not name, global services exempt", () => {
    const regions = [
      ...new Set([...plan.platform.locations.map((l) => plan.regionOf(l.id)), 'us-east-1', ...plan.canaryRegions()]),
    ].sort();
    expect(regions).toEqual([
      'ap-east-1',
      'ap-east-2',
      'ap-south-1',
      'ap-southeast-1',
      'ap-southeast-3',
      'ap-southeast-5',
      'ap-southeast-7',
      'eu-central-1',
      'il-central-1',
      'mx-central-1',
      'sa-east-1',
      'us-east-1',
      'us-east-2',
      'us-west-1',
      'us-west-2',
    ]);
    expect(statements[0]).toEqual({
      Sid: 'DenyOutsidePlanRegions',
      Effect: 'Deny',
      NotAction: [...GLOBAL_SERVICE_ACTIONS],
      Resource: '*',
      Condition: { StringNotEquals: { 'aws:RequestedRegion': regions } },
    });
  });

  test('denies data services in the edge region, which is no market location', () => {
    expect(statements[1]).toEqual({
      Sid: 'DenyDataServicesAtTheEdge',
      Effect: 'Deny',
      Action: [...DATA_SERVICE_ACTIONS],
      Resource: '*',
      Condition: { StringEquals: { 'aws:RequestedRegion': 'us-east-1' } },
    });
  });

  test('denies data services in regions only goal canaries use, as at the edge', () => {
    expect(statements[2]).toEqual({
      Sid: 'DenyDataServicesInProbeRegions',
      Effect: 'Deny',
      Action: [...DATA_SERVICE_ACTIONS],
      Resource: '*',
      Condition: {
        StringEquals: {
          'aws:RequestedRegion': [
            'ap-east-1',
            'ap-east-2',
            'ap-southeast-3',
            'ap-southeast-5',
            // Turkey's canary only: Turkey's data is in Frankfurt, never in Tel Aviv
            'il-central-1',
            'sa-east-1',
            'us-east-2',
          ],
        },
      },
    });
  });

  test('fits the 5,120-character limit of a service control policy', () => {
    expect(JSON.stringify(policy.Properties.Content).length).toBeLessThan(5120);
  });
});
