const unitMs = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 } as const;

const shortForm = /^(\d+)\s*([smhdw])$/;
// ISO 8601 durations without years or months, whose length depends on the calendar.
const isoForm = /^P(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)?$/;

/** The longest wait a policy may hold: ten years is far past any reminder schedule. */
export const maxDurationMs = 10 * 365 * unitMs.d;

/**
 * Milliseconds in `3d`, `12h`, `90s`, `2w` or ISO 8601 `P3D`, `PT12H`, `P1W`; null when the
 * text is not a duration or is out of range (zero or above ten years).
 */
export function parseDuration(text: string): number | null {
  const ms = parseUnbounded(text.trim());
  if (ms === null || ms <= 0 || ms > maxDurationMs) return null;
  return ms;
}

function parseUnbounded(text: string): number | null {
  const short = shortForm.exec(text);
  if (short) return Number(short[1]) * unitMs[short[2] as keyof typeof unitMs];

  const iso = isoForm.exec(text.toUpperCase());
  if (!iso || text.toUpperCase() === 'P' || text.toUpperCase().endsWith('T')) return null;

  const [, weeks, days, hours, minutes, seconds] = iso.map((part) => Number(part ?? 0));
  return (
    (weeks ?? 0) * unitMs.w +
    (days ?? 0) * unitMs.d +
    (hours ?? 0) * unitMs.h +
    (minutes ?? 0) * unitMs.m +
    (seconds ?? 0) * unitMs.s
  );
}
