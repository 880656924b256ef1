import { Stack, type StackProps, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type { Construct } from 'constructs';

/** A role AWS DMS looks up by its exact name, with the AWS-maintained policy it needs. */
interface DmsAccountRole {
  readonly id: string;
  readonly roleName: string;
  readonly policy: string;
  readonly description: string;
}

/**
 * The roles AWS DMS requires under these exact names before any replication can be created or log
 * to CloudWatch (https://docs.aws.amazon.com/dms/latest/userguide/security-iam.html#CHAP_Security.APIRole):
 * `dms-vpc-role` for the replication's network interfaces, `dms-cloudwatch-logs-role` for the
 * replication logs our configs enable. IAM is global, so one stack serves every region of the
 * account. Deploy it before any phase.
 */
const DMS_ROLES: readonly DmsAccountRole[] = [
  {
    id: 'DmsVpcRole',
    roleName: 'dms-vpc-role',
    policy: 'service-role/AmazonDMSVPCManagementRole',
    description: 'Lets AWS DMS manage the network interfaces of replications in this account.',
  },
  {
    id: 'DmsCloudWatchLogsRole',
    roleName: 'dms-cloudwatch-logs-role',
    policy: 'service-role/AmazonDMSCloudWatchLogsRole',
    description: 'Lets AWS DMS write replication logs to its own dms-* log groups in this account.',
  },
];

/** Once per account: the roles AWS DMS requires. */
export class AccountStack extends Stack {
  constructor(scope: Construct, id: string, props: StackProps) {
    super(scope, id, props);
    for (const { id: roleId, roleName, policy, description } of DMS_ROLES) {
      const role = new iam.Role(this, roleId, {
        roleName,
        assumedBy: new iam.ServicePrincipal('dms.amazonaws.com'),
        description,
        managedPolicies: [iam.ManagedPolicy.fromAwsManagedPolicyName(policy)],
      });
      Validations.of(role).acknowledge({
        id: `AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/${policy}]`,
        reason: `AWS DMS requires the role ${roleName} with this AWS-maintained policy, which grants only what DMS does with it.`,
      });
    }
  }
}
