import assert from 'node:assert/strict';
import { test } from 'node:test';
import { contentDisposition } from '../../src/lib/content-disposition.js';

test('safe types are inline', () => {
  for (const type of ['image/png', 'application/pdf', 'audio/mpeg', 'video/mp4', 'text/plain']) {
    assert.match(contentDisposition('a', type), /^inline;/, type);
  }
});

test('active types are attachments', () => {
  for (const type of [
    'text/html',
    'image/svg+xml',
    'application/xml',
    'text/javascript',
    'application/zip',
  ]) {
    assert.match(contentDisposition('a', type), /^attachment;/, type);
  }
});

test('name is encoded per RFC 5987 with an ASCII fallback', () => {
  assert.equal(
    contentDisposition("naïve 'quote' (1)*.txt", 'text/plain'),
    `inline; filename="naive 'quote' (1)*.txt"; filename*=UTF-8''na%C3%AFve%20%27quote%27%20%281%29%2A.txt`,
  );
  assert.equal(
    contentDisposition('a"b\\c%d\r\n.txt', 'text/plain'),
    `inline; filename="a_b_c_d__.txt"; filename*=UTF-8''a%22b%5Cc%25d%0D%0A.txt`,
  );
});
