import { type CfnResource, Stack, TagManager, Token } from 'aws-cdk-lib';
import { EDGE_REGION } from '../../config/aws-regions';
import type { MigrationPlan } from '../../config/migration-plan';
import { REST_OF_WORLD } from '../../config/schema';
import { MARKETS_TAG, parseMarkets, stackMarkets } from './residency-tags';

/**
 * What the residency rules know, from the plan: which locations each market allows, which
 * location each AWS region is, and how to read a resource's markets and region.
 */
export class ResidencyPolicy {
  private readonly locationByRegion: ReadonlyMap<string, string>;

  constructor(public readonly plan: MigrationPlan) {
    this.locationByRegion = new Map(
      plan.platform.locations.flatMap((l) => (l.kind === 'aws' ? [[l.region, l.id] as const] : [])),
    );
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
  public finding(market: string, region: string | undefined, how = 'stored-in'): string {
    const allowed = market === REST_OF_WORLD ? ['anywhere'] : (this.plan.market(market)?.allowedLocations ?? []);
    return `market=${market};${how}=${region ?? 'unknown-region'};allowed=${allowed.length ? allowed.join(',') : 'nowhere-yet'}`;
  }

  /** Markets a resource holds: its own tag, else its stack's declaration. */
  public marketsOf(node: CfnResource): string[] | 'none' | undefined {
    if (TagManager.isTaggable(node)) {
      const own = parseMarkets(node.tags.tagValues()[MARKETS_TAG]);
      if (own !== undefined) return own;
    }
    return stackMarkets(node);
  }

  /** The resource's region, when its stack has a concrete one. */
  public regionOf(node: CfnResource): string | undefined {
    const region = Stack.of(node).region;
    return Token.isUnresolved(region) ? undefined : region;
  }

  /**
   * The region a reference points into: a same-stack reference is the stack's region; a
   * cross-region weak reference names its region; an ARN names it in its fourth field; an
   * S3 regional domain name carries it. Anything else is unknown, and unknown never passes.
   */
  public regionOfReference(node: CfnResource, value: unknown): string | undefined {
    const resolved = Stack.of(node).resolve(value);
    if (resolved === undefined || resolved === null) return undefined;
    if (typeof resolved === 'string') return regionInString(resolved);
    if (typeof resolved === 'object') {
      const intrinsic = resolved as Record<string, unknown>;
      if ('Fn::GetStackOutput' in intrinsic) {
        return (intrinsic['Fn::GetStackOutput'] as { Region?: string }).Region ?? this.regionOf(node);
      }
      if ('Ref' in intrinsic || 'Fn::GetAtt' in intrinsic || 'Fn::ImportValue' in intrinsic) return this.regionOf(node);
      if ('Fn::Join' in intrinsic) {
        const [, parts] = intrinsic['Fn::Join'] as [string, unknown[]];
        const literal = parts.filter((p): p is string => typeof p === 'string').join('');
        const fromLiteral = regionInString(literal);
        if (fromLiteral) return fromLiteral;
        // arn:${Partition}:service:${Region}:... built from pseudo parameters is this stack's region.
        if (parts.some((p) => JSON.stringify(p) === '{"Ref":"AWS::Region"}')) return this.regionOf(node);
        const refs = parts.filter((p) => typeof p === 'object');
        return refs.length > 0 && refs.every((p) => 'Fn::GetAtt' in (p as object) || 'Ref' in (p as object))
          ? this.regionOf(node)
          : undefined;
      }
    }
    return undefined;
  }

  /** The edge region holds no market's data unless the plan makes it a location. */
  public isEdgeRegion(region: string | undefined): boolean {
    return region === EDGE_REGION && this.locationOfRegion(region) === undefined;
  }
}

function regionInString(value: string): string | undefined {
  const arn = /^arn:[^:]+:[^:]+:([a-z]{2}(?:-[a-z]+)+-\d):/.exec(value);
  if (arn) return arn[1];
  const s3 = /\.s3[.-]([a-z]{2}(?:-[a-z]+)+-\d)\.amazonaws\.com/.exec(value);
  return s3?.[1];
}
