import { App, type Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { buildMigrationApp } from '../../lib/migration-app';
import { cdkJsonContext, defaultPlan } from '../support/harness';

describe('AccountStack', () => {
  test('creates the role DMS requires, under its required name, in the environment account', () => {
    // GIVEN the default plan (its services replicate from legacy), building no phase
    const app = new App({ context: cdkJsonContext() });
    buildMigrationApp(app, defaultPlan(), { environment: 'staging', phases: [] });
    const stack = app.node.findChild('Account').node.findChild('Account-us-east-1') as Stack;
    // THEN
    expect([stack.account, stack.stackName]).toEqual(['222222222222', 'migration-shared-account-us-east-1']);
    Template.fromStack(stack).hasResourceProperties('AWS::IAM::Role', {
      RoleName: 'dms-vpc-role',
      AssumeRolePolicyDocument: {
        Statement: [{ Action: 'sts:AssumeRole', Effect: 'Allow', Principal: { Service: 'dms.amazonaws.com' } }],
      },
    });
  });
});
