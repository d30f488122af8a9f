import assert from 'node:assert/strict';
import { test } from 'node:test';
import { UrlSigner } from '../../src/lib/url-signer.js';

test('signature verifies only for the same fields and key', () => {
  const signer = new UrlSigner({ keyId: 'k2', secret: 'a'.repeat(64) }, [
    { keyId: 'k1', secret: 'b'.repeat(64) },
  ]);
  const { keyId, signature } = signer.sign(['PUT', 'id', 'text/plain', '100']);
  assert.equal(keyId, 'k2');
  assert.equal(signer.verify(['PUT', 'id', 'text/plain', '100'], 'k2', signature), true);
  assert.equal(signer.verify(['PUT', 'id', 'text/plain', '101'], 'k2', signature), false);
  assert.equal(signer.verify(['PUT', 'id', 'text/plain', '100'], 'k1', signature), false);
  assert.equal(signer.verify(['PUT', 'id', 'text/plain', '100'], 'k9', signature), false);
  assert.equal(signer.verify(['PUT', 'id', 'text/plain', '100'], 'k2', 'not-hex'), false);
});

test('previous key still verifies after rotation', () => {
  const old = new UrlSigner({ keyId: 'k1', secret: 'b'.repeat(64) });
  const { signature } = old.sign(['GET', 'id', '5']);
  const rotated = new UrlSigner({ keyId: 'k2', secret: 'a'.repeat(64) }, [
    { keyId: 'k1', secret: 'b'.repeat(64) },
  ]);
  assert.equal(rotated.verify(['GET', 'id', '5'], 'k1', signature), true);
});
