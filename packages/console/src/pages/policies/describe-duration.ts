const units: Record<string, string> = { s: 'second', m: 'minute', h: 'hour', d: 'day', w: 'week' };

/** "3d" reads "3 days"; anything else (ISO 8601, typos) is shown as given. */
export function describeDuration(duration: string): string {
  const match = /^(\d+)\s*([smhdw])$/i.exec(duration.trim());
  if (!match?.[1] || !match[2]) return duration;
  const count = Number(match[1]);
  const unit = units[match[2].toLowerCase()] ?? match[2];
  return `${count} ${unit}${count === 1 ? '' : 's'}`;
}
