import { Stack, type StackProps } from 'aws-cdk-lib';
import * as route53 from 'aws-cdk-lib/aws-route53';
import type { Construct } from 'constructs';
import { MarketRouting, type RoutedEndpoint } from '../constructs/market-routing';
import { constructId } from '../naming';
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
}

/**
 * A local provider's site: the services run on the provider's own infrastructure, so AWS holds
 * only the routing. This stack writes the site's weighted records for the markets it serves,
 * each behind a Route 53 health check of the provider's endpoint. No data lives here.
 */
export class ProviderSiteStack extends Stack {
  constructor(scope: Construct, id: string, props: ProviderSiteStackProps) {
    super(scope, id, props);
    const zone = route53.PublicHostedZone.fromHostedZoneAttributes(this, 'Zone', {
      hostedZoneId: props.hostedZoneId,
      zoneName: props.domainName,
    });
    for (const { config, routing } of props.services) {
      new MarketRouting(this, `${constructId(config.name)}Routing`, {
        zone,
        serviceDomain: `${config.name}.${props.domainName}`,
        routing,
        endpoint: { hostname: props.endpoint, healthCheckPath: config.healthCheckPath },
        legacy: { ...props.legacy, healthCheckPath: config.healthCheckPath },
      });
    }
  }
}
