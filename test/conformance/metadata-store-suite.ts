import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, test } from 'node:test';
import type { Account, ApiKeyRecord, UploadRecord } from '../../src/domain/types.js';
import type { MetadataStore, NewUpload } from '../../src/metadata/metadata-store.js';

/** A fresh, empty store and the function that closes it and removes its database. */
export interface MetadataStoreHarness {
  store: MetadataStore;
  cleanup(): Promise<void>;
}

const GiB = 1024 ** 3;
const t0 = 1_700_000_000_000;
const account: Account = { accountId: 'account-1', name: 'acme', createdAt: t0 };

function newUpload(overrides: Partial<NewUpload> = {}): NewUpload {
  return {
    fileId: randomUUID(),
    accountId: account.accountId,
    fileName: 'report.pdf',
    fileType: 'application/pdf',
    featureType: 'chat',
    createdAt: t0,
    expiresAt: t0 + 300_000,
    completeBy: t0 + 600_000,
    ...overrides,
  };
}

function pendingRecord(upload: NewUpload): UploadRecord {
  return {
    ...upload,
    state: 'pending',
    claimToken: null,
    claimExpiresAt: null,
    completedAt: null,
    sizeBytes: null,
    sha256: null,
    etag: null,
    rejectReason: null,
    deletedAt: null,
  };
}

function apiKey(overrides: Partial<ApiKeyRecord> = {}): ApiKeyRecord {
  return {
    keyId: 'key-1',
    accountId: account.accountId,
    name: 'ci',
    keyPrefix: 'atk_1234',
    keyHash: 'a'.repeat(64),
    scopes: ['attachments.read', 'attachments.write'],
    createdAt: t0,
    revokedAt: null,
    ...overrides,
  };
}

/**
 * Builds a file name of 1024 code points in NFD form: decomposed Latin letters and Hangul
 * syllables, CJK, an emoji outside the BMP, a space and a dot. A store that normalises text
 * to NFC changes it.
 */
function nfdFileName(): string {
  const pieces = ['A\u030A', 'e\u0301', '\u1100\u1161', '文', '\u{1F600}', ' ', 'n\u0303', '.'];
  const codePoints: string[] = [];
  for (let i = 0; codePoints.length < 1024; i += 1) {
    codePoints.push(...pieces[i % pieces.length]!);
  }
  return codePoints.slice(0, 1024).join('');
}

/**
 * Defines the tests every metadata store must pass. `create` returns a new, empty store on a
 * database of its own. The suite migrates it and adds one account before each test.
 */
export function describeMetadataStore(
  name: string,
  create: () => Promise<MetadataStoreHarness>,
): void {
  describe(`${name} metadata store`, () => {
    let harness: MetadataStoreHarness | undefined;
    let store: MetadataStore;

    beforeEach(async () => {
      harness = await create();
      store = harness.store;
      await store.migrate();
      await store.createAccount(account);
    });

    afterEach(async () => {
      await harness?.cleanup();
      harness = undefined;
    });

    async function insertClaimed(upload: NewUpload, token: string): Promise<void> {
      await store.insertUpload(upload);
      const claimed = await store.claimCompletion({
        fileId: upload.fileId,
        token,
        now: upload.createdAt,
        claimExpiresAt: upload.createdAt + 60_000,
      });
      assert.equal(claimed, true, 'setup: claimCompletion failed');
    }

    async function insertCompleted(upload: NewUpload): Promise<void> {
      const token = randomUUID();
      await insertClaimed(upload, token);
      const object = { completedAt: t0 + 1000, sizeBytes: 10, sha256: null, etag: '"e"' };
      const completed = await store.markCompleted(upload.fileId, token, object);
      assert.equal(completed, true, 'setup: markCompleted failed');
    }

    async function insertRejected(upload: NewUpload): Promise<void> {
      const token = randomUUID();
      await insertClaimed(upload, token);
      const rejected = await store.markRejected(upload.fileId, token, 'file_too_large');
      assert.equal(rejected, true, 'setup: markRejected failed');
    }

    describe('migrate', () => {
      test('migrate twice keeps data', async () => {
        const upload = newUpload();
        await store.insertUpload(upload);

        await store.migrate();
        await store.migrate();

        assert.deepEqual(await store.findAccountByName(account.name), account);
        assert.deepEqual(await store.findUpload(upload.fileId), pendingRecord(upload));
      });

      test('ping resolves', async () => {
        await store.ping();
      });
    });

    describe('accounts and API keys', () => {
      test('findAccountByName returns created account', async () => {
        assert.deepEqual(await store.findAccountByName('acme'), account);
      });

      test('findAccountByName returns null when missing', async () => {
        assert.equal(await store.findAccountByName('nobody'), null);
      });

      test('createAccount rejects duplicate name', async () => {
        await assert.rejects(store.createAccount({ ...account, accountId: 'account-2' }));
      });

      test('findApiKeyByHash returns every field', async () => {
        const key = apiKey();
        await store.createApiKey(key);
        assert.deepEqual(await store.findApiKeyByHash(key.keyHash), key);
      });

      test('findApiKeyByHash keeps empty scopes', async () => {
        const key = apiKey({ scopes: [] });
        await store.createApiKey(key);
        assert.deepEqual(await store.findApiKeyByHash(key.keyHash), key);
      });

      test('findApiKeyById returns the key', async () => {
        const key = apiKey();
        await store.createApiKey(key);
        assert.deepEqual(await store.findApiKeyById(key.keyId), key);
        assert.equal(await store.findApiKeyById('no-such-key'), null);
      });

      test('findApiKeyByHash returns null when missing', async () => {
        await store.createApiKey(apiKey());
        assert.equal(await store.findApiKeyByHash('b'.repeat(64)), null);
      });

      test('createApiKey rejects duplicate hash', async () => {
        await store.createApiKey(apiKey());
        await assert.rejects(store.createApiKey(apiKey({ keyId: 'key-2' })));
      });

      test('listApiKeys orders by createdAt then keyId bytes', async () => {
        // 'key-B' sorts before 'key-a' by bytes but after it in most locales.
        const late = apiKey({ keyId: 'key-0', keyHash: '1'.repeat(64), createdAt: t0 + 2 });
        const lower = apiKey({ keyId: 'key-a', keyHash: '2'.repeat(64), createdAt: t0 + 1 });
        const upper = apiKey({ keyId: 'key-B', keyHash: '3'.repeat(64), createdAt: t0 + 1 });
        await store.createApiKey(late);
        await store.createApiKey(lower);
        await store.createApiKey(upper);

        assert.deepEqual(await store.listApiKeys(), [upper, lower, late]);
      });

      test('listApiKeys returns empty list', async () => {
        assert.deepEqual(await store.listApiKeys(), []);
      });

      test('revokeApiKey succeeds once', async () => {
        const key = apiKey();
        await store.createApiKey(key);

        assert.equal(await store.revokeApiKey(key.keyId, t0 + 5), true);
        assert.equal(await store.revokeApiKey(key.keyId, t0 + 6), false);
        assert.deepEqual(await store.findApiKeyByHash(key.keyHash), { ...key, revokedAt: t0 + 5 });
      });

      test('revokeApiKey returns false for unknown key', async () => {
        assert.equal(await store.revokeApiKey('missing', t0), false);
      });
    });

    describe('uploads', () => {
      test('findUpload returns every field after insert', async () => {
        const upload = newUpload({ featureType: 'shiftscheduler', fileType: 'image/png' });
        await store.insertUpload(upload);
        assert.deepEqual(await store.findUpload(upload.fileId), pendingRecord(upload));
      });

      test('findUpload returns null when missing', async () => {
        assert.equal(await store.findUpload(randomUUID()), null);
      });

      test('insertUpload rejects duplicate fileId', async () => {
        const upload = newUpload();
        await store.insertUpload(upload);
        await assert.rejects(store.insertUpload(upload));
      });

      test('markCompleted stores every completion field', async () => {
        const upload = newUpload();
        const token = randomUUID();
        await insertClaimed(upload, token);
        const object = {
          completedAt: t0 + 2000,
          sizeBytes: 1234,
          sha256: 'f'.repeat(64),
          etag: '"abc"',
        };

        assert.equal(await store.markCompleted(upload.fileId, token, object), true);
        assert.deepEqual(await store.findUpload(upload.fileId), {
          ...pendingRecord(upload),
          ...object,
          state: 'completed',
        });
      });

      test('markCompleted keeps null sha256', async () => {
        const upload = newUpload();
        await insertCompleted(upload);
        const found = await store.findUpload(upload.fileId);
        assert.equal(found?.sha256, null);
      });
    });

    describe('claimCompletion', () => {
      test('claimCompletion wins once under concurrency', async () => {
        const upload = newUpload();
        await store.insertUpload(upload);
        const tokens = Array.from({ length: 20 }, () => randomUUID());

        const results = await Promise.all(
          tokens.map((token) =>
            store.claimCompletion({
              fileId: upload.fileId,
              token,
              now: t0,
              claimExpiresAt: t0 + 60_000,
            }),
          ),
        );

        assert.equal(results.filter(Boolean).length, 1);
        const winner = tokens[results.indexOf(true)];
        const found = await store.findUpload(upload.fileId);
        assert.equal(found?.state, 'completing');
        assert.equal(found?.claimToken, winner);
        assert.equal(found?.claimExpiresAt, t0 + 60_000);
      });

      test('claimCompletion accepts at completeBy', async () => {
        const upload = newUpload();
        await store.insertUpload(upload);
        const claim = { fileId: upload.fileId, token: randomUUID(), now: upload.completeBy };
        assert.equal(
          await store.claimCompletion({ ...claim, claimExpiresAt: claim.now + 1 }),
          true,
        );
      });

      test('claimCompletion rejects after completeBy', async () => {
        const upload = newUpload();
        await store.insertUpload(upload);
        const now = upload.completeBy + 1;

        const claimed = await store.claimCompletion({
          fileId: upload.fileId,
          token: randomUUID(),
          now,
          claimExpiresAt: now + 60_000,
        });

        assert.equal(claimed, false);
        assert.deepEqual(await store.findUpload(upload.fileId), pendingRecord(upload));
      });

      test('claimCompletion rejects a live claim', async () => {
        const upload = newUpload();
        const first = randomUUID();
        await insertClaimed(upload, first);
        const claimExpiresAt = upload.createdAt + 60_000;
        const second = { fileId: upload.fileId, token: randomUUID(), claimExpiresAt: t0 + 999_999 };

        assert.equal(await store.claimCompletion({ ...second, now: t0 + 30_000 }), false);
        assert.equal(await store.claimCompletion({ ...second, now: claimExpiresAt }), false);
        assert.equal((await store.findUpload(upload.fileId))?.claimToken, first);
      });

      test('claimCompletion takes over expired claim', async () => {
        const upload = newUpload();
        const first = randomUUID();
        await insertClaimed(upload, first);
        const second = randomUUID();
        const now = upload.createdAt + 60_001;

        const claimed = await store.claimCompletion({
          fileId: upload.fileId,
          token: second,
          now,
          claimExpiresAt: now + 60_000,
        });

        assert.equal(claimed, true);
        const found = await store.findUpload(upload.fileId);
        assert.equal(found?.claimToken, second);
        assert.equal(found?.claimExpiresAt, now + 60_000);
        const object = { completedAt: now, sizeBytes: 1, sha256: null, etag: '"x"' };
        assert.equal(await store.markCompleted(upload.fileId, first, object), false);
        assert.equal(await store.releaseClaim(upload.fileId, first), false);
        assert.equal(await store.markCompleted(upload.fileId, second, object), true);
      });

      test('claimCompletion rejects unknown fileId', async () => {
        const claim = {
          fileId: randomUUID(),
          token: randomUUID(),
          now: t0,
          claimExpiresAt: t0 + 1,
        };
        assert.equal(await store.claimCompletion(claim), false);
      });

      test('claimCompletion rejects settled uploads', async () => {
        const completed = newUpload();
        await insertCompleted(completed);
        const rejected = newUpload();
        await insertRejected(rejected);
        const deleted = newUpload();
        await insertCompleted(deleted);
        assert.equal(await store.markDeleted(deleted.fileId, t0 + 2000), true, 'setup');
        const expired = newUpload({ completeBy: t0 + 10 });
        await store.insertUpload(expired);
        assert.equal((await store.expireOverdue(t0 + 11, 10)).length, 1, 'setup');

        for (const upload of [completed, rejected, deleted, expired]) {
          const state = (await store.findUpload(upload.fileId))?.state;
          const claim = {
            fileId: upload.fileId,
            token: randomUUID(),
            now: t0,
            claimExpiresAt: t0 + 1,
          };
          assert.equal(await store.claimCompletion(claim), false, `claimed a ${state} upload`);
        }
      });
    });

    describe('claim holder state changes', () => {
      test('releaseClaim needs the claim token', async () => {
        const upload = newUpload();
        const token = randomUUID();
        await insertClaimed(upload, token);

        assert.equal(await store.releaseClaim(upload.fileId, randomUUID()), false);
        assert.equal(await store.releaseClaim(upload.fileId, token), true);
        assert.deepEqual(await store.findUpload(upload.fileId), pendingRecord(upload));
        assert.equal(await store.releaseClaim(upload.fileId, token), false);
      });

      test('releaseClaim rejects completed upload', async () => {
        const upload = newUpload();
        const token = randomUUID();
        await insertClaimed(upload, token);
        const object = { completedAt: t0, sizeBytes: 1, sha256: null, etag: '"x"' };
        assert.equal(await store.markCompleted(upload.fileId, token, object), true);

        assert.equal(await store.releaseClaim(upload.fileId, token), false);
        assert.equal((await store.findUpload(upload.fileId))?.state, 'completed');
      });

      test('markCompleted needs the claim token', async () => {
        const upload = newUpload();
        const token = randomUUID();
        await insertClaimed(upload, token);
        const object = { completedAt: t0, sizeBytes: 1, sha256: null, etag: '"x"' };

        assert.equal(await store.markCompleted(upload.fileId, randomUUID(), object), false);
        const found = await store.findUpload(upload.fileId);
        assert.equal(found?.state, 'completing');
        assert.equal(found?.completedAt, null);
      });

      test('markCompleted only from completing', async () => {
        const object = { completedAt: t0, sizeBytes: 1, sha256: null, etag: '"x"' };
        const pending = newUpload();
        await store.insertUpload(pending);
        const rejectedToken = randomUUID();
        const rejected = newUpload();
        await insertClaimed(rejected, rejectedToken);
        assert.equal(
          await store.markRejected(rejected.fileId, rejectedToken, 'file_too_large'),
          true,
        );
        const completedToken = randomUUID();
        const completed = newUpload();
        await insertClaimed(completed, completedToken);
        assert.equal(await store.markCompleted(completed.fileId, completedToken, object), true);

        assert.equal(await store.markCompleted(pending.fileId, randomUUID(), object), false);
        assert.equal(await store.markCompleted(rejected.fileId, rejectedToken, object), false);
        assert.equal(await store.markCompleted(completed.fileId, completedToken, object), false);
        assert.equal((await store.findUpload(pending.fileId))?.state, 'pending');
        assert.equal((await store.findUpload(rejected.fileId))?.state, 'rejected');
      });

      test('markRejected needs the claim token', async () => {
        const upload = newUpload();
        const token = randomUUID();
        await insertClaimed(upload, token);

        assert.equal(
          await store.markRejected(upload.fileId, randomUUID(), 'file_too_large'),
          false,
        );
        assert.equal(await store.markRejected(upload.fileId, token, 'file_type_mismatch'), true);
        assert.deepEqual(await store.findUpload(upload.fileId), {
          ...pendingRecord(upload),
          state: 'rejected',
          rejectReason: 'file_type_mismatch',
        });
      });

      test('markRejected only from completing', async () => {
        const pending = newUpload();
        await store.insertUpload(pending);
        const token = randomUUID();
        const completed = newUpload();
        await insertClaimed(completed, token);
        const object = { completedAt: t0, sizeBytes: 1, sha256: null, etag: '"x"' };
        assert.equal(await store.markCompleted(completed.fileId, token, object), true);

        assert.equal(
          await store.markRejected(pending.fileId, randomUUID(), 'file_too_large'),
          false,
        );
        assert.equal(await store.markRejected(completed.fileId, token, 'file_too_large'), false);
        assert.equal((await store.findUpload(completed.fileId))?.state, 'completed');
        assert.equal((await store.findUpload(completed.fileId))?.rejectReason, null);
      });

      test('state changes return false for unknown fileId', async () => {
        const fileId = randomUUID();
        const object = { completedAt: t0, sizeBytes: 1, sha256: null, etag: '"x"' };
        assert.equal(await store.releaseClaim(fileId, 'token'), false);
        assert.equal(await store.markCompleted(fileId, 'token', object), false);
        assert.equal(await store.markRejected(fileId, 'token', 'file_too_large'), false);
        assert.equal(await store.markDeleted(fileId, t0), false);
      });
    });

    describe('markDeleted', () => {
      test('markDeleted only from completed', async () => {
        const pending = newUpload();
        await store.insertUpload(pending);
        const completing = newUpload();
        await insertClaimed(completing, randomUUID());
        const rejected = newUpload();
        await insertRejected(rejected);
        const completed = newUpload();
        await insertCompleted(completed);

        assert.equal(await store.markDeleted(pending.fileId, t0 + 5000), false);
        assert.equal(await store.markDeleted(completing.fileId, t0 + 5000), false);
        assert.equal(await store.markDeleted(rejected.fileId, t0 + 5000), false);
        assert.equal(await store.markDeleted(completed.fileId, t0 + 5000), true);
        assert.equal(await store.markDeleted(completed.fileId, t0 + 6000), false);
        const found = await store.findUpload(completed.fileId);
        assert.equal(found?.state, 'deleted');
        assert.equal(found?.deletedAt, t0 + 5000);
        assert.equal(found?.sizeBytes, 10);
      });
    });

    describe('expireOverdue', () => {
      test('expireOverdue takes overdue pending and stale claims', async () => {
        const now = t0 + 100_000;
        const overduePending = newUpload({ completeBy: now - 1 });
        await store.insertUpload(overduePending);
        const staleClaim = newUpload({ completeBy: now - 2 });
        await insertClaimed(staleClaim, randomUUID());
        const liveClaim = newUpload({ completeBy: now - 3 });
        await store.insertUpload(liveClaim);
        const live = {
          fileId: liveClaim.fileId,
          token: randomUUID(),
          now: t0,
          claimExpiresAt: now,
        };
        assert.equal(await store.claimCompletion(live), true, 'setup');
        const dueNow = newUpload({ completeBy: now });
        await store.insertUpload(dueNow);
        const notDue = newUpload({ completeBy: now + 1 });
        await store.insertUpload(notDue);
        const completed = newUpload({ completeBy: now - 4 });
        await insertCompleted(completed);
        const rejected = newUpload({ completeBy: now - 5 });
        await insertRejected(rejected);

        const expired = await store.expireOverdue(now, 100);

        const byId = new Map(expired.map((upload) => [upload.fileId, upload]));
        assert.deepEqual(
          [...byId.keys()].sort(),
          [overduePending.fileId, staleClaim.fileId].sort(),
        );
        assert.deepEqual(byId.get(overduePending.fileId), {
          ...pendingRecord(overduePending),
          state: 'expired',
        });
        assert.deepEqual(byId.get(staleClaim.fileId), {
          ...pendingRecord(staleClaim),
          state: 'expired',
        });
        assert.equal((await store.findUpload(staleClaim.fileId))?.state, 'expired');
        assert.equal((await store.findUpload(liveClaim.fileId))?.state, 'completing');
        assert.equal((await store.findUpload(dueNow.fileId))?.state, 'pending');
        assert.equal((await store.findUpload(notDue.fileId))?.state, 'pending');
        assert.equal((await store.findUpload(completed.fileId))?.state, 'completed');
        assert.equal((await store.findUpload(rejected.fileId))?.state, 'rejected');
        assert.deepEqual(await store.expireOverdue(now, 100), []);
      });

      test('expireOverdue takes earliest completeBy first', async () => {
        const now = t0 + 100_000;
        const uploads = [5, 1, 4, 2, 3].map((age) => newUpload({ completeBy: now - 10 * age }));
        for (const upload of uploads) await store.insertUpload(upload);
        const oldestFirst = [...uploads].sort((a, b) => a.completeBy - b.completeBy);
        const ids = (batch: { fileId: string }[]) => batch.map((upload) => upload.fileId).sort();

        assert.deepEqual(ids(await store.expireOverdue(now, 2)), ids(oldestFirst.slice(0, 2)));
        assert.deepEqual(ids(await store.expireOverdue(now, 2)), ids(oldestFirst.slice(2, 4)));
        assert.deepEqual(ids(await store.expireOverdue(now, 2)), ids(oldestFirst.slice(4)));
        assert.deepEqual(await store.expireOverdue(now, 2), []);
      });

      test('expireOverdue returns each row once under concurrency', async () => {
        const now = t0 + 100_000;
        const overdue = Array.from({ length: 40 }, (_, i) =>
          newUpload({ completeBy: now - 1 - i }),
        );
        for (const upload of overdue) await store.insertUpload(upload);
        const notDue = Array.from({ length: 5 }, () => newUpload({ completeBy: now + 1 }));
        for (const upload of notDue) await store.insertUpload(upload);
        const completed = Array.from({ length: 5 }, () => newUpload({ completeBy: now - 1 }));
        for (const upload of completed) await insertCompleted(upload);

        const sweep = async (): Promise<string[]> => {
          const taken: string[] = [];
          // 40 rows in batches of 3 need at most 14 rounds. The limit of 100 only stops a broken store.
          for (let round = 0; round < 100; round += 1) {
            const batch = await store.expireOverdue(now, 3);
            if (batch.length === 0) break;
            taken.push(...batch.map((upload) => upload.fileId));
          }
          return taken;
        };
        const taken = (await Promise.all([sweep(), sweep(), sweep(), sweep()])).flat();

        assert.equal(taken.length, overdue.length);
        assert.equal(new Set(taken).size, overdue.length);
        assert.deepEqual([...taken].sort(), overdue.map((upload) => upload.fileId).sort());
        for (const upload of notDue) {
          assert.equal((await store.findUpload(upload.fileId))?.state, 'pending');
        }
        for (const upload of completed) {
          assert.equal((await store.findUpload(upload.fileId))?.state, 'completed');
        }
      });
    });

    describe('large values', () => {
      test('markCompleted keeps 5 GiB size', async () => {
        const upload = newUpload();
        const token = randomUUID();
        await insertClaimed(upload, token);
        const object = { completedAt: t0, sizeBytes: 5 * GiB, sha256: null, etag: '"big"' };
        assert.equal(await store.markCompleted(upload.fileId, token, object), true);

        const found = await store.findUpload(upload.fileId);
        assert.equal(found?.sizeBytes, 5 * GiB);
      });

      test('upload keeps NFD file name byte for byte', async () => {
        const fileName = nfdFileName();
        assert.equal([...fileName].length, 1024, 'setup: code point count');
        assert.equal(fileName.normalize('NFD'), fileName, 'setup: name is NFD');
        assert.notEqual(fileName.normalize('NFC'), fileName, 'setup: NFC differs');
        const upload = newUpload({ fileName });
        await store.insertUpload(upload);

        const found = await store.findUpload(upload.fileId);
        assert.equal(found?.fileName, fileName);
        assert.deepEqual(Buffer.from(found?.fileName ?? ''), Buffer.from(fileName));
      });

      test('upload keeps times up to max safe integer', async () => {
        const max = Number.MAX_SAFE_INTEGER;
        const upload = newUpload({ createdAt: max - 2, expiresAt: max - 1, completeBy: max });
        await store.insertUpload(upload);
        assert.deepEqual(await store.findUpload(upload.fileId), pendingRecord(upload));
      });
    });
  });
}
