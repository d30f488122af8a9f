import type { FeatureType, RejectReason } from './types.js';

/**
 * Events the upload lifecycle reports as they happen, for metrics. The domain calls these and
 * does not depend on how they are counted.
 */
export interface UploadEvents {
  generated(featureType: FeatureType): void;
  completed(sizeBytes: number): void;
  rejected(reason: RejectReason): void;
  expired(count: number): void;
}

export const noUploadEvents: UploadEvents = {
  generated() {},
  completed() {},
  rejected() {},
  expired() {},
};
