import { Duration } from 'aws-cdk-lib';
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
  /** Every market's route for this service, from `MigrationPlan.routes`. */
  readonly routes: readonly MarketRoute[];
  /** This site's set identifier (`p<phase>-<location>`); it writes only its own weights. */
  readonly setIdentifier: string;
  /** Where this site answers. */
  readonly endpoint: RoutedEndpoint;
  /**
   * The legacy data center's endpoint. Given only to the routing owner, which then also writes
   * the geolocation record of every market and every legacy weight.
   * @default - this site writes its own weighted records only
   */
  readonly legacy?: RoutedEndpoint;
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

function marketId(market: string): string {
  return market === REST_OF_WORLD ? 'World' : market;
}

/**
 * Route 53 records that send each market's users where the plan says.
 *
 * `<service>` answers by geolocation, one record per market (and a default for the rest of the
 * world), each a CNAME to `<market>.<service>`. That name holds weighted CNAMEs, one per site
 * serving the market plus the legacy data center: the cutover. Every weighted record has a
 * health check, so an unhealthy site's share moves to the market's other targets, all of
 * which are places the market's data may live.
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

    this.healthCheck = check('Health', props.endpoint);
    const legacyCheck = props.legacy && check('LegacyHealth', props.legacy);

    for (const route of props.routes) {
      const name = marketName(route.market, props.serviceDomain);
      const own = route.targets.find((t) => t.setIdentifier === props.setIdentifier);
      if (own) {
        new route53.CnameRecord(this, `Weight${marketId(route.market)}`, {
          zone: props.zone,
          recordName: name,
          domainName: props.endpoint.hostname,
          ttl,
          weight: own.weight,
          setIdentifier: props.setIdentifier,
          healthCheck: this.healthCheck,
        });
      }
      if (!props.legacy || !legacyCheck) continue;

      new route53.CnameRecord(this, `Geo${marketId(route.market)}`, {
        zone: props.zone,
        recordName: props.serviceDomain,
        domainName: name,
        ttl,
        geoLocation:
          route.market === REST_OF_WORLD ? route53.GeoLocation.default() : route53.GeoLocation.country(route.market),
        setIdentifier: `geo-${marketId(route.market).toLowerCase()}`,
      });
      const legacy = route.targets.find((t) => t.setIdentifier === 'legacy');
      if (legacy) {
        new route53.CnameRecord(this, `Legacy${marketId(route.market)}`, {
          zone: props.zone,
          recordName: name,
          domainName: props.legacy.hostname,
          ttl,
          weight: legacy.weight,
          setIdentifier: 'legacy',
          healthCheck: legacyCheck,
        });
      }
    }
  }
}
