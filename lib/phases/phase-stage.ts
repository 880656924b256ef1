import { Fn, Stage, type StageProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { declareResidency, NO_PERSONAL_DATA } from '../compliance/residency/residency-declaration';
import { AWS_REGION_COUNTRIES, EDGE_REGION } from '../config/aws-regions';
import type { DataSource, MigrationPlan, Replication } from '../config/migration-plan';
import { type EnvironmentConfig, type PhaseConfig, REST_OF_WORLD } from '../config/schema';
import type { LegacyDatabase } from '../constructs/market-replication';
import type { UploadingMarket } from '../constructs/upload-acceleration';
import { cdnLogBucketName, customerGatewayExportName, stackId, stackName } from '../naming';
import { DataStack } from '../stacks/data-stack';
import { EdgeStack } from '../stacks/edge-stack';
import { HealthStack } from '../stacks/health-stack';
import { LinkStack } from '../stacks/link-stack';
import { ProviderSiteStack } from '../stacks/provider-site-stack';
import { type RegionalService, ServiceStack } from '../stacks/service-stack';
import { type TransferPeering, TransferStack, type TransferTarget } from '../stacks/transfer-stack';
import { addWatchStacks } from './watch-composition';

/** A replication into a site from an earlier phase's site (not from legacy). */
type RegionTransfer = Replication & { readonly source: Exclude<DataSource, 'legacy'> };

/** Props for {@link PhaseStage}. */
export interface PhaseStageProps extends StageProps {
  readonly plan: MigrationPlan;
  readonly phase: number;
  /** The environment (account, zone) being synthesized. */
  readonly environment: EnvironmentConfig;
}

/**
 * One migration phase: which stacks exist and where, read from the plan. Per AWS location a
 * data stack and a service stack, and, where its rows come from an earlier phase's region, a
 * transfer stack there and a link stack beside it; per local-provider site a site stack in its
 * home region; the health stack and, when the phase has a CDN, the edge stack in us-east-1; the
 * watch stacks of its goals. No resource logic here.
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

    const legacyDatabase: LegacyDatabase = {
      hostname: legacy.database.endpoint,
      port: legacy.database.port,
      engine: legacy.database.engine,
      databaseName: legacy.database.name,
      cidr: legacy.cidr,
      marketColumn: legacy.database.marketColumn,
    };
    const declaredMarkets = plan.platform.markets.map((m) => m.code);
    // Each peer's customer gateway is the Account stage's, one per region (see GatewaysStack).
    const vpnTo = (peerId: string) => ({
      id: peerId,
      customerGatewayId: Fn.importValue(customerGatewayExportName(peerId)),
    });

    for (const { site, location } of plan.awsSites(phase)) {
      const env = { account, region: location.region };
      const keepsCdnLogs = phase.edge?.logLocation === location.id;
      // What later phases replicate out of this site (India's rows, from Singapore to Mumbai).
      const readByLater = [...new Set(plan.replicationsFrom(phase.phase, location.id).map((r) => r.service))];
      const transfersIn = this.regionTransfers(plan, phase, location.id).length > 0;
      const fromLegacy = Object.fromEntries(
        phase.services.map((s) => [s, plan.legacyReplicationMarkets(phase.phase, location.id, s)]),
      );
      const data = new DataStack(this, stackId('data', location.id), {
        env,
        stackName: name('data', location.id),
        description: `Phase ${phase.phase} (${phase.name}): stores, keys and network in ${location.region}.`,
        tags: tags(location.id),
        // Its databases' addresses reach the transfer stack in the source region by reference.
        crossRegionReferences: transfersIn,
        vpcCidr: site.vpcCidr as string,
        services: phase.services.map((s) => plan.service(s)),
        // A VPN to Beijing only while DMS reads the legacy database from here: a site filled from
        // an earlier phase's region (Mumbai, phase 4's) never reaches Beijing, and an unused tunnel
        // would only alarm until the data center configured it.
        vpnPeers: Object.values(fromLegacy).some((markets) => markets.length > 0) ? [vpnTo(legacy.id)] : [],
        replication: {
          legacy: legacyDatabase,
          marketsByService: fromLegacy,
          declaredMarkets,
          truncateBeforeLoad: site.truncateBeforeLoad,
        },
        alarmEmail: environment.alarmEmail,
        uploads: { domainName: environment.domainName, markets: this.uploadingMarkets(plan, site.markets) },
        cdnLogBucketName: keepsCdnLogs ? cdnLogBucketName(phase.phase, account, location.region) : undefined,
        replicationSource: readByLater.length
          ? { phase: phase.phase, location: location.id, services: readByLater }
          : undefined,
      });
      declareResidency(data, { markets: site.markets, location: location.id });
      if (data.cdnLogsBucket) {
        // CloudFront logs hold the IPs of every market the CDN serves, not only this site's.
        declareResidency(data.cdnLogsBucket, { markets: cdnAudience.viewers });
      }
      dataByLocation.set(location.id, data);

      const service = new ServiceStack(this, stackId('service', location.id), {
        env,
        // Its health checks' IDs reach the phase's health stack in us-east-1.
        crossRegionReferences: true,
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

    // Region to region: rows of markets an earlier phase served move from its region into this
    // phase's sites, by one transfer stack per source location (feeding each site whose rows are
    // there) and a link stack beside each receiving site.
    const transfersFrom = new Map<string, TransferTarget[]>();
    for (const { site, location } of plan.awsSites(phase)) {
      const transfers = this.regionTransfers(plan, phase, location.id);
      const bySourceLocation = new Map<string, RegionTransfer[]>();
      for (const t of transfers) {
        bySourceLocation.set(t.source.locationId, [...(bySourceLocation.get(t.source.locationId) ?? []), t]);
      }
      for (const [sourceLocation, fromThere] of bySourceLocation) {
        const sources = [...new Set(fromThere.map((t) => t.source.phase))].map((sourcePhase) => {
          const sourceSite = plan.phase(sourcePhase).locations.find((l) => l.location === sourceLocation);
          return {
            phase: sourcePhase,
            location: sourceLocation,
            cidr: sourceSite?.vpcCidr as string,
            services: fromThere
              .filter((t) => t.source.phase === sourcePhase)
              .map((t) => ({
                config: plan.service(t.service),
                markets: t.markets,
                truncateBeforeLoad: t.truncateBeforeLoad,
              })),
          };
        });
        const target = {
          data: dataByLocation.get(location.id) as DataStack,
          location: location.id,
          cidr: site.vpcCidr as string,
          sources,
          // Keeps the IDs of a transfer into one site; a site added to a phase goes after the others.
          firstOfPhase: phase.locations[0].location === location.id,
        };
        transfersFrom.set(sourceLocation, [...(transfersFrom.get(sourceLocation) ?? []), target]);
      }
    }
    const peerings: TransferPeering[] = [];
    for (const [sourceLocation, targets] of transfersFrom) {
      const region = plan.regionOf(sourceLocation);
      const moved = [
        ...new Set(targets.flatMap((t) => t.sources.flatMap((s) => s.services.flatMap((x) => x.markets)))),
      ];
      const transfer = new TransferStack(this, stackId('transfer', sourceLocation), {
        env: { account, region },
        stackName: name('transfer', sourceLocation),
        description: `Phase ${phase.phase} (${phase.name}): replication of ${moved.join(', ')} rows from ${region} into ${targets.map((t) => plan.regionOf(t.location)).join(', ')}.`,
        tags: tags(sourceLocation),
        targets,
        marketColumn: legacy.database.marketColumn,
        declaredMarkets,
        alarmEmail: environment.alarmEmail,
      });
      // DMS runs here and sees every row it copies.
      declareResidency(transfer, { markets: moved, location: sourceLocation });
      peerings.push(...transfer.peerings);
    }
    // One link per receiving site, whatever the number of source regions.
    for (const { location } of plan.awsSites(phase)) {
      const into = peerings.filter((p) => p.target === location.id);
      if (into.length === 0) continue;
      const link = new LinkStack(this, stackId('link', location.id), {
        env: { account, region: location.region },
        stackName: name('link', location.id),
        description: `Phase ${phase.phase} (${phase.name}): routes and database access for the replication from ${[...new Set(into.map((p) => plan.regionOf(p.location)))].join(', ')}.`,
        tags: tags(location.id),
        data: dataByLocation.get(location.id) as DataStack,
        peerings: into,
      });
      declareResidency(link, {
        markets: NO_PERSONAL_DATA,
        location: location.id,
        reason: 'Routes to a peered VPC and security-group rules only: no store, no copy of any row.',
      });
    }

    for (const { site: phaseSite, location } of plan.providerSites(phase)) {
      const site = new ProviderSiteStack(this, stackId('site', location.id), {
        crossRegionReferences: true,
        env: { account, region: location.homeRegion },
        stackName: name('site', location.id),
        description: `Phase ${phase.phase} (${phase.name}): routing to ${location.provider}, ${location.city}.`,
        tags: tags(location.id),
        services: servicesAt(location.id),
        domainName: environment.domainName,
        hostedZoneId: environment.hostedZoneId,
        endpoint: location.endpoint,
        legacy: { hostname: legacy.originHostname },
        vpcCidr: phaseSite.vpcCidr as string,
        alarmEmail: environment.alarmEmail,
        // CloudFormation waits for a service to be stable: no tasks until the provider's hosts exist.
        desiredCount: plan.registeredHosts(phaseSite) > 0 ? phaseSite.minTasks : 0,
        vpnPeers: [vpnTo(location.id), vpnTo(legacy.id)],
        replication: {
          legacy: legacyDatabase,
          database: location.database,
          networks: location.networks,
          services: phase.services.flatMap((service) =>
            plan
              .replications(phase.phase, location.id, service)
              .filter((r) => r.source === 'legacy')
              .map((r) => ({
                config: plan.service(service),
                markets: r.markets,
                truncateBeforeLoad: r.truncateBeforeLoad,
              })),
          ),
          declaredMarkets,
        },
      });
      // Replication into the site's database runs in the home region and sees the site's rows.
      declareResidency(site, { markets: phaseSite.markets, location: location.id });
    }

    const healthChecks = this.node.children.flatMap((c) =>
      c instanceof ServiceStack || c instanceof ProviderSiteStack ? c.healthChecks : [],
    );
    if (healthChecks.length > 0) {
      const health = new HealthStack(this, stackId('health', EDGE_REGION), {
        env: { account, region: EDGE_REGION },
        stackName: name('health', EDGE_REGION),
        description: `Phase ${phase.phase} (${phase.name}): alarms on the Route 53 health checks that move its users.`,
        tags: tags(EDGE_REGION),
        healthChecks,
        alarmEmail: environment.alarmEmail,
      });
      declareResidency(health, {
        markets: NO_PERSONAL_DATA,
        location: EDGE_REGION,
        reason: 'Alarms on health-check metrics, their topic and a dashboard: alarm states only, never user data.',
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

    // Goals: canaries near each market the phase serves, its exit criteria, and its dashboard,
    // which also shows what every other stack of the phase watches (see addWatchStacks).
    const watched = this.node.children.flatMap((c) =>
      c instanceof DataStack || c instanceof ProviderSiteStack || c instanceof TransferStack || c instanceof HealthStack
        ? c.migrationAlarms.signals
        : [],
    );
    addWatchStacks(this, { plan, phase, environment, tags, watched });
  }

  /**
   * The markets whose users upload to a site's object stores, with where their users are (the
   * region nearest them) and whether their data may leave their country at all.
   */
  private uploadingMarkets(plan: MigrationPlan, markets: readonly string[]): UploadingMarket[] {
    const legacy = plan.platform.legacy;
    const countryOf = (locationId: string): string | undefined => {
      if (locationId === legacy.id) return legacy.country;
      const location = plan.location(locationId);
      return location.kind === 'aws' ? AWS_REGION_COUNTRIES[location.region] : location.country;
    };
    return markets.map((code) => {
      if (code === REST_OF_WORLD) return { code, mayLeaveCountry: true };
      const market = plan.market(code);
      return {
        code,
        nearestRegion: market?.canaryRegion,
        mayLeaveCountry: (market?.allowedLocations ?? []).some((l) => countryOf(l) !== code),
      };
    });
  }

  /** Replications into a site of this phase whose rows come from an earlier phase's AWS site. */
  private regionTransfers(plan: MigrationPlan, phase: PhaseConfig, locationId: string): RegionTransfer[] {
    return phase.services.flatMap((service) =>
      plan.replications(phase.phase, locationId, service).filter((r) => r.source !== 'legacy'),
    ) as RegionTransfer[];
  }
}
