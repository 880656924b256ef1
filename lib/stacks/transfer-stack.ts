import { Fn, type StackProps } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { Construct } from 'constructs';
import { declareResidency } from '../compliance/residency/residency-declaration';
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
  readonly services: readonly {
    readonly config: ServiceConfig;
    readonly markets: readonly string[];
    /** Whether its full load truncates the target's tables first (see MarketReplication). @default false */
    readonly truncateBeforeLoad?: boolean;
  }[];
}

/** One later phase's site that rows out of this region fill. */
export interface TransferTarget {
  /** The site's data stack, in another region, that receives the rows. */
  readonly data: DataStack;
  /** The site's plan location. */
  readonly location: string;
  /** The site's VPC range, from the plan (a literal reviewers and rules can read). */
  readonly cidr: string;
  /** The earlier phases' sites in this region that fill it, each with the markets it moves. */
  readonly sources: readonly TransferSource[];
  /**
   * Whether this is its phase's first location. Its resources then keep the logical IDs a transfer
   * had when it fed one site (phase 3's, into Mumbai), under a `Default` scope; every other target's
   * sit under `To-<location>`. Tied to the plan's order, not to which targets are still copying, so
   * a target whose copy finishes (and leaves this stack) never renames another's replications.
   * @default false
   */
  readonly firstOfPhase?: boolean;
}

/** A peering from a source phase's VPC to a target site's VPC. */
export interface TransferPeering {
  readonly phase: number;
  /** The source site's plan location. */
  readonly location: string;
  /** The source VPC's range. */
  readonly cidr: string;
  /** The target site's plan location, whose link stack routes back over this peering. */
  readonly target: string;
  /** The services whose databases replication out of that VPC writes. */
  readonly services: readonly string[];
  readonly peering: ec2.CfnVPCPeeringConnection;
}

/** Props for {@link TransferStack}. */
export interface TransferStackProps extends StackProps {
  /** The later phase's sites this region's rows go to, in plan order (at least one). */
  readonly targets: readonly TransferTarget[];
  readonly marketColumn: string;
  readonly declaredMarkets: readonly string[];
  /** Subscribed to the replications' alarm topic. @default - no subscription */
  readonly alarmEmail?: string;
}

/**
 * Region to region (India: Singapore to Mumbai; Mexico, Thailand and Turkey: California and
 * Oregon to their own regions): replication of some markets' rows out of earlier phases' databases
 * in this region into a later phase's databases in other regions. It runs here, in the source VPCs
 * (imported by name: another phase's stage cannot be referenced), with a peering to each target VPC
 * and routes to it; the target side's routes are the link stacks'. When every replication here is
 * finished, the plan drops this stack and the databases stay.
 */
export class TransferStack extends RegionalStack {
  /** One peering per source and target, with the source VPC's range, for the target side's routes. */
  public readonly peerings: readonly TransferPeering[];
  /** The replications' state changes, to a topic of this stack; the phase's dashboard shows them. */
  public readonly migrationAlarms: MigrationAlarms;

  constructor(scope: Construct, id: string, props: TransferStackProps) {
    super(scope, id, { ...props, crossRegionReferences: true });
    if (props.targets.length === 0) throw new Error(`${this.node.path}: no target site, expected at least one`);
    if (props.targets.filter((t) => t.firstOfPhase).length > 1) {
      throw new Error(`${this.node.path}: more than one target is its phase's first location, expected at most one`);
    }
    const key = new RegionalKey(this, 'ReplicationKey', {
      description: `Replication storage and credentials of ${this.stackName}`,
    }).key;
    // Its topic has a key of its own, which lets CloudWatch and EventBridge of this account use it.
    this.migrationAlarms = new MigrationAlarms(this, 'MigrationAlarms', { email: props.alarmEmail });

    // What each source phase's data stack exports, imported once whatever the number of targets.
    const sourceVpcs = new Map<number, { vpc: ec2.IVpc; imported: (what: string) => string }>();
    const sourceVpc = (source: TransferSource) => {
      let found = sourceVpcs.get(source.phase);
      if (!found) {
        const imported = (what: string) =>
          Fn.importValue(replicationSourceExportName(source.phase, source.location, what));
        const vpc = ec2.Vpc.fromVpcAttributes(this, `P${source.phase}Vpc`, {
          vpcId: imported('vpc'),
          availabilityZones: this.availabilityZones,
        });
        found = { vpc, imported };
        sourceVpcs.set(source.phase, found);
      }
      return found;
    };
    const databaseGroups = new Map<string, ec2.ISecurityGroup>();
    const databaseGroup = (source: TransferSource, service: string) => {
      const id = `P${source.phase}${constructId(service)}DatabaseGroup`;
      let group = databaseGroups.get(id);
      if (!group) {
        group = ec2.SecurityGroup.fromSecurityGroupId(
          this,
          id,
          sourceVpc(source).imported(`${service}-database-security-group`),
          { allowAllOutbound: false },
        );
        databaseGroups.set(id, group);
      }
      return group;
    };

    // Replication identifiers end in a digest of their table mappings, which name the markets; a
    // phase serves a market from one site, so two targets' replications of a service never share one.
    const identifiers = new Set<string>();
    this.peerings = props.targets.flatMap((target) => {
      // `Default` adds nothing to the logical IDs under it (see TransferTarget.firstOfPhase).
      const scope = new Construct(this, target.firstOfPhase ? 'Default' : `To-${target.location}`);
      const markets = [...new Set(target.sources.flatMap((s) => s.services.flatMap((x) => x.markets)))];
      // DMS runs here for this target's markets only, and its peering and credentials serve them alone.
      declareResidency(scope, {
        markets,
        reason: `The replication into ${target.location} only: its table mappings let through rows of ${markets.join(', ')} alone, the markets that site serves.`,
      });
      return target.sources.map((source): TransferPeering => {
        const { vpc, imported } = sourceVpc(source);
        const name = `P${source.phase}`;
        // Same account: the peering is accepted without a role, across regions too
        // (https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-ec2-vpcpeeringconnection.html).
        const peering = new ec2.CfnVPCPeeringConnection(scope, `${name}Peering`, {
          vpcId: vpc.vpcId,
          peerVpcId: target.data.network.vpc.vpcId,
          peerRegion: target.data.region,
          tags: [{ key: 'Name', value: `phase ${source.phase} ${source.location} to ${target.data.stackName}` }],
        });
        [0, 1].forEach((i) => {
          new ec2.CfnRoute(scope, `${name}RouteToTarget${i}`, {
            routeTableId: Fn.select(i, Fn.split(',', imported('private-route-tables'))),
            destinationCidrBlock: target.cidr,
            vpcPeeringConnectionId: peering.ref,
          });
        });
        const subnetIds = [0, 1].map((i) => Fn.select(i, Fn.split(',', imported('private-subnets'))));

        for (const { config, markets: moved, truncateBeforeLoad } of source.services) {
          const database = config.database;
          if (!database?.legacySchema) continue;
          const targetCluster = target.data.databases.get(config.name);
          if (!targetCluster) throw new Error(`${target.data.stackName} has no ${config.name} database to fill`);
          const replication = new MarketReplication(scope, `${name}${constructId(config.name)}Replication`, {
            vpc,
            subnetIds,
            encryptionKey: key,
            source: {
              engine: 'aurora-postgresql',
              serverName: imported(`${config.name}-database-address`),
              port: RelationalStore.PORT,
              databaseName: config.name,
              reach: databaseGroup(source, config.name),
              description: `the ${config.name} database of phase ${source.phase} in ${source.location}`,
            },
            target: {
              engine: 'aurora-postgresql',
              serverName: targetCluster.clusterEndpoint.hostname,
              port: RelationalStore.PORT,
              databaseName: config.name,
              reach: [ec2.Peer.ipv4(target.cidr)],
              description: `the ${config.name} database of ${target.data.stackName}`,
            },
            schema: database.legacySchema,
            tables: database.legacyTables ?? [],
            marketColumn: props.marketColumn,
            markets: moved,
            declaredMarkets: props.declaredMarkets,
            identifier: serviceResourceIdentifier(this.stackName, config.name),
            truncateBeforeLoad,
          });
          const identifier = replication.replication.replicationConfigIdentifier as string;
          if (identifiers.has(identifier)) {
            throw new Error(
              `${replication.node.path}: replication identifier ${identifier} is also another target's, expected each target's markets to differ`,
            );
          }
          identifiers.add(identifier);
          this.migrationAlarms.watchReplication(replication);
        }
        return {
          phase: source.phase,
          location: source.location,
          cidr: source.cidr,
          target: target.location,
          services: source.services.map((s) => s.config.name),
          peering,
        };
      });
    });
  }
}
