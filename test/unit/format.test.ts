import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { formatAge, formatBytes, formatDate, formatMode, formatPercent, parseBytes, printablePath } from '../../src/core/format';

describe('format', () => {
  test('formatBytes uses decimal units like docker image ls', () => {
    assert.equal(formatBytes(0), '0 B');
    assert.equal(formatBytes(999), '999 B');
    assert.equal(formatBytes(1500), '1.5 kB');
    assert.equal(formatBytes(2097152), '2.1 MB');
    assert.equal(formatBytes(594067109), '594 MB');
  });

  test('parseBytes reads sizes with decimal and binary units, and refuses nonsense', () => {
    assert.equal(parseBytes('1000'), 1000);
    assert.equal(parseBytes('20MB'), 20_000_000);
    assert.equal(parseBytes('1.5 GiB'), Math.round(1.5 * 1024 ** 3));
    assert.equal(parseBytes('2k'), 2000);
    assert.equal(parseBytes('lots'), undefined);
    assert.equal(parseBytes('-5MB'), undefined);
  });

  test('formatMode shows type and special bits like ls -l', () => {
    assert.equal(formatMode(0o4755, 'file'), '-rwsr-xr-x');
    assert.equal(formatMode(0o2775, 'dir'), 'drwxrwsr-x');
    assert.equal(formatMode(0o1777, 'dir'), 'drwxrwxrwt');
    assert.equal(formatMode(0o1666, 'dir'), 'drw-rw-rwT');
    assert.equal(formatMode(0o777, 'symlink'), 'lrwxrwxrwx');
  });

  test('formatPercent', () => {
    assert.equal(formatPercent(0.486), '48.6 %');
  });

  test('printablePath escapes control characters, raw bytes and backslashes unambiguously', () => {
    assert.equal(printablePath('/ok/ünï 文件.txt'), '/ok/ünï 文件.txt');
    assert.equal(printablePath('/a\nb\tc'), '/a\\x0ab\\x09c');
    assert.equal(printablePath('/latin1-\udce9.txt'), '/latin1-\\xe9.txt');
    // A name that spells an escape stays distinguishable from the escape itself.
    assert.notEqual(printablePath('/x\\x0a'), printablePath('/x\n'));
    assert.equal(printablePath('/back\\slash'), '/back\\\\slash');
  });
  test('formatAge reads like a person says it, and formatDate adds the exact ISO time', () => {
    const now = Date.UTC(2026, 11, 1, 10, 0, 0);
    assert.equal(formatAge(now - 5_000, now), 'just now');
    assert.equal(formatAge(now + 30_000, now), 'just now');
    assert.equal(formatAge(now - 61_000, now), '1 minute ago');
    assert.equal(formatAge(now - 2 * 3600_000 - 5, now), '2 hours ago');
    assert.equal(formatAge(now - 3 * 86400_000, now), '3 days ago');
    assert.equal(formatAge(now - 15 * 86400_000, now), '2 weeks ago');
    assert.equal(formatAge(now - 400 * 86400_000, now), '1 year ago');
    assert.equal(formatAge(now + 3600_000, now), 'in the future');
    assert.equal(formatDate(now - 7200_000, now), '2 hours ago (2026-12-01T08:00:00.000Z)');
    assert.equal(formatDate(Number.NaN, now), 'unknown');
  });
});
