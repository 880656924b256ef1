import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';

/** Props for {@link RegionalKey}. */
export interface RegionalKeyProps {
  /** What the key protects, shown in the KMS console. */
  readonly description: string;
}

/**
 * A customer-managed KMS key for one region: single-region (a multi-region key could decrypt
 * the data elsewhere), yearly rotation, a 30-day deletion window, retained on stack removal.
 * Its child is `Default`, so wrapping an existing key keeps its logical ID.
 */
export class RegionalKey extends Construct {
  public readonly key: kms.Key;

  constructor(scope: Construct, id: string, props: RegionalKeyProps) {
    super(scope, id);
    this.key = new kms.Key(this, 'Default', {
      description: props.description,
      enableKeyRotation: true,
      multiRegion: false,
      pendingWindow: Duration.days(30),
      removalPolicy: RemovalPolicy.RETAIN,
    });
  }
}
