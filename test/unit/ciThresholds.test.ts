// The limits of `analyze --ci`, read as dive reads them (cmd/dive/cli/internal/command/ci/rules.go).
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { CI_DEFAULTS, ciLimits, disablesRule, ratioLimit, sizeLimit } from '../../src/cli/ciThresholds';
import { LayerlensError } from '../../src/core/errors';

function refusal(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    assert.ok(error instanceof LayerlensError, `not a LayerlensError: ${String(error)}`);
    assert.equal(error.kind, 'bad-input');
    assert.doesNotMatch(error.message, /\n/, 'one line');
    return error.message;
  }
  assert.fail('accepted');
}

describe('ciLimits', () => {
  test("nothing given: dive's defaults (0.9, not checked, 0.1)", () => {
    assert.deepEqual(ciLimits({}), { lowestEfficiency: 0.9, highestWastedBytes: undefined, highestUserWastedPercent: 0.1 });
    assert.deepEqual(ciLimits({}), CI_DEFAULTS);
  });

  test('each rule is read from its own flag', () => {
    assert.deepEqual(ciLimits({ 'lowest-efficiency': '0.95', 'highest-wasted-bytes': '20Mb', 'highest-user-wasted-percent': '0.5' }), {
      lowestEfficiency: 0.95,
      highestWastedBytes: 20_000_000,
      highestUserWastedPercent: 0.5,
    });
  });

  test('disabled, off, false and an empty value skip a rule, in any case and with spaces', () => {
    for (const word of ['disabled', 'off', 'false', '', 'OFF', ' False ', 'Disabled', '  ']) {
      assert.ok(disablesRule(word), word);
      assert.deepEqual(
        ciLimits({ 'lowest-efficiency': word, 'highest-wasted-bytes': word, 'highest-user-wasted-percent': word }),
        { lowestEfficiency: undefined, highestWastedBytes: undefined, highestUserWastedPercent: undefined },
        JSON.stringify(word),
      );
    }
    for (const word of ['no', '0', 'none', 'disable', 'true']) assert.equal(disablesRule(word), false, word);
  });
});

describe('ratioLimit', () => {
  test('ratios from 0 to 1, the ends included, in the forms Go parses', () => {
    const cases: [string, number][] = [['0', 0], ['1', 1], ['0.9', 0.9], ['.5', 0.5], ['1.', 1], ['+0.25', 0.25], ['9e-1', 0.9], ['1E0', 1], ['-0', -0], ['1.0', 1]];
    for (const [text, ratio] of cases) assert.equal(ratioLimit(text, '--lowest-efficiency'), ratio, text);
  });

  test('a percentage is divided by 100 and held to the same range', () => {
    assert.equal(ratioLimit('90%', '--lowest-efficiency'), 0.9);
    assert.equal(ratioLimit('100%', '--lowest-efficiency'), 1);
    assert.equal(ratioLimit('0%', '--lowest-efficiency'), 0);
    assert.equal(ratioLimit('12.5 %', '--lowest-efficiency'), 0.125);
    assert.match(refusal(() => ratioLimit('110%', '--lowest-efficiency')), /^--lowest-efficiency 110% is outside the range dive allows, 0 to 1/);
    assert.match(refusal(() => ratioLimit('-5%', '--lowest-efficiency')), /outside the range/);
  });

  test('outside 0 to 1: refused, as dive refuses it (its Test_Evaluator_Misconfigurations)', () => {
    for (const text of ['1.1', '-0.1', '2', '1.0000001', '10', '-1e-9']) {
      for (const flag of ['--lowest-efficiency', '--highest-user-wasted-percent']) {
        assert.equal(refusal(() => ratioLimit(text, flag)), `${flag} ${text} is outside the range dive allows, 0 to 1 (0% to 100%).`);
      }
    }
  });

  test('not a number: refused, naming the flag and the value', () => {
    for (const text of ['not_a_number', 'NaN', 'inf', 'Infinity', '0x1', '0.9.1', '%', '1e', 'e1', '0,9', '90%%', '0.9 0.1']) {
      const message = refusal(() => ratioLimit(text, '--highest-user-wasted-percent'));
      assert.ok(message.startsWith('--highest-user-wasted-percent must be a ratio from 0 to 1'), message);
      assert.ok(message.includes(`"${text}"`), message);
    }
  });

  test('not given: the default; disabled: none', () => {
    assert.equal(ratioLimit(undefined, '--x', 0.1), 0.1);
    assert.equal(ratioLimit(undefined, '--x'), undefined);
    assert.equal(ratioLimit('off', '--x', 0.1), undefined);
  });
});

describe('sizeLimit', () => {
  test('sizes as go-humanize reads them; disabled or not given: not checked', () => {
    assert.equal(sizeLimit('1B', '--highest-wasted-bytes'), 1);
    assert.equal(sizeLimit('50kB', '--highest-wasted-bytes'), 50_000);
    assert.equal(sizeLimit('20Mb', '--highest-wasted-bytes'), 20_000_000);
    assert.equal(sizeLimit('1 MiB', '--highest-wasted-bytes'), 1_048_576);
    assert.equal(sizeLimit(undefined, '--highest-wasted-bytes'), undefined);
    assert.equal(sizeLimit('false', '--highest-wasted-bytes'), undefined);
  });

  test('not a size: refused in one line', () => {
    for (const text of ['not_a_size', '-1MB', '20 parsecs']) {
      assert.equal(refusal(() => sizeLimit(text, '--highest-wasted-bytes')), `--highest-wasted-bytes must be a size such as 20MB, or off; "${text}" is not one.`);
    }
  });
});
