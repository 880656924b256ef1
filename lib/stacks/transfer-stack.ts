import { Fn, type StackProps } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import type { Construct } from 'constructs';
import type { ServiceConfig } from '../config/schema';
import { MarketReplication } from '../constructs/market-replication';
import { MigrationAlarms } from '../constructs/migration-alarms';
import { RegionalKey } from '../constructs/regional-key';
import { RelationalStore } from '../constructs/relational-store';
import { constructId, replicationSourceExportName, serviceResourceIdentifier } from '../naming';
import type { DataStack } from './data-stack';
import { RegionalStack } from './regional-stack';

/** One earlier phase's site in this region whose databases a later phase's site is filled from. */
export interface TransferSource {
  readonly phase: number;
  /** Its plan location (this stack's region). */
  readonly location: string;
  /** Its VPC's range, from the plan. */
  readonly cidr: string;
  /** Per service, the markets whose rows move. */
  readonly services: readonly { readonly config: ServiceConfig; readonly markets: readonly string[] }[];
}

/** A peering from a source phase's VPC to the target VPC. */
export interface TransferPeering {
  readonly phase: number;
  /** The source site's plan location. */
  readonly location: string;
  /** The source VPC's range. */
  readonly cidr: string;
  /** The services whose databases replication out of that VPC writes. */
  readonly services: readonly string[];
  readonly peering: ec2.CfnVPCPeeringConnection;
}

/** Props for {@link TransferStack}. */
export interface TransferStackProps extends StackProps {
  /** The later phase's data stack, in another region, that receives the rows. */
  readonly target: DataStack;
  /** The target VPC's range, from the plan (a literal reviewers and rules can read). */
  readonly targetCidr: string;
  readonly sources: readonly TransferSource[];
  readonly marketColumn: string;
  readonly declaredMarkets: readonly string[];
  /** Subscribed to the replications' alarm topic. @default - no subscription */
  readonly alarmEmail?: string;
}

/**
 * Region to region (India: Singapore to Mumbai): replication of some markets' rows out of earlier
 * phases' databases in this region into a later phase's databases in another. It runs here, in
 * the source VPCs (imported by name: another phase's stage cannot be referenced), with a peering to
 * the target VPC and routes to it; the target side's routes are the link stack's. When every
 * replication here is finished, the plan drops this stack and the databases stay.
 */
export class TransferStack extends RegionalStack {
  /** One peering per source, with the source VPC's range, for the target side's routes. */
  public readonly peerings: readonly TransferPeering[];
  /** The replications' state changes, to a topic of this stack; the phase's dashboard shows them. */
  public readonly migrationAlarms: MigrationAlarms;

  constructor(scope: Construct, id: string, props: TransferStackProps) {
    super(scope, id, { ...props, crossRegionReferences: true });
    const key = new RegionalKey(this, 'ReplicationKey', {
      description: `Replication storage and credentials of ${this.stackName}`,
    }).key;
    const target = props.target;
    // Its topic has a key of its own, which lets CloudWatch and EventBridge of this account use it.
    const migrationAlarms = new MigrationAlarms(this, 'MigrationAlarms', { email: props.alarmEmail });
    this.migrationAlarms = migrationAlarms;

    this.peerings = props.sources.map((source) => {
      const imported = (what: string) =>
        Fn.importValue(replicationSourceExportName(source.phase, source.location, what));
      const name = `P${source.phase}`;
      const vpc = ec2.Vpc.fromVpcAttributes(this, `${name}Vpc`, {
        vpcId: imported('vpc'),
        availabilityZones: this.availabilityZones,
      });
      // Same account: the peering is accepted without a role, across regions too
      // (https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-ec2-vpcpeeringconnection.html).
      const peering = new ec2.CfnVPCPeeringConnection(this, `${name}Peering`, {
        vpcId: vpc.vpcId,
        peerVpcId: target.network.vpc.vpcId,
        peerRegion: target.region,
        tags: [{ key: 'Name', value: `phase ${source.phase} ${source.location} to ${target.stackName}` }],
      });
      [0, 1].forEach((i) => {
        new ec2.CfnRoute(this, `${name}RouteToTarget${i}`, {
          routeTableId: Fn.select(i, Fn.split(',', imported('private-route-tables'))),
          destinationCidrBlock: props.targetCidr,
          vpcPeeringConnectionId: peering.ref,
        });
      });
      const subnetIds = [0, 1].map((i) => Fn.select(i, Fn.split(',', imported('private-subnets'))));

      for (const { config, markets } of source.services) {
        const database = config.database;
        if (!database?.legacySchema) continue;
        const sourceGroup = ec2.SecurityGroup.fromSecurityGroupId(
          this,
          `${name}${constructId(config.name)}DatabaseGroup`,
          imported(`${config.name}-database-security-group`),
          { allowAllOutbound: false },
        );
        const targetCluster = target.databases.get(config.name);
        if (!targetCluster) throw new Error(`${target.stackName} has no ${config.name} database to fill`);
        const replication = new MarketReplication(this, `${name}${constructId(config.name)}Replication`, {
          vpc,
          subnetIds,
          encryptionKey: key,
          source: {
            engine: 'aurora-postgresql',
            serverName: imported(`${config.name}-database-address`),
            port: RelationalStore.PORT,
            databaseName: config.name,
            reach: sourceGroup,
            description: `the ${config.name} database of phase ${source.phase} in ${source.location}`,
          },
          target: {
            engine: 'aurora-postgresql',
            serverName: targetCluster.clusterEndpoint.hostname,
            port: RelationalStore.PORT,
            databaseName: config.name,
            reach: [ec2.Peer.ipv4(props.targetCidr)],
            description: `the ${config.name} database of ${target.stackName}`,
          },
          schema: database.legacySchema,
          tables: database.legacyTables ?? [],
          marketColumn: props.marketColumn,
          markets,
          declaredMarkets: props.declaredMarkets,
          identifier: serviceResourceIdentifier(this.stackName, config.name),
        });
        migrationAlarms.watchReplication(replication);
      }
      return {
        phase: source.phase,
        location: source.location,
        cidr: source.cidr,
        services: source.services.map((s) => s.config.name),
        peering,
      };
    });
  }
}
