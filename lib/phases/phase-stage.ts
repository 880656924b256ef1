import { Stage, type StageProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { declareResidency, NO_PERSONAL_DATA } from '../compliance/residency/residency-declaration';
import { EDGE_REGION } from '../config/aws-regions';
import type { MigrationPlan } from '../config/migration-plan';
import type { EnvironmentConfig, PhaseConfig } from '../config/schema';
import { cdnLogBucketName, stackId, stackName } from '../naming';
import { DataStack } from '../stacks/data-stack';
import { EdgeStack } from '../stacks/edge-stack';
import { ProviderSiteStack } from '../stacks/provider-site-stack';
import { type RegionalService, ServiceStack } from '../stacks/service-stack';

/** Props for {@link PhaseStage}. */
export interface PhaseStageProps extends StageProps {
  readonly plan: MigrationPlan;
  readonly phase: number;
  /** The environment (account, zone) being synthesized. */
  readonly environment: EnvironmentConfig;
}

/**
 * One migration phase: which stacks exist and where, read from the plan. Per AWS location a
 * data stack and a service stack; per local-provider site a routing stack in its home region;
 * and, when the phase has a CDN, the edge stack in us-east-1. No resource logic here.
 */
export class PhaseStage extends Stage {
  public readonly config: PhaseConfig;

  constructor(scope: Construct, id: string, props: PhaseStageProps) {
    super(scope, id, props);
    const { plan, environment } = props;
    const legacy = plan.platform.legacy;
    const phase = plan.phase(props.phase);
    this.config = phase;
    const account = environment.account;
    const name = (tier: Parameters<typeof stackName>[0]['tier'], location: string) =>
      stackName({ phase: phase.phase, workload: phase.workload, tier, location });
    const dataByLocation = new Map<string, DataStack>();
    // The CDN's viewers are every market less the plan's explicit edge.blockedMarkets.
    const cdnAudience = plan.cdnAudience(phase);

    const servicesAt = (locationId: string): RegionalService[] =>
      phase.services.map((service) => ({
        config: plan.service(service),
        routing: plan.siteRouting(phase.phase, locationId, service),
      }));
    const tags = (location: string) => ({
      'migration:phase': String(phase.phase),
      'migration:workload': phase.workload,
      'migration:location': location,
    });

    for (const { site, location } of plan.awsSites(phase)) {
      const env = { account, region: location.region };
      const keepsCdnLogs = phase.edge?.logLocation === location.id;
      const data = new DataStack(this, stackId('data', location.id), {
        env,
        stackName: name('data', location.id),
        description: `Phase ${phase.phase} (${phase.name}): stores, keys and network in ${location.region}.`,
        tags: tags(location.id),
        vpcCidr: site.vpcCidr as string,
        services: phase.services.map((s) => plan.service(s)),
        legacyVpn: { address: legacy.vpnPeerAddress, bgpAsn: legacy.bgpAsn },
        replication: {
          legacy: {
            hostname: legacy.database.endpoint,
            port: legacy.database.port,
            engine: legacy.database.engine,
            databaseName: legacy.database.name,
            cidr: legacy.cidr,
            marketColumn: legacy.database.marketColumn,
          },
          marketsByService: Object.fromEntries(
            phase.services.map((s) => [s, plan.legacyReplicationMarkets(phase.phase, location.id, s)]),
          ),
          declaredMarkets: plan.platform.markets.map((m) => m.code),
        },
        cdnLogBucketName: keepsCdnLogs ? cdnLogBucketName(phase.phase, account, location.region) : undefined,
      });
      declareResidency(data, { markets: site.markets, location: location.id });
      if (data.cdnLogsBucket) {
        // CloudFront logs hold the IPs of every market the CDN serves, not only this site's.
        declareResidency(data.cdnLogsBucket, { markets: cdnAudience.viewers });
      }
      dataByLocation.set(location.id, data);

      const service = new ServiceStack(this, stackId('service', location.id), {
        env,
        stackName: name('service', location.id),
        description: `Phase ${phase.phase} (${phase.name}): services, routing and alarms in ${location.region}.`,
        tags: tags(location.id),
        data,
        services: servicesAt(location.id),
        domainName: environment.domainName,
        hostedZoneId: environment.hostedZoneId,
        legacy: { hostname: legacy.originHostname },
        minTasks: site.minTasks,
        maxTasks: site.maxTasks,
        alarmEmail: environment.alarmEmail,
      });
      declareResidency(service, { markets: site.markets, location: location.id });
    }

    for (const { location } of plan.providerSites(phase)) {
      const site = new ProviderSiteStack(this, stackId('site', location.id), {
        env: { account, region: location.homeRegion },
        stackName: name('site', location.id),
        description: `Phase ${phase.phase} (${phase.name}): routing to ${location.provider}, ${location.city}.`,
        tags: tags(location.id),
        services: servicesAt(location.id),
        domainName: environment.domainName,
        hostedZoneId: environment.hostedZoneId,
        endpoint: location.endpoint,
        legacy: { hostname: legacy.originHostname },
      });
      declareResidency(site, {
        markets: NO_PERSONAL_DATA,
        location: location.id,
        reason: "Routing records and health checks only: the provider's own site holds the data.",
      });
    }

    if (phase.edge) {
      const logRegion = plan.regionOf(phase.edge.logLocation);
      const edge = new EdgeStack(this, stackId('edge', EDGE_REGION), {
        env: { account, region: EDGE_REGION },
        stackName: name('edge', EDGE_REGION),
        description: `Phase ${phase.phase} (${phase.name}): CDN for static pages, its certificate and WAF.`,
        tags: tags(EDGE_REGION),
        domainName: environment.domainName,
        hostedZoneId: environment.hostedZoneId,
        hostname: phase.edge.hostname,
        apiService: phase.edge.apiService,
        cdnLogs: { bucketName: cdnLogBucketName(phase.phase, account, logRegion), region: logRegion },
        blockedCountries: cdnAudience.blocked,
        alarmEmail: environment.alarmEmail,
      });
      declareResidency(edge, {
        markets: NO_PERSONAL_DATA,
        location: EDGE_REGION,
        reason:
          'Public static pages, the CDN, its certificate and WAF: viewer logs go to the log bucket of edge.logLocation, declared with the markets it logs.',
      });
      const logStack = dataByLocation.get(phase.edge.logLocation);
      if (logStack) edge.addStackDependency(logStack, 'CloudFront writes its logs to a bucket of this stack.');
    }
  }
}
