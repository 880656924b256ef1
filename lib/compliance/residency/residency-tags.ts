import { Stack, Tags } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';
import { REST_OF_WORLD } from '../../config/schema';

/** Space-separated market codes whose users' personal data a resource holds. */
export const MARKETS_TAG = 'residency:markets';
/** The plan location a stack deploys to. */
export const LOCATION_TAG = 'residency:location';
/** The markets tag value of a resource that holds no personal data (public pages, routing). */
export const NO_PERSONAL_DATA = 'none';
/** `*` may not appear in tag values; the rest of the world is tagged as this. */
const REST_OF_WORLD_TAG = 'ROW';

/**
 * Declares which markets' personal data everything under `scope` holds, and where it is.
 * Tags every taggable resource (visible to the residency checks at synth and to tag-based
 * policies at run time). A narrower scope may declare again: the nearest declaration wins.
 */
export function declareResidency(
  scope: IConstruct,
  residency: { readonly markets: readonly string[] | 'none'; readonly location?: string },
): void {
  const value =
    residency.markets === NO_PERSONAL_DATA
      ? NO_PERSONAL_DATA
      : residency.markets.map((m) => (m === REST_OF_WORLD ? REST_OF_WORLD_TAG : m)).join(' ');
  // Priority above the default so a narrower declaration overrides a stack-wide one.
  const priority = 100 + scope.node.scopes.length;
  Tags.of(scope).add(MARKETS_TAG, value, { priority });
  if (residency.location) Tags.of(scope).add(LOCATION_TAG, residency.location, { priority });
}

/** Reads a markets tag value back: market codes (with `*`), `none`, or undefined when absent. */
export function parseMarkets(value: string | undefined): string[] | 'none' | undefined {
  if (value === undefined) return undefined;
  if (value.trim() === NO_PERSONAL_DATA) return NO_PERSONAL_DATA;
  return value
    .split(/\s+/)
    .filter(Boolean)
    .map((m) => (m === REST_OF_WORLD_TAG ? REST_OF_WORLD : m));
}

/** The stack-level declaration, for resources CloudFormation cannot tag. */
export function stackMarkets(node: IConstruct): string[] | 'none' | undefined {
  return parseMarkets(Stack.of(node).tags.tagValues()[MARKETS_TAG]);
}
