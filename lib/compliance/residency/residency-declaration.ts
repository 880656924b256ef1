import { Stage, Tags } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';
import { REST_OF_WORLD } from '../../config/schema';

/** Space-separated market codes whose users' personal data a resource holds (a run-time tag). */
export const MARKETS_TAG = 'residency:markets';
/** The plan location a stack deploys to (a run-time tag). */
export const LOCATION_TAG = 'residency:location';
/** The declaration of a scope that holds no personal data (public pages, routing, alarms). */
export const NO_PERSONAL_DATA = 'none';
/** `*` may not appear in tag values; the rest of the world is tagged as this. */
const REST_OF_WORLD_TAG = 'ROW';

/** Whose personal data everything under a scope holds. */
export type ResidencyDeclaration =
  | {
      /** Market codes (`*`: the rest of the world) whose users' personal data is here. */
      readonly markets: readonly string[];
      /** The plan location the scope deploys to. @default - not tagged */
      readonly location?: string;
      /**
       * Why, when this declaration drops markets of an enclosing one (a store holding only some
       * of its stack's markets): the pack refuses such a narrowing without a reason.
       * @default - none; an enclosing declaration's markets may then only be kept or extended
       */
      readonly reason?: string;
    }
  | {
      readonly markets: typeof NO_PERSONAL_DATA;
      /** Why nothing here is personal data: reviewers read every one (cdk.out/residency.json lists them). */
      readonly reason: string;
      readonly location?: string;
    };

/** Where a declaration was made, for the residency map and findings. */
export interface DeclarationSite {
  readonly declaration: ResidencyDeclaration;
  /** The construct the declaration sits on. */
  readonly scope: IConstruct;
  /** Its construct path. */
  readonly path: string;
}

// A property on the construct itself, not a tag: tags depend on feature flags
// (`@aws-cdk/core:explicitStackTags` keeps a stack's tags off its resources) and on which
// resource types CloudFormation can tag, and the residency checks must not depend on either.
// Symbol.for, so two copies of this module (jest's registry, a linked package) agree.
const DECLARATION = Symbol.for('dc-migration.residency-declaration');

/**
 * Declares whose personal data everything under `scope` holds. The nearest declaration above a
 * resource wins, so a narrower scope (one bucket in a data stack) may override its stack's.
 * Also adds `residency:*` tags for tag-based policies at run time; the checks never read them.
 */
export function declareResidency(scope: IConstruct, declaration: ResidencyDeclaration): void {
  if (Stage.isStage(scope) || scope.node.scopes.length === 1) {
    throw new Error(
      `${scope.node.path || 'the app'}: declare residency on a stack or a construct inside one, not on a stage or the app`,
    );
  }
  if (declaration.markets === NO_PERSONAL_DATA && declaration.reason.trim().length < 20) {
    throw new Error(`${scope.node.path}: a declaration of no personal data needs a reason a reviewer can check`);
  }
  if ('reason' in declaration && declaration.reason !== undefined && declaration.reason.trim().length < 20) {
    throw new Error(
      `${scope.node.path}: a reason must be a sentence a reviewer can check, not ${JSON.stringify(declaration.reason)}`,
    );
  }
  if (Array.isArray(declaration.markets) && declaration.markets.length === 0) {
    throw new Error(`${scope.node.path}: declare at least one market, or "none" with a reason`);
  }
  if ((scope as { [DECLARATION]?: ResidencyDeclaration })[DECLARATION]) {
    throw new Error(`${scope.node.path}: residency is already declared here`);
  }
  Object.defineProperty(scope, DECLARATION, { value: declaration, enumerable: false });

  const value =
    declaration.markets === NO_PERSONAL_DATA
      ? NO_PERSONAL_DATA
      : declaration.markets.map((m) => (m === REST_OF_WORLD ? REST_OF_WORLD_TAG : m)).join(' ');
  // Priority above the default so a narrower declaration's tag overrides a stack-wide one.
  const priority = 100 + scope.node.scopes.length;
  Tags.of(scope).add(MARKETS_TAG, value, { priority });
  if (declaration.location) Tags.of(scope).add(LOCATION_TAG, declaration.location, { priority });
}

/** Every declaration at or above a construct, nearest first. */
export function declarationsAbove(construct: IConstruct): DeclarationSite[] {
  return construct.node.scopes
    .flatMap((scope) => {
      const declaration = (scope as { [DECLARATION]?: ResidencyDeclaration })[DECLARATION];
      return declaration ? [{ declaration, scope, path: scope.node.path }] : [];
    })
    .reverse();
}

/** The nearest declaration at or above a construct, or undefined when nothing above it declares. */
export function declarationOf(construct: IConstruct): DeclarationSite | undefined {
  return declarationsAbove(construct)[0];
}

/** Every declaration in a tree, outermost first (for the residency map). */
export function declarationsIn(root: IConstruct): DeclarationSite[] {
  return root.node.findAll().flatMap((scope) => {
    const declaration = (scope as { [DECLARATION]?: ResidencyDeclaration })[DECLARATION];
    return declaration ? [{ declaration, scope, path: scope.node.path }] : [];
  });
}
