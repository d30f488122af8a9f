import type { FeatureType, RejectReason } from './types.js';

/**
 * What the upload lifecycle reports as it happens, for metrics. The domain calls these and
 * knows nothing of how they are counted.
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
