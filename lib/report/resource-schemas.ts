import type { loadAwsServiceSpecSync } from '@aws-cdk/aws-service-spec';

/** Whether changing a property replaces its resource: the CloudFormation schemas' create-only properties. */
export type Replacement = 'yes' | 'maybe' | 'no';

/** What the comparison needs to know about resource types. */
export interface ResourceSchemas {
  /**
   * Whether changing the value at `path` (property names, with list indexes and map keys as they
   * appear in the template) replaces a resource of this type.
   */
  replacement(type: string, path: readonly (string | number)[]): Replacement;
  /** Whether the type holds state that a replacement or deletion loses (per the schemas). */
  isStateful(type: string): boolean;
}

type SpecDatabase = ReturnType<typeof loadAwsServiceSpecSync>;
/** The parts of a spec resource this reads. */
interface ResourceShape {
  readonly properties: Record<string, PropertyShape>;
  readonly additionalReplacementProperties?: readonly (readonly string[])[];
  readonly isStateful?: boolean;
}
interface PropertyShape {
  readonly causesReplacement?: Replacement;
  readonly type: TypeShape;
}
type TypeShape =
  | { readonly type: 'ref'; readonly reference: { readonly $ref: string } }
  | { readonly type: 'array' | 'map'; readonly element: TypeShape }
  | { readonly type: 'union'; readonly types: readonly TypeShape[] }
  | { readonly type: string };

/**
 * Reads the resource schemas from `@aws-cdk/aws-service-spec`, the database aws-cdk-lib's L1
 * classes are generated from (cdklabs/awscdk-service-spec): each property's `causesReplacement`
 * comes from the resource provider schema's `createOnlyProperties` (and, for older types, the
 * CloudFormation resource specification's `UpdateType: Immutable`), so no list here goes stale.
 */
export function resourceSchemasFrom(db: SpecDatabase): ResourceSchemas {
  const cache = new Map<string, ResourceShape | undefined>();
  const resourceOf = (type: string) => {
    if (!cache.has(type)) {
      cache.set(type, db.lookup('resource', 'cloudFormationType', 'equals', type)[0] as unknown as ResourceShape);
    }
    return cache.get(type);
  };
  const propertiesOf = (shape: TypeShape): Record<string, PropertyShape> | undefined => {
    if (shape.type === 'ref' && 'reference' in shape) {
      return db.get('typeDefinition', shape.reference.$ref).properties as unknown as Record<string, PropertyShape>;
    }
    if (shape.type === 'union' && 'types' in shape) {
      for (const t of shape.types) {
        const props = propertiesOf(t);
        if (props) return props;
      }
    }
    return undefined;
  };
  return {
    replacement(type, path) {
      const resource = resourceOf(type);
      if (!resource) return 'no';
      const wildcard = path.map((p) => (typeof p === 'number' ? '*' : p));
      for (const extra of resource.additionalReplacementProperties ?? []) {
        if (extra.every((segment, i) => segment === wildcard[i] || (segment === '*' && wildcard[i] !== undefined))) {
          return 'yes';
        }
      }
      let properties: Record<string, PropertyShape> | undefined = resource.properties;
      let current: TypeShape | undefined;
      let worst: Replacement = 'no';
      for (const segment of path) {
        if (current && (current.type === 'array' || current.type === 'map') && 'element' in current) {
          // This segment is a list index or a map key: step into the element type.
          current = current.element;
          continue;
        }
        if (current) properties = propertiesOf(current);
        const property: PropertyShape | undefined = properties?.[String(segment)];
        if (!property) break;
        if (property.causesReplacement === 'yes') return 'yes';
        if (property.causesReplacement === 'maybe') worst = 'maybe';
        current = property.type;
      }
      return worst;
    },
    isStateful(type) {
      return resourceOf(type)?.isStateful === true;
    },
  };
}
