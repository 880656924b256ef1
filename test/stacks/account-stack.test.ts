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
});
