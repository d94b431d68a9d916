import { describe, expect, it } from 'vitest';
import { maxDurationMs, parseDuration } from './duration.js';

const second = 1_000;
const hour = 3_600 * second;
const day = 24 * hour;

describe('parseDuration', () => {
  it.each([
    ['30s', 30 * second],
    ['15m', 15 * 60 * second],
    ['12h', 12 * hour],
    ['3d', 3 * day],
    ['2w', 14 * day],
    ['P3D', 3 * day],
    ['PT12H', 12 * hour],
    ['P1W', 7 * day],
    ['P1DT2H30M', day + 2.5 * hour],
    ['PT90S', 90 * second],
    ['p3d', 3 * day],
    [' 3d ', 3 * day],
  ])('reads %j as %i ms', (text, ms) => {
    expect(parseDuration(text)).toBe(ms);
  });

  it.each(['3x', '0d', 'P', 'PT', 'P3DT', 'P0D', '', 'd', '-1d', '1.5d', '3', 'P1M', 'P1Y', '3D'])(
    'refuses %j',
    (text) => {
      expect(parseDuration(text)).toBeNull();
    },
  );

  it('allows ten years and not a second more', () => {
    expect(parseDuration('3650d')).toBe(maxDurationMs);
    expect(parseDuration(`${maxDurationMs / 1000 + 1}s`)).toBeNull();
    expect(parseDuration('99999999999999999999999w')).toBeNull();
  });
});
