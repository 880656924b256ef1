import { TRANSFER_ACCELERATION_REGIONS } from './secure-bucket';

/** A market whose users upload to a bucket, as the Transfer Acceleration decision sees it. */
export interface UploadingMarket {
  /** ISO code, or `*` for the rest of the world. */
  readonly code: string;
  /**
   * The AWS region nearest the market's users (the plan's `canaryRegion`).
   * @default - anywhere: the rest of the world has no one place
   */
  readonly nearestRegion?: string;
  /** Whether the market allows its personal data in a location outside its own country. */
  readonly mayLeaveCountry: boolean;
}

/** Whether a bucket takes accelerated uploads, and why. */
export interface UploadAcceleration {
  readonly enabled: boolean;
  /** One sentence, for the construct's description and the reviewer. */
  readonly reason: string;
}

/**
 * Decides S3 Transfer Acceleration for a bucket in `region` from the markets that upload to it.
 *
 * Acceleration sends a client's bytes to the CloudFront edge location with the lowest latency for
 * it, then over AWS's network to the bucket's region; nothing is stored on the way
 * (https://docs.aws.amazon.com/AmazonS3/latest/userguide/transfer-acceleration.html). So:
 * - it helps only users far from the bucket: a market whose nearest region is another one, or the
 *   rest of the world. Users next to the bucket gain little and the transfer costs more;
 * - residency: the rows end where they would anyway, in a location every market allows (the
 *   residency pack proves it), and the path is transit. But the edge a user reaches is the fastest
 *   for them, not necessarily one in their country, so a market whose data may not leave its
 *   country at all is never accelerated;
 * - S3 offers it only in some regions, and only for bucket names without periods (SecureBucket
 *   checks both).
 */
export function uploadAcceleration(region: string, markets: readonly UploadingMarket[]): UploadAcceleration {
  if (!TRANSFER_ACCELERATION_REGIONS.has(region)) {
    return { enabled: false, reason: `S3 does not offer Transfer Acceleration in ${region}.` };
  }
  const bound = markets.filter((m) => !m.mayLeaveCountry).map((m) => m.code);
  if (bound.length > 0) {
    return {
      enabled: false,
      reason: `The data of ${bound.join(', ')} may not leave the country, and an accelerated upload enters AWS at whichever edge location is fastest, which may sit across a border.`,
    };
  }
  const far = markets.filter((m) => m.nearestRegion !== region).map((m) => m.code);
  if (far.length === 0) {
    return {
      enabled: false,
      reason: `Every market uploading here (${markets.map((m) => m.code).join(', ')}) is nearest ${region}: acceleration would cost more without being faster.`,
    };
  }
  return {
    enabled: true,
    reason: `Users of ${far.join(', ')} upload from far from ${region}; their bytes cross the nearest edge location and AWS's network in transit only, and every market here may have data abroad.`,
  };
}
