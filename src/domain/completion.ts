import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { AttacheError } from '../errors.js';
import type { MetadataStore } from '../metadata/metadata-store.js';
import {
  StagedObjectChangedError,
  type ObjectInfo,
  type ObjectStore,
} from '../storage/object-store.js';
import { checkContent } from './file-types/content-check.js';
import type { UploadEvents } from './events.js';
import type { Logger } from './logger.js';
import type { RejectReason, UploadRecord } from './types.js';

export interface CompletionSettings {
  /** Largest file accepted; a larger stored file is rejected and deleted. */
  maxFileBytes: number;
}

interface CompletionContext {
  metadata: MetadataStore;
  objects: ObjectStore;
  settings: CompletionSettings;
  logger: Logger;
  events: UploadEvents;
  now: () => number;
}

/**
 * How long a completion claim lasts. Completing reads at most a few hundred KiB and promotes
 * with one rename or one server-side copy. A claim older than this belongs to a crashed
 * process and may be taken over.
 */
const claimSeconds = 120;
/** How long a losing concurrent call waits for the winner's outcome before responding 409. */
const outcomeWaitMs = 15_000;
/** How often a staged object replaced during the check is checked again before giving up. */
const maxCheckAttempts = 3;

/**
 * Completes an upload exactly once. The first caller moves the row from `pending` to
 * `completing` (a conditional update every metadata store makes atomic), checks the staged
 * bytes, and either promotes them and marks the upload `completed` or deletes them and marks
 * it `rejected`. Concurrent callers wait for that outcome: 409 once completed, 404 once
 * rejected.
 */
export async function completeUpload(
  context: CompletionContext,
  upload: UploadRecord,
): Promise<void> {
  const token = randomUUID();
  await claimOrWait(context, upload.fileId, token);
  try {
    await checkAndPromote(context, upload, token);
  } catch (error) {
    if (!(error instanceof AttacheError) || isUnavailable(error)) {
      await context.metadata.releaseClaim(upload.fileId, token).catch((releaseError: unknown) => {
        context.logger.error(
          { err: releaseError, fileId: upload.fileId },
          'releasing completion claim failed; it expires by itself',
        );
      });
    }
    throw error;
  }
}

async function claimOrWait(
  context: CompletionContext,
  fileId: string,
  token: string,
): Promise<void> {
  const deadline = context.now() + outcomeWaitMs;
  for (;;) {
    const now = context.now();
    const claimed = await context.metadata.claimCompletion({
      fileId,
      token,
      now,
      claimExpiresAt: now + claimSeconds * 1000,
    });
    if (claimed) return;

    const current = await context.metadata.findUpload(fileId);
    if (current === null) throw new AttacheError('file_not_found');
    if (current.state === 'completed') throw new AttacheError('upload_already_completed');
    if (current.state === 'pending' && current.completeBy < now) {
      throw new AttacheError('file_not_found');
    }
    if (current.state !== 'pending' && current.state !== 'completing') {
      throw new AttacheError('file_not_found');
    }
    if (now > deadline) throw new AttacheError('upload_already_completed');
    await sleep(25);
  }
}

async function checkAndPromote(context: CompletionContext, upload: UploadRecord, token: string) {
  const { metadata, objects, settings } = context;
  const { fileId } = upload;
  for (let attempt = 1; ; attempt += 1) {
    const staged = await objects.headStaged(fileId);
    if (staged === null) {
      await metadata.releaseClaim(fileId, token);
      throw new AttacheError('file_not_in_storage');
    }
    if (staged.sizeBytes > settings.maxFileBytes) {
      await reject(context, upload, token, 'file_too_large');
    }

    try {
      const check = await checkContent(upload.fileType, {
        sizeBytes: staged.sizeBytes,
        read: (start, end) => objects.readStaged(fileId, { start, end: end - 1 }, staged.etag),
      });
      const checked = {
        fileId,
        declaredType: upload.fileType,
        detectedType: check.detectedType,
        sizeBytes: staged.sizeBytes,
        bytesChecked: check.bytesRead,
      };
      if (!check.matches) {
        context.logger.info(checked, 'upload rejected: stored bytes are not the declared type');
        await reject(context, upload, token, 'file_type_mismatch');
      }
      const promoted = await objects.promote(fileId, staged.etag);
      await markCompleted(context, upload, token, promoted);
      context.events.completed(promoted.sizeBytes);
      context.logger.info(checked, 'upload completed');
      return;
    } catch (error) {
      // A PUT replaced the staged object while it was being checked: check the new one.
      if (!(error instanceof StagedObjectChangedError) || attempt >= maxCheckAttempts) throw error;
    }
  }
}

async function reject(
  context: CompletionContext,
  upload: UploadRecord,
  token: string,
  reason: RejectReason,
): Promise<never> {
  await context.objects.deleteStaged(upload.fileId);
  await context.metadata.markRejected(upload.fileId, token, reason);
  context.events.rejected(reason);
  throw new AttacheError(reason);
}

async function markCompleted(
  context: CompletionContext,
  upload: UploadRecord,
  token: string,
  promoted: ObjectInfo,
): Promise<void> {
  const marked = await context.metadata.markCompleted(upload.fileId, token, {
    completedAt: context.now(),
    sizeBytes: promoted.sizeBytes,
    sha256: promoted.sha256,
    etag: promoted.etag,
  });
  if (!marked) {
    // The claim expired and another call took the upload over: it owns the outcome now.
    throw new AttacheError('upload_already_completed');
  }
}

function isUnavailable(error: AttacheError): boolean {
  return error.code === 'metadata_store_unavailable' || error.code === 'object_store_unavailable';
}
