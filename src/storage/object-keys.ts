/**
 * The object-key layout, shared by every object store. Keys derive from the fileId alone, never
 * from the file name, so no client-chosen text reaches a storage path. A fileId is a lower-case
 * UUID; anything else is rejected here before it can name a key.
 */
const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export function isFileId(value: string): boolean {
  return uuidPattern.test(value);
}

function assertFileId(fileId: string): void {
  if (!isFileId(fileId)) throw new TypeError(`not a fileId: ${JSON.stringify(fileId)}`);
}

/** Fans keys out over 256 prefixes so no folder or listing grows past what one can hold. */
function shard(fileId: string): string {
  return fileId.slice(0, 2);
}

/** Key of the object that upload PUTs write to; replaceable until completion. */
export function stagedObjectKey(fileId: string): string {
  assertFileId(fileId);
  return `staging/${shard(fileId)}/${fileId}`;
}

/** Key of the validated object that `fileUrl` serves. */
export function finalObjectKey(fileId: string): string {
  assertFileId(fileId);
  return `files/${shard(fileId)}/${fileId}`;
}
