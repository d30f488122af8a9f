import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { api, assertError } from '../helpers/api.js';
import { testBackends } from '../helpers/backends.js';
import { startTestServer, type TestServer } from '../helpers/test-server.js';

const unknownFileId = '3f2b8c1e-0000-4000-8000-000000000000';
const generatePath = '/attachments/v1/files/generate-upload-url';

for (const backends of testBackends()) {
  describe(`OAuth client credentials (${backends})`, () => {
    let server: TestServer;
    let clientId: string;
    let clientSecret: string;

    async function token(body: Record<string, string>, headers: Record<string, string> = {}) {
      const response = await fetch(`${server.baseUrl}/oauth/v1/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
        body: new URLSearchParams(body).toString(),
      });
      return { status: response.status, headers: response.headers, body: await response.json() };
    }

    before(async () => {
      server = await startTestServer({ backends });
      clientSecret = await server.createKey('oauth-account');
      const keys = await server.server.services.apiKeys.list();
      clientId = keys.find(
        (key) => key.keyPrefix === clientSecret.slice(0, key.keyPrefix.length),
      )!.keyId;
    });
    after(() => server.cleanup());

    test('token from form body authenticates API calls', async () => {
      const issued = await token({
        grant_type: 'client_credentials',
        client_id: clientId,
        client_secret: clientSecret,
      });
      assert.equal(issued.status, 200);
      assert.equal(issued.body.token_type, 'Bearer');
      assert.equal(issued.body.expires_in, 86400);
      assert.equal(issued.body.scope, 'attachments.read attachments.write attachments.delete');
      assert.equal(issued.headers.get('cache-control'), 'no-store');
      const response = await api(server.baseUrl, 'GET', `/attachments/v1/files/${unknownFileId}`, {
        headers: { authorization: `Bearer ${issued.body.access_token}` },
      });
      assertError(response, 404, 'File ID not found', 'file_not_found');
    });

    test('token from HTTP Basic with a narrower scope', async () => {
      const basic = Buffer.from(`${clientId}:${clientSecret}`).toString('base64');
      const issued = await token(
        { grant_type: 'client_credentials', scope: 'attachments.read' },
        { authorization: `Basic ${basic}` },
      );
      assert.equal(issued.status, 200);
      assert.equal(issued.body.scope, 'attachments.read');
      const write = await api(server.baseUrl, 'POST', generatePath, {
        headers: { authorization: `Bearer ${issued.body.access_token}` },
        body: { fileName: 'a.pdf', featureType: 'chat' },
      });
      assertError(write, 403, 'Not enough permissions', 'forbidden');
    });

    test('wrong secret is invalid_client', async () => {
      const issued = await token({
        grant_type: 'client_credentials',
        client_id: clientId,
        client_secret: 'atk_wrong',
      });
      assert.equal(issued.status, 401);
      assert.equal(issued.body.error, 'invalid_client');
    });

    test('other grant types are unsupported', async () => {
      const issued = await token({
        grant_type: 'password',
        client_id: clientId,
        client_secret: clientSecret,
      });
      assert.equal(issued.status, 400);
      assert.equal(issued.body.error, 'unsupported_grant_type');
    });

    test('scope beyond the client is invalid_scope', async () => {
      const readOnly = await server.createClient('oauth-account', ['attachments.read']);
      const issued = await token({
        grant_type: 'client_credentials',
        client_id: readOnly.clientId,
        client_secret: readOnly.clientSecret,
        scope: 'attachments.write',
      });
      assert.equal(issued.status, 400);
      assert.equal(issued.body.error, 'invalid_scope');
    });

    test('tampered or revoked tokens are rejected', async () => {
      const client = await server.createClient('oauth-revoked');
      const issued = await token({
        grant_type: 'client_credentials',
        client_id: client.clientId,
        client_secret: client.clientSecret,
      });
      assert.equal(issued.status, 200);
      const path = `/attachments/v1/files/${unknownFileId}`;
      const tampered = issued.body.access_token.replace(/^./, (char: string) =>
        char === 'e' ? 'f' : 'e',
      );
      const bad = await api(server.baseUrl, 'GET', path, {
        headers: { authorization: `Bearer ${tampered}` },
      });
      assertError(bad, 401, 'Not authenticated', 'unauthorized');
      await server.server.services.apiKeys.revoke(client.clientId);
      const revoked = await api(server.baseUrl, 'GET', path, {
        headers: { authorization: `Bearer ${issued.body.access_token}` },
      });
      assertError(revoked, 401, 'Not authenticated', 'unauthorized');
    });
  });
}
