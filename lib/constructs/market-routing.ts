import { Duration, Stack } from 'aws-cdk-lib';
import * as route53 from 'aws-cdk-lib/aws-route53';
import { Construct } from 'constructs';
import type { MarketRoute } from '../config/migration-plan';
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
  /** Every declared market's route for this service, from `MigrationPlan.routes`. */
  readonly routes: readonly MarketRoute[];
  /** This site's set identifier (`p<phase>-<location>`); it writes only its own weights. */
  readonly setIdentifier: string;
  /** Where this site answers. */
  readonly endpoint: RoutedEndpoint;
  /** The legacy data center's endpoint: the other side of every cutover. */
  readonly legacy: RoutedEndpoint;
  /**
   * Whether this site is the service's routing owner: it then writes the geolocation record
   * of every market (and the default) and every declared market's legacy weight.
   * @default false
   */
  readonly ownsGeolocation?: boolean;
  /**
   * This site's share against legacy for the rest-of-the-world users it is nearest to, when
   * it serves `*`: it then writes its latency record and its own weighted pair.
   * @default - this site does not serve the rest of the world
   */
  readonly restOfWorld?: { readonly weight: number; readonly legacyWeight: number };
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

/**
 * Route 53 records that send each market's users where the plan says.
 *
 * `<service>` answers by geolocation, one record per declared market, each a CNAME to
 * `<market>.<service>`. That name holds weighted CNAMEs, one per site serving the market plus
 * the legacy data center: the cutover. Countries no market declares fall to the geolocation
 * default, `world.<service>`, which answers by latency among the sites serving `*`; each
 * points at `world-<site>.<service>`, that site's own weighted pair against legacy. Every
 * weighted record has a health check, so an unhealthy site's share moves to the market's other
 * targets, all of which are places the market's data may live.
 */
export class MarketRouting extends Construct {
  public readonly healthCheck: route53.HealthCheck;

  constructor(scope: Construct, id: string, props: MarketRoutingProps) {
    super(scope, id);
    const ttl = Duration.seconds(props.ttlSeconds ?? 60);
    const check = (checkId: string, endpoint: RoutedEndpoint) =>
      new route53.HealthCheck(this, checkId, {
        type: route53.HealthCheckType.HTTPS,
        fqdn: endpoint.hostname,
        port: 443,
        resourcePath: endpoint.healthCheckPath,
        requestInterval: Duration.seconds(30),
        failureThreshold: 3,
      });
    const cname = (recordId: string, options: Omit<route53.CnameRecordProps, 'zone' | 'ttl'>) =>
      new route53.CnameRecord(this, recordId, { zone: props.zone, ttl, ...options });

    this.healthCheck = check('Health', props.endpoint);
    const legacyCheck = props.ownsGeolocation || props.restOfWorld ? check('LegacyHealth', props.legacy) : undefined;

    for (const route of props.routes) {
      const name = marketName(route.market, props.serviceDomain);
      const own = route.targets.find((t) => t.setIdentifier === props.setIdentifier);
      if (own) {
        cname(`Weight${route.market}`, {
          recordName: name,
          domainName: props.endpoint.hostname,
          weight: own.weight,
          setIdentifier: props.setIdentifier,
          healthCheck: this.healthCheck,
        });
      }
      if (!props.ownsGeolocation) continue;
      cname(`Geo${route.market}`, {
        recordName: props.serviceDomain,
        domainName: name,
        geoLocation: route53.GeoLocation.country(route.market),
        setIdentifier: `geo-${route.market.toLowerCase()}`,
      });
      const legacy = route.targets.find((t) => t.setIdentifier === 'legacy');
      if (legacy) {
        cname(`Legacy${route.market}`, {
          recordName: name,
          domainName: props.legacy.hostname,
          weight: legacy.weight,
          setIdentifier: 'legacy',
          healthCheck: legacyCheck,
        });
      }
    }

    const world = marketName(REST_OF_WORLD, props.serviceDomain);
    if (props.ownsGeolocation) {
      cname('GeoWorld', {
        recordName: props.serviceDomain,
        domainName: world,
        geoLocation: route53.GeoLocation.default(),
        setIdentifier: 'geo-world',
      });
    }
    if (props.restOfWorld) {
      const nearest = `world-${props.setIdentifier}.${props.serviceDomain}`;
      cname('WorldLatency', {
        recordName: world,
        domainName: nearest,
        region: Stack.of(this).region,
        setIdentifier: props.setIdentifier,
        healthCheck: this.healthCheck,
      });
      cname('WorldWeight', {
        recordName: nearest,
        domainName: props.endpoint.hostname,
        weight: props.restOfWorld.weight,
        setIdentifier: props.setIdentifier,
        healthCheck: this.healthCheck,
      });
      cname('WorldLegacy', {
        recordName: nearest,
        domainName: props.legacy.hostname,
        weight: props.restOfWorld.legacyWeight,
        setIdentifier: 'legacy',
        healthCheck: legacyCheck,
      });
    }
  }
}
