import { Stack, type StackProps } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import type { Construct } from 'constructs';
import { RelationalStore } from '../constructs/relational-store';
import { constructId } from '../naming';
import type { DataStack } from './data-stack';
import type { TransferPeering } from './transfer-stack';

/** Props for {@link LinkStack}. */
export interface LinkStackProps extends StackProps {
  /** The data stack whose databases receive replicated rows. */
  readonly data: DataStack;
  /** Each peering a transfer stack made to this VPC, with the range on its other side. */
  readonly peerings: readonly TransferPeering[];
}

/**
 * The receiving side of a region-to-region replication: routes from the databases' subnets back
 * to each peered source VPC, and each receiving database opened to that range on its port. A
 * stack of its own because the peering exists only once the transfer stack (in the source region)
 * is deployed, and that stack needs this phase's data stack first. Goes away with the transfer.
 */
export class LinkStack extends Stack {
  constructor(scope: Construct, id: string, props: LinkStackProps) {
    super(scope, id, { ...props, crossRegionReferences: true });
    const vpc = props.data.network.vpc;
    for (const { phase, location, cidr, peering, services } of props.peerings) {
      // One peering per source site: its phase and location name its routes and rules.
      const p = `P${phase}-${location}`;
      vpc.isolatedSubnets.forEach((subnet, i) => {
        new ec2.CfnRoute(this, `${p}PeeringRoute${i}`, {
          routeTableId: subnet.routeTable.routeTableId,
          destinationCidrBlock: cidr,
          vpcPeeringConnectionId: peering.ref,
        });
      });
      // Each database is opened only to the source VPC that writes it.
      for (const service of services) {
        const cluster = props.data.databases.get(service);
        if (!cluster) continue;
        new ec2.CfnSecurityGroupIngress(this, `${p}Peering${constructId(service)}Ingress`, {
          groupId: cluster.connections.securityGroups[0].securityGroupId,
          ipProtocol: 'tcp',
          fromPort: RelationalStore.PORT,
          toPort: RelationalStore.PORT,
          cidrIp: cidr,
          description: `Replication writes from ${cidr} over the peering`,
        });
      }
    }
  }
}
