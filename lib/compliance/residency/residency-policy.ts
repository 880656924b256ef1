import { type CfnResource, Stack, Token } from 'aws-cdk-lib';
import { EDGE_REGION } from '../../config/aws-regions';
import type { MigrationPlan } from '../../config/migration-plan';
import { REST_OF_WORLD } from '../../config/schema';
import { DATA_BEARING_TYPES } from './data-bearing';
import { declarationOf, NO_PERSONAL_DATA } from './residency-declaration';
import type { Whereabouts } from './whereabouts';

/** Services whose ARNs name stores of data. */
const DATA_SERVICES = new Set([
  'rds',
  'dynamodb',
  's3',
  'kinesis',
  'es',
  'aoss',
  'elasticache',
  'memorydb',
  'redshift',
  'docdb',
  'neptune-db',
  'timestream',
  'cassandra',
  'qldb',
  'dsql',
]);

/**
 * What the residency rules know, from the plan: which locations each market allows, which
 * location each AWS region is, and whose data a resource holds (its nearest declaration).
 */
export class ResidencyPolicy {
  private readonly locationByRegion: ReadonlyMap<string, string>;
  /**
   * Names the plan itself routes to, so they are not "outside": every environment's domain, the
   * legacy data center's origin and the providers' endpoints (routing to those is the plan's decision,
   * checked when the plan loads).
   */
  public readonly ownDomains: readonly string[];

  constructor(public readonly plan: MigrationPlan) {
    this.locationByRegion = new Map(
      plan.platform.locations.flatMap((l) => (l.kind === 'aws' ? [[l.region, l.id] as const] : [])),
    );
    this.ownDomains = [
      ...new Set([
        ...Object.values(plan.platform.environments).map((e) => e.domainName),
        plan.platform.legacy.originHostname,
        ...plan.platform.locations.flatMap((l) => (l.kind === 'provider' ? [l.endpoint] : [])),
      ]),
    ];
  }

  /**
   * The provider site whose database the plan names at this host, if any: replication into it
   * goes to that site (a location the markets must allow), over the VPN from its home region.
   */
  public providerDatabaseSite(host: unknown): string | undefined {
    if (typeof host !== 'string') return undefined;
    return this.plan.platform.locations.find((l) => l.kind === 'provider' && l.database.endpoint === host.toLowerCase())
      ?.id;
  }

  /** Every declared market and `*`. */
  public get markets(): string[] {
    return [...this.plan.platform.markets.map((m) => m.code), REST_OF_WORLD];
  }

  /** The plan location an AWS region is, or undefined when the plan has no location there. */
  public locationOfRegion(region: string | undefined): string | undefined {
    return region === undefined ? undefined : this.locationByRegion.get(region);
  }

  /** Whether a market's data may be in a region. A region the plan has no location in allows nobody's. */
  public allowsRegion(market: string, region: string | undefined): boolean {
    if (market === REST_OF_WORLD) return true;
    const location = this.locationOfRegion(region);
    return location !== undefined && this.plan.isAllowed(market, location);
  }

  /**
   * One finding: the market, how and where its data would go, and where it may live, as
   * `market=IN;stored-in=eu-central-1;allowed=ap-south-1,ap-southeast-1`. No spaces: cdk-nag
   * turns finding IDs into acknowledgment IDs, and the report rewrites spaces.
   */
  public finding(market: string, where: string | undefined, how = 'stored-in', via?: string): string {
    const allowed = market === REST_OF_WORLD ? ['anywhere'] : (this.plan.market(market)?.allowedLocations ?? []);
    const path = via ? `;via=${via}` : '';
    return `market=${market};${how}=${where ?? 'unknown-region'}${path};allowed=${allowed.length ? allowed.join(',') : 'nowhere-yet'}`;
  }

  /**
   * Findings for every market whose data may not go where `whereabouts` say; a place that
   * cannot be proven is a finding for every market (`sends-to=unprovable:<why>`).
   */
  public disallowedAt(
    markets: readonly string[],
    whereabouts: readonly Whereabouts[],
    how: string,
    via?: string,
  ): string[] {
    return whereabouts.flatMap((w) => {
      if (w.kind === 'nowhere') return [];
      if (w.kind === 'site') {
        return markets
          .filter((m) => !this.plan.isAllowed(m, w.location))
          .map((m) => this.finding(m, w.location, how, via));
      }
      if (w.kind === 'unprovable') {
        return markets.filter((m) => m !== REST_OF_WORLD).map((m) => this.finding(m, `unprovable:${w.why}`, how, via));
      }
      return markets.filter((m) => !this.allowsRegion(m, w.region)).map((m) => this.finding(m, w.region, how, via));
    });
  }

  /**
   * Findings for data pulled in: a reference from `node` to a data store of this app in another
   * region lets that store's data come here, so each of its markets must allow this region.
   */
  public pulledInto(node: CfnResource, whereabouts: readonly Whereabouts[], via: string): string[] {
    const here = this.regionOf(node);
    return whereabouts.flatMap((w) => {
      if (w.kind !== 'region' || w.region === here) return [];
      if (!w.resource) {
        // A store outside this app in another region: whose rows it holds cannot be known.
        return w.service && DATA_SERVICES.has(w.service)
          ? [`market=unknown;read-into=${here};from=${w.region};via=${via}`]
          : [];
      }
      if (!DATA_BEARING_TYPES.has(w.resource.cfnResourceType)) return [];
      const theirs = this.marketsOf(w.resource);
      if (!Array.isArray(theirs)) return [];
      return theirs.filter((m) => !this.allowsRegion(m, here)).map((m) => this.finding(m, here, 'read-into', via));
    });
  }

  /** Markets a resource holds: its nearest declaration (its own scope's, else its stack's...). */
  public marketsOf(node: CfnResource): string[] | typeof NO_PERSONAL_DATA | undefined {
    const site = declarationOf(node);
    if (!site) return undefined;
    return site.declaration.markets === NO_PERSONAL_DATA ? NO_PERSONAL_DATA : [...site.declaration.markets];
  }

  /** The resource's region, when its stack has a concrete one. */
  public regionOf(node: CfnResource): string | undefined {
    const region = Stack.of(node).region;
    return Token.isUnresolved(region) ? undefined : region;
  }

  /** The edge region holds no market's data unless the plan makes it a location. */
  public isEdgeRegion(region: string | undefined): boolean {
    return region === EDGE_REGION && this.locationOfRegion(region) === undefined;
  }
}
