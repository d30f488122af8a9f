import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { hasSvgRoot, isMultipartEnvelope, isText } from '../../src/domain/file-types/text.js';

describe('isText', () => {
  test('UTF-8 without NUL is text', () => {
    assert.equal(isText(Buffer.from('héllo, wörld\n'), true), true);
  });

  test('empty file is text', () => {
    assert.equal(isText(Buffer.alloc(0), true), true);
  });

  test('NUL byte is not text', () => {
    assert.equal(isText(Buffer.from('a\0b'), true), false);
  });

  test('invalid UTF-8 is not text', () => {
    assert.equal(isText(Buffer.from([0x89, 0x50, 0x4e, 0x47]), true), false);
  });

  test('character cut at the end of a prefix is allowed', () => {
    const cut = Buffer.from('ab€').subarray(0, 4);
    assert.equal(isText(cut, false), true);
    assert.equal(isText(cut, true), false);
  });

  test('UTF-16 with a byte order mark is text', () => {
    const le = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('hello', 'utf16le')]);
    assert.equal(isText(le, true), true);
    const be = Buffer.from(le.subarray(2)).swap16();
    assert.equal(isText(Buffer.concat([Buffer.from([0xfe, 0xff]), be]), true), true);
  });
});

describe('hasSvgRoot', () => {
  test('SVG with and without prolog', () => {
    assert.equal(hasSvgRoot('<svg xmlns="http://www.w3.org/2000/svg"/>'), true);
    assert.equal(
      hasSvgRoot('<?xml version="1.0"?>\n<!-- made by hand -->\n<!DOCTYPE svg>\n<svg>'),
      true,
    );
    assert.equal(hasSvgRoot('\uFEFF<svg>'), true);
  });

  test('other XML is not SVG', () => {
    assert.equal(hasSvgRoot('<?xml version="1.0"?><html><svg/></html>'), false);
    assert.equal(hasSvgRoot('hello <svg>'), false);
  });
});

describe('isMultipartEnvelope', () => {
  test('FormData body is an envelope', () => {
    const body =
      '------WebKitFormBoundaryX\r\nContent-Disposition: form-data; name="file"; filename="a.pdf"\r\nContent-Type: application/pdf\r\n\r\n%PDF-1.4';
    assert.equal(isMultipartEnvelope(Buffer.from(body)), true);
  });

  test('PDF is not an envelope', () => {
    assert.equal(isMultipartEnvelope(Buffer.from('%PDF-1.4\n')), false);
  });
});
