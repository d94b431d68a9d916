/** How long after `start` a step runs: "immediately", "after 3 days", "after 1 day 12 hours". */
export function formatOffset(start: string, at: string): string {
  let seconds = Math.round((Date.parse(at) - Date.parse(start)) / 1000);
  if (seconds <= 0) return 'immediately';
  const parts: string[] = [];
  for (const [unit, size] of [
    ['day', 86400],
    ['hour', 3600],
    ['minute', 60],
    ['second', 1],
  ] as const) {
    const count = Math.floor(seconds / size);
    if (count > 0 && parts.length < 2) parts.push(`${count} ${unit}${count === 1 ? '' : 's'}`);
    seconds -= count * size;
  }
  return `after ${parts.join(' ')}`;
}
