import type { StackProps } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as route53 from 'aws-cdk-lib/aws-route53';
import type { Construct } from 'constructs';
import type { ServiceConfig } from '../config/schema';
import { type LegacyDatabase, legacySource, MarketReplication } from '../constructs/market-replication';
import { MarketRouting, type RoutedEndpoint } from '../constructs/market-routing';
import { MigrationAlarms } from '../constructs/migration-alarms';
import { ProviderServices } from '../constructs/provider-services';
import { RegionalKey } from '../constructs/regional-key';
import { RegionalNetwork, type VpnConnectionTo } from '../constructs/regional-network';
import { constructId, serviceResourceIdentifier } from '../naming';
import { RegionalStack } from './regional-stack';
import type { RegionalService } from './service-stack';

/** Props for {@link ProviderSiteStack}. */
export interface ProviderSiteStackProps extends StackProps {
  readonly services: readonly RegionalService[];
  readonly domainName: string;
  readonly hostedZoneId: string;
  /** The provider's public endpoint that serves every service of the phase. */
  readonly endpoint: string;
  /** The legacy data center's public endpoint: the other side of the cutover. */
  readonly legacy: Omit<RoutedEndpoint, 'healthCheckPath'>;
  /** The site's network in this (home) region, from the plan. */
  readonly vpcCidr: string;
  /** Subscribed to the migration alarms' topic. @default - no subscription */
  readonly alarmEmail?: string;
  /** Tasks of each service the provider's hosts run. */
  readonly desiredCount: number;
  /** VPNs to the provider's site and to the legacy data center. */
  readonly vpnPeers: readonly VpnConnectionTo[];
  /**
   * Replication of its markets' rows from the legacy database into the site's database, per service.
   * @default - none
   */
  readonly replication?: {
    readonly legacy: LegacyDatabase;
    /** The site's database, reached over the VPN inside `networks`. */
    readonly database: { readonly endpoint: string; readonly port: number; readonly engine: string };
    /** The site's private networks. */
    readonly networks: readonly string[];
    readonly services: readonly {
      readonly config: ServiceConfig;
      readonly markets: readonly string[];
      /** Whether its full load truncates the site's tables first (see MarketReplication). @default false */
      readonly truncateBeforeLoad?: boolean;
    }[];
    readonly declaredMarkets: readonly string[];
  };
}

/**
 * A local provider's site, managed from its home region: the site's weighted records for the
 * markets it serves, each behind a Route 53 health check of the provider's endpoint; a network
 * with VPNs to the site and to the legacy data center; and, while the site's database is filled,
 * the replication of its markets' rows from legacy into it. DMS runs here and sees those rows in
 * transit (the plan refuses a home region the markets do not allow); nothing stores them here.
 */
export class ProviderSiteStack extends RegionalStack {
  /** The Route 53 health checks behind this stack's records, alarmed on in us-east-1 (see HealthStack). */
  public readonly healthChecks: { readonly target: string; readonly check: route53.HealthCheck }[] = [];
  /** Alarms on the VPNs, the provider's hosts and the replications; the phase's dashboard shows them. */
  public readonly migrationAlarms: MigrationAlarms;

  constructor(scope: Construct, id: string, props: ProviderSiteStackProps) {
    super(scope, id, props);
    const zone = route53.PublicHostedZone.fromHostedZoneAttributes(this, 'Zone', {
      hostedZoneId: props.hostedZoneId,
      zoneName: props.domainName,
    });
    const replicates = (props.replication?.services ?? []).some((s) => s.config.database?.legacySchema);
    const logsKey = new RegionalKey(this, 'LogsKey', {
      description: `Flow logs of ${this.stackName}`,
      // EventBridge publishes the replications' state changes to the alarm topic it encrypts.
      usedBy: replicates ? ['logs', 'alarms', 'events'] : ['logs', 'alarms'],
    }).key;
    const network = new RegionalNetwork(this, 'Network', { cidr: props.vpcCidr, logsKey, vpnPeers: props.vpnPeers });
    const migrationAlarms = new MigrationAlarms(this, 'MigrationAlarms', {
      encryptionKey: logsKey,
      email: props.alarmEmail,
    });
    this.migrationAlarms = migrationAlarms;
    props.vpnPeers.forEach((peer, i) => {
      migrationAlarms.watchVpn(peer.id, network.vpnConnections[i]);
    });
    const services = new ProviderServices(this, 'Services', {
      vpc: network.vpc,
      services: props.services.map((s) => s.config),
      desiredCount: props.desiredCount,
    });
    for (const [name, service] of services.services) {
      migrationAlarms.watchExternalService(name, service, props.desiredCount);
    }
    const replication = props.replication;
    if (replication?.services.length) {
      const key = new RegionalKey(this, 'ReplicationKey', {
        description: `Replication storage and credentials of ${this.stackName}`,
      }).key;
      const site: ec2.IPeer[] = replication.networks.map((cidr) => ec2.Peer.ipv4(cidr));
      for (const { config, markets, truncateBeforeLoad } of replication.services) {
        const database = config.database;
        if (!database?.legacySchema) continue;
        const market = new MarketReplication(this, `${constructId(config.name)}Replication`, {
          vpc: network.vpc,
          subnetIds: network.vpc.selectSubnets({ subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS }).subnetIds,
          encryptionKey: key,
          source: legacySource(replication.legacy),
          target: {
            engine: replication.database.engine,
            serverName: replication.database.endpoint,
            port: replication.database.port,
            databaseName: config.name,
            reach: site,
            description: `the ${config.name} database at ${this.stackName}'s site`,
          },
          schema: database.legacySchema,
          tables: database.legacyTables ?? [],
          marketColumn: replication.legacy.marketColumn,
          markets,
          declaredMarkets: replication.declaredMarkets,
          identifier: serviceResourceIdentifier(this.stackName, config.name),
          truncateBeforeLoad,
        });
        migrationAlarms.watchReplication(market);
      }
    }
    for (const { config, routing } of props.services) {
      const routed = new MarketRouting(this, `${constructId(config.name)}Routing`, {
        zone,
        serviceDomain: `${config.name}.${props.domainName}`,
        routing,
        endpoint: { hostname: props.endpoint, healthCheckPath: config.healthCheckPath },
        legacy: { ...props.legacy, healthCheckPath: config.healthCheckPath },
      });
      this.healthChecks.push(...routed.healthChecks);
    }
  }
}
