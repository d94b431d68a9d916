import { createPublicKey, verify } from 'node:crypto';

/** SendGrid signs the timestamp followed by the raw body; older timestamps are replays. */
export const webhookToleranceMs = 10 * 60_000;

export type SignatureCheck = 'valid' | 'missing' | 'stale' | 'forged';

/**
 * Checks SendGrid's Event Webhook signature: ECDSA P-256 with SHA-256 over
 * `timestamp + rawBody`, the public key given as base64 DER (as SendGrid shows it).
 */
export function verifySendgridSignature(input: {
  publicKey: string;
  signature: string | undefined;
  timestamp: string | undefined;
  rawBody: Buffer;
  now: number;
}): SignatureCheck {
  const { signature, timestamp } = input;
  if (!signature || !timestamp) return 'missing';
  const seconds = Number(timestamp);
  if (!Number.isFinite(seconds) || Math.abs(input.now - seconds * 1000) > webhookToleranceMs)
    return 'stale';

  try {
    const key = createPublicKey({
      key: Buffer.from(input.publicKey, 'base64'),
      format: 'der',
      type: 'spki',
    });
    const payload = Buffer.concat([Buffer.from(timestamp), input.rawBody]);
    const ok = verify(
      'sha256',
      payload,
      { key, dsaEncoding: 'der' },
      Buffer.from(signature, 'base64'),
    );
    return ok ? 'valid' : 'forged';
  } catch {
    return 'forged';
  }
}
