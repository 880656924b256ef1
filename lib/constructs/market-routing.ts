import { Duration, Stack } from 'aws-cdk-lib';
import * as route53 from 'aws-cdk-lib/aws-route53';
import { Construct } from 'constructs';
import type { MarketLayer, SiteRouting } from '../config/migration-plan';
import { REST_OF_WORLD } from '../config/schema';

/** An HTTPS endpoint that answers a market's name, with the path Route 53 checks. */
export interface RoutedEndpoint {
  /** DNS name the weighted CNAME points at (an ALB, the legacy origin, a provider's endpoint). */
  readonly hostname: string;
  /** Path that answers 2xx/3xx when the endpoint is healthy. */
  readonly healthCheckPath: string;
}

/** Props for {@link MarketRouting}. */
export interface MarketRoutingProps {
  /** The imported public hosted zone. */
  readonly zone: route53.IHostedZone;
  /** The service's public name, such as `shop.example.com`. */
  readonly serviceDomain: string;
  /** What this site writes, from `MigrationPlan.siteRouting`: its layers, and the owner's records if it is the owner. */
  readonly routing: SiteRouting;
  /** Where this site answers. */
  readonly endpoint: RoutedEndpoint;
  /** The legacy data center's endpoint: the bottom of every market's layers. */
  readonly legacy: RoutedEndpoint;
  /**
   * Record TTL; short so a cutover change or a failover takes effect quickly.
   * @default 60
   */
  readonly ttlSeconds?: number;
}

/** `sg.shop.example.com`; the rest of the world is `world.shop.example.com`. */
export function marketName(market: string, serviceDomain: string): string {
  return `${market === REST_OF_WORLD ? 'world' : market.toLowerCase()}.${serviceDomain}`;
}

/** `p3.in.shop.example.com`: one phase's layer of a market's routing. */
export function layerName(phase: number, market: string, serviceDomain: string): string {
  return `p${phase}.${marketName(market, serviceDomain)}`;
}

/**
 * Route 53 records that send each market's users where the plan says, with each phase's number in
 * that phase's own records only.
 *
 * `<service>` answers by geolocation, one record per declared market (written by the service's
 * routing owner), each a CNAME to `<market>.<service>`. That name holds one weighted record per
 * phase serving the market, each a CNAME to the phase's layer `p<phase>.<market>.<service>`,
 * weight 1 for the latest phase and 0 for the others. A layer sends the phase's cutover to its
 * site (once the site's copy of the rows is ready) and the rest to the layer below: the previous
 * phase's, or the legacy data center. So a cutover edit changes one layer in one stack; a new
 * phase adds its records beside the others, and whichever stack deploys first, every name keeps
 * an answer (see `MigrationPlan.layers` and `entryLegacy`).
 *
 * Countries no market declares fall to the geolocation default, `world.<service>`, which
 * answers by latency among the sites serving `*`; each points at `world-<site>.<service>`, that
 * site's own weighted pair against legacy. Every record that reaches an endpoint has a health
 * check, so an unhealthy site's share moves down its layers, to places the market's data may live.
 */
export class MarketRouting extends Construct {
  /** Every health check a record here uses, with what it checks (the site, or legacy). */
  public readonly healthChecks: { readonly target: string; readonly check: route53.HealthCheck }[] = [];

  constructor(scope: Construct, id: string, props: MarketRoutingProps) {
    super(scope, id);
    const { routing, serviceDomain } = props;
    const ttl = Duration.seconds(props.ttlSeconds ?? 60);
    const check = (checkId: string, endpoint: RoutedEndpoint) => {
      const made = new route53.HealthCheck(this, checkId, {
        type: route53.HealthCheckType.HTTPS,
        fqdn: endpoint.hostname,
        port: 443,
        resourcePath: endpoint.healthCheckPath,
        requestInterval: Duration.seconds(30),
        failureThreshold: 3,
      });
      this.healthChecks.push({ target: `${serviceDomain} ${checkId === 'Health' ? 'site' : 'legacy'}`, check: made });
      return made;
    };
    const cname = (recordId: string, options: Omit<route53.CnameRecordProps, 'zone' | 'ttl'>) =>
      new route53.CnameRecord(this, recordId, { zone: props.zone, ttl, ...options });

    // Health checks exist only where a record uses them: a copying site has none yet.
    let siteCheck: route53.HealthCheck | undefined;
    const siteHealth = () => {
      siteCheck ??= check('Health', props.endpoint);
      return siteCheck;
    };
    let legacyCheck: route53.HealthCheck | undefined;
    const legacyHealth = () => {
      legacyCheck ??= check('LegacyHealth', props.legacy);
      return legacyCheck;
    };

    for (const layer of routing.layers) this.addLayer(layer, props, cname, siteHealth, legacyHealth);

    if (routing.owner) {
      for (const market of routing.owner.markets) {
        cname(`Geo${market}`, {
          recordName: serviceDomain,
          domainName: marketName(market, serviceDomain),
          geoLocation: route53.GeoLocation.country(market),
          setIdentifier: `geo-${market.toLowerCase()}`,
        });
      }
      for (const { market, weight } of routing.owner.entryLegacy) {
        cname(`Legacy${market}`, {
          recordName: marketName(market, serviceDomain),
          domainName: props.legacy.hostname,
          weight,
          setIdentifier: 'legacy',
          healthCheck: legacyHealth(),
        });
      }
      cname('GeoWorld', {
        recordName: serviceDomain,
        domainName: marketName(REST_OF_WORLD, serviceDomain),
        geoLocation: route53.GeoLocation.default(),
        setIdentifier: 'geo-world',
      });
    }

    const world = routing.restOfWorld;
    if (world) {
      const nearest = `world-${world.setIdentifier}.${serviceDomain}`;
      cname('WorldLatency', {
        recordName: marketName(REST_OF_WORLD, serviceDomain),
        domainName: nearest,
        region: Stack.of(this).region,
        setIdentifier: world.setIdentifier,
        healthCheck: world.serves ? siteHealth() : undefined,
      });
      // Until the site's copy is ready, its pair holds only legacy: no route to an empty database.
      if (world.serves) {
        cname('WorldWeight', {
          recordName: nearest,
          domainName: props.endpoint.hostname,
          weight: world.weight,
          setIdentifier: world.setIdentifier,
          healthCheck: siteHealth(),
        });
      }
      // Once the site is the system of record, legacy's rows are stale: no failover there.
      if (world.legacyFallback) {
        cname('WorldLegacy', {
          recordName: nearest,
          domainName: props.legacy.hostname,
          weight: world.legacyWeight,
          setIdentifier: 'legacy',
          healthCheck: legacyHealth(),
        });
      }
    }
  }

  /** This phase's layer of one market: its record at the market's name, its site, and the way down. */
  private addLayer(
    layer: MarketLayer,
    props: MarketRoutingProps,
    cname: (recordId: string, options: Omit<route53.CnameRecordProps, 'zone' | 'ttl'>) => route53.CnameRecord,
    siteHealth: () => route53.HealthCheck,
    legacyHealth: () => route53.HealthCheck,
  ): void {
    const { serviceDomain } = props;
    const name = layerName(layer.phase, layer.market, serviceDomain);
    cname(`Entry${layer.market}`, {
      recordName: marketName(layer.market, serviceDomain),
      domainName: name,
      weight: layer.entryWeight,
      setIdentifier: `p${layer.phase}`,
    });
    if (layer.serves) {
      cname(`Layer${layer.market}`, {
        recordName: name,
        domainName: props.endpoint.hostname,
        weight: layer.weight,
        setIdentifier: layer.setIdentifier,
        healthCheck: siteHealth(),
      });
    }
    if (layer.below) {
      const toLegacy = layer.below === 'legacy';
      cname(`Below${layer.market}`, {
        recordName: name,
        domainName: toLegacy ? props.legacy.hostname : layerName(layer.below.phase, layer.market, serviceDomain),
        // Weight 0 next to a site at 100 % is the failover when the site's health check fails.
        weight: layer.serves ? 100 - layer.weight : 100,
        setIdentifier: 'below',
        healthCheck: toLegacy ? legacyHealth() : undefined,
      });
    }
  }
}
