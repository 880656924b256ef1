import { App, type Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { buildMigrationApp } from '../../lib/migration-app';
import { cdkJsonContext, defaultPlan } from '../support/harness';

describe('AccountStack', () => {
  test('creates the roles DMS requires, under their required names, in the environment account', () => {
    // GIVEN the default plan (its services replicate from legacy), building no phase
    const app = new App({ context: cdkJsonContext() });
    buildMigrationApp(app, defaultPlan(), { environment: 'staging', phases: [] });
    const stack = app.node.findChild('Account').node.findChild('Account-us-east-1') as Stack;
    // THEN
    expect([stack.account, stack.stackName]).toEqual(['222222222222', 'migration-shared-account-us-east-1']);
    const template = Template.fromStack(stack);
    for (const [roleName, policy] of [
      ['dms-vpc-role', 'AmazonDMSVPCManagementRole'],
      ['dms-cloudwatch-logs-role', 'AmazonDMSCloudWatchLogsRole'],
    ]) {
      template.hasResourceProperties('AWS::IAM::Role', {
        RoleName: roleName,
        AssumeRolePolicyDocument: {
          Statement: [{ Action: 'sts:AssumeRole', Effect: 'Allow', Principal: { Service: 'dms.amazonaws.com' } }],
        },
        ManagedPolicyArns: [
          { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:iam::aws:policy/service-role/${policy}`]] },
        ],
      });
    }
  });

  test('holds one customer gateway per region and VPN peer, exported for every phase, and exports the DMS roles promise', () => {
    // GIVEN every phase of the default plan
    const app = new App({ context: cdkJsonContext() });
    buildMigrationApp(app, defaultPlan(), { environment: 'staging', phases: [] });
    const stage = app.node.findChild('Account');
    const gateways = stage.node.children.filter((c) => c.node.id.startsWith('Gateways-')).map((c) => c as Stack);
    // THEN one stack per region any phase has a VPN in, the provider's gateway only in its home region
    expect(gateways.map((s) => s.region).sort()).toEqual([
      'ap-south-1',
      'ap-southeast-1',
      'ap-southeast-7',
      'eu-central-1',
      'mx-central-1',
      'us-west-1',
      'us-west-2',
    ]);
    for (const stack of gateways) {
      const template = Template.fromStack(stack);
      const peers = stack.region === 'us-west-1' ? ['bj-legacy', 'br-sao-paulo'] : ['bj-legacy'];
      template.resourceCountIs('AWS::EC2::CustomerGateway', peers.length);
      const exported = Object.values(template.toJSON().Outputs as Record<string, { Export: { Name: string } }>).map(
        (o) => o.Export.Name,
      );
      expect(exported.sort()).toEqual(
        [...peers.map((p) => `migration-customer-gateway-${p}`), 'migration-requires-dms-vpc-role'].sort(),
      );
      expect(stack.terminationProtection).toBe(true);
    }
    expect(Template.fromStack(gateways.find((s) => s.region === 'us-west-1') as Stack).toJSON()).toMatchSnapshot();
  });
});
