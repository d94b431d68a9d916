import {
  createRemoteJWKSet,
  errors,
  importSPKI,
  type JWTPayload,
  type JWTVerifyGetKey,
  jwtVerify,
  type KeyObject,
} from 'jose';
import type { ClerkConfig } from '../config.js';
import { ApiError } from './problem.js';

/** Who a verified Clerk session token names. */
export interface ClerkIdentity {
  /** `sub`: Clerk's user id. */
  userId: string;
  /** `o.id`, or `org_id` in tokens of the first version; null without an active organisation. */
  orgId: string | null;
  orgSlug: string | null;
  /** Present only when the Clerk instance adds them to its session tokens. */
  email: string | null;
  name: string | null;
}

type PublicKey = Awaited<ReturnType<typeof importSPKI>> | KeyObject;

export type ClerkVerifier = (token: string, now: number) => Promise<ClerkIdentity>;

/** Clerk's own clock and ours may disagree a little; tokens live about a minute. */
const clockToleranceSeconds = 5;

const challenge = { 'WWW-Authenticate': 'Bearer realm="emivoy", error="invalid_token"' };

/** Version 2 session tokens carry the active organisation as `o`. */
interface ClerkClaims extends JWTPayload {
  azp?: string;
  sts?: string;
  o?: { id?: string; slg?: string };
  org_id?: string;
  org_slug?: string;
  email?: string;
  name?: string;
}

/**
 * Verifies Clerk session tokens locally: the signature (RS256 or ES256 only, so `alg: none`
 * and an HMAC keyed with the public key are refused), `exp` and `nbf` with a few seconds of
 * skew, `iss`, `azp` when the token has one, and that the session is not pending.
 */
export async function createClerkVerifier(config: ClerkConfig): Promise<ClerkVerifier> {
  const { key, algorithms } = await verificationKey(config);

  return async (token, now) => {
    let claims: ClerkClaims;
    try {
      const result = await jwtVerify<ClerkClaims>(token, key, {
        algorithms,
        issuer: config.issuer,
        clockTolerance: clockToleranceSeconds,
        currentDate: new Date(now),
        requiredClaims: ['exp', 'sub'],
      });
      claims = result.payload;
    } catch (error) {
      throw refusal(error);
    }
    return identityOf(claims, config);
  };
}

async function verificationKey(
  config: ClerkConfig,
): Promise<{ key: PublicKey | JWTVerifyGetKey; algorithms: string[] }> {
  if (config.jwksUrl) {
    return { key: createRemoteJWKSet(new URL(config.jwksUrl)), algorithms: ['RS256', 'ES256'] };
  }
  try {
    // Clerk's dashboard shows an RSA key: binding it to RS256 refuses every other algorithm.
    return { key: await importSPKI(config.jwtKey ?? '', 'RS256'), algorithms: ['RS256'] };
  } catch {
    throw new Error(
      'CLERK_JWT_KEY is not a PEM RSA public key: copy the "PEM Public Key" from the API ' +
        'Keys page of the Clerk dashboard, or set CLERK_JWKS_URL instead',
    );
  }
}

function identityOf(claims: ClerkClaims, config: ClerkConfig): ClerkIdentity {
  const azp = claims.azp;
  const parties = config.authorizedParties;
  if (azp !== undefined && parties.length > 0 && !parties.includes(azp)) {
    throw invalid(`The token was issued for ${azp}, which is not in CLERK_AUTHORIZED_PARTIES`);
  }
  if (claims.sts === 'pending') {
    throw invalid(
      'The Clerk session is pending: finish signing in (such as choosing an organisation)',
    );
  }
  if (typeof claims.sub !== 'string' || claims.sub === '') throw invalid('The token has no sub');

  const orgId = claims.o?.id ?? claims.org_id ?? null;
  return {
    userId: claims.sub,
    orgId,
    orgSlug: claims.o?.slg ?? claims.org_slug ?? null,
    email: typeof claims.email === 'string' ? claims.email : null,
    name: typeof claims.name === 'string' ? claims.name : null,
  };
}

function invalid(detail: string): ApiError {
  return new ApiError('invalid_token', detail, undefined, challenge);
}

/** Says what is wrong with the token; a failure to fetch Clerk's keys is ours, not the caller's. */
function refusal(error: unknown): ApiError {
  if (error instanceof errors.JWTExpired) return invalid('The token has expired');
  if (error instanceof errors.JWTClaimValidationFailed) {
    return invalid(`The token's ${error.claim} claim is not accepted (${error.reason})`);
  }
  if (error instanceof errors.JOSEAlgNotAllowed || error instanceof errors.JOSENotSupported) {
    return invalid('The token is not signed with RS256 or ES256');
  }
  if (
    error instanceof errors.JWSSignatureVerificationFailed ||
    error instanceof errors.JWKSNoMatchingKey ||
    error instanceof errors.JWKSMultipleMatchingKeys
  ) {
    return invalid('The token is not signed by a key of this Clerk instance');
  }
  if (error instanceof errors.JWSInvalid || error instanceof errors.JWTInvalid) {
    return invalid('The bearer token is neither an Emivoy API key nor a well-formed JWT');
  }
  const unavailable = new ApiError(
    'service_unavailable',
    "Clerk's signing keys could not be fetched from CLERK_JWKS_URL; retry shortly",
    undefined,
    { 'Retry-After': '5' },
  );
  // Kept for the server's log, which records the cause of every 5xx.
  return Object.assign(unavailable, { cause: error });
}
