import { CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import type { Construct } from 'constructs';
import type { VpnPeer } from '../constructs/regional-network';
import { customerGatewayExportName, DMS_ROLES_EXPORT } from '../naming';

/** Props for {@link GatewaysStack}. */
export interface GatewaysStackProps extends StackProps {
  /** Every VPN peer some phase connects to from this region. */
  readonly peers: readonly (VpnPeer & { readonly id: string; readonly name: string })[];
  /** The account stack that creates the DMS roles; this one exports their readiness. */
  readonly dmsRoles: Stack;
}

/**
 * Once per account and region, in the Account stage: the customer gateway of each VPN peer (the
 * legacy data center, a provider's site), exported for every phase's VPN connection in the region.
 * EC2 answers an identical CreateCustomerGateway with the existing gateway, so a gateway declared
 * by two phases' stacks would be one physical gateway owned twice, and deleting either stack
 * would break the other's VPN
 * (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_CreateCustomerGateway.html).
 */
export class GatewaysStack extends Stack {
  constructor(scope: Construct, id: string, props: GatewaysStackProps) {
    // Every phase's VPN in the region hangs off these gateways: never delete by accident.
    super(scope, id, { ...props, terminationProtection: true });
    for (const peer of props.peers) {
      const gateway = new ec2.CfnCustomerGateway(this, `CustomerGateway-${peer.id}`, {
        type: 'ipsec.1',
        ipAddress: peer.address,
        bgpAsn: peer.bgpAsn,
        // A device name of its own: the phases' earlier gateways for the same address and ASN may
        // still exist, and EC2 creates a second identical gateway only with a distinct device name
        // (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_CreateCustomerGateway.html).
        deviceName: `migration-shared-${peer.id}`,
        tags: [{ key: 'Name', value: peer.name }],
      });
      new CfnOutput(this, `CustomerGatewayId-${peer.id}`, {
        value: gateway.ref,
        exportName: customerGatewayExportName(peer.id),
        description: `Customer gateway of ${peer.name}, for every phase's VPN in this region.`,
      });
    }
    this.addStackDependency(
      props.dmsRoles,
      'Replications import the DMS roles export, which promises the roles exist.',
    );
    new CfnOutput(this, 'DmsRoles', {
      value: 'dms-vpc-role dms-cloudwatch-logs-role',
      exportName: DMS_ROLES_EXPORT,
      description:
        'Imported by every replication, so a phase deployed before the Account stage names the missing roles.',
    });
  }
}
