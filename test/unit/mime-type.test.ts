import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { parseMimeType, typeFromFileName } from '../../src/domain/file-types/mime-type.js';

describe('parseMimeType', () => {
  test('valid hints are normalised', () => {
    const cases: [string, string][] = [
      ['application/pdf', 'application/pdf'],
      ['Image/JPEG', 'image/jpeg'],
      ['image/jpg', 'image/jpeg'],
      ['image/pjpeg', 'image/jpeg'],
      ['application/x-pdf', 'application/pdf'],
      ['Text/Plain; charset=UTF-8', 'text/plain'],
      ['text/plain;charset="utf-8"', 'text/plain'],
      ['audio/x-m4a', 'audio/mp4'],
      [
        'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
        'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
      ],
      [' text/csv ', 'text/csv'],
    ];
    for (const [hint, expected] of cases) assert.equal(parseMimeType(hint), expected, hint);
  });

  test('invalid hints are null', () => {
    for (const hint of [
      'text',
      'foo',
      'image/',
      '/png',
      'foo/bar baz',
      'a/b/c',
      'text/plain; charset',
      '',
      'image/png\n',
    ]) {
      assert.equal(parseMimeType(hint), null, JSON.stringify(hint));
    }
  });
});

describe('typeFromFileName', () => {
  test('last extension decides, any case', () => {
    const cases: [string, string][] = [
      ['PHOTO.JPG', 'image/jpeg'],
      ['report.final.pdf', 'application/pdf'],
      ['archive.tar.gz', 'application/gzip'],
      ['backup.tgz', 'application/gzip'],
      ['IMG_0001.HEIC', 'image/heic'],
      ['invoice.pdf.exe', 'application/vnd.microsoft.portable-executable'],
      ['voice.m4a', 'audio/mp4'],
    ];
    for (const [name, expected] of cases) assert.equal(typeFromFileName(name), expected, name);
  });

  test('names without a real extension are null', () => {
    for (const name of ['json', 'Makefile', '.env', 'notes.', 'file.unknownextension', '']) {
      assert.equal(typeFromFileName(name), null, name);
    }
  });
});
