// The kubeseal hybrid encryption (sealed-secrets v0.36.6, pkg/crypto/crypto.go), written with Node crypto,
// plus the session-key derivation behind churn-free re-sealing. Internal: nothing here is part of the public API.
//
//   value = uint16be(len(rsa)) || rsa || gcm
//   rsa   = RSA-OAEP(SHA-256, MGF1-SHA-256, label)(sessionKey)      sessionKey: 32 bytes -> AES-256
//   gcm   = AES-256-GCM(sessionKey, nonce = 12 zero bytes, aad = none)(plaintext) || tag(16)
//   label = "<namespace>/<name>" (strict) | "<namespace>" (namespace-wide) | "" (cluster-wide)
import * as crypto from 'crypto';

/** What sealing needs from a checked certificate. @internal */
export interface SealingKey {
  readonly publicKey: crypto.KeyObject;
  readonly modulusBytes: number;
  /** SHA-256 of the certificate (DER). */
  readonly fingerprint: Buffer;
}

/** Bytes in a kubeseal session key (AES-256). */
export const SESSION_KEY_BYTES = 32;
const GCM_NONCE = Buffer.alloc(12);
const GCM_TAG_BYTES = 16;

/**
 * The OAEP label for a scope (`EncryptionLabel` in sealedsecret_expansion.go).
 * @internal
 */
export function encryptionLabel(scope: string, namespace: string, name: string): string {
  switch (scope) {
    case 'namespace-wide': return namespace;
    case 'cluster-wide': return '';
    default: return `${namespace}/${name}`;
  }
}

/**
 * kubeseal's HybridEncrypt with a given session key. The RSA-OAEP step is always randomized (OAEP seed from
 * the CSPRNG), so the output is never deterministic even when the session key is derived.
 * @internal
 */
export function hybridEncrypt(publicKey: crypto.KeyObject, plaintext: Buffer, label: string, sessionKey: Buffer): Buffer {
  if (sessionKey.length !== SESSION_KEY_BYTES) {
    throw new Error(`session key must be ${SESSION_KEY_BYTES} bytes`);
  }
  const rsa = crypto.publicEncrypt({
    key: publicKey,
    padding: crypto.constants.RSA_PKCS1_OAEP_PADDING,
    oaepHash: 'sha256',
    oaepLabel: Buffer.from(label, 'utf8'),
  }, sessionKey);
  const cipher = crypto.createCipheriv('aes-256-gcm', sessionKey, GCM_NONCE);
  const ct = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  const prefix = Buffer.alloc(2);
  prefix.writeUInt16BE(rsa.length, 0);
  return Buffer.concat([prefix, rsa, ct, cipher.getAuthTag()]);
}

/** The parts of one sealed value. @internal */
export interface SealedParts {
  readonly rsa: Buffer;
  readonly gcmCiphertext: Buffer;
  readonly gcmTag: Buffer;
}

/**
 * Splits a sealed value (`spec.encryptedData[key]`, standard base64 with padding). Returns undefined for
 * anything that is not a well-formed value for an RSA key of `modulusBytes`.
 * @internal
 */
export function splitSealedValue(base64: string, modulusBytes: number): SealedParts | undefined {
  if (typeof base64 !== 'string' || !/^[A-Za-z0-9+/]*={0,2}$/.test(base64) || base64.length % 4 !== 0) return undefined;
  const raw = Buffer.from(base64, 'base64');
  if (raw.toString('base64') !== base64 || raw.length < 2) return undefined;
  const n = raw.readUInt16BE(0);
  if (n !== modulusBytes || raw.length < 2 + n + GCM_TAG_BYTES) return undefined;
  return {
    rsa: raw.subarray(2, 2 + n),
    gcmCiphertext: raw.subarray(2 + n, raw.length - GCM_TAG_BYTES),
    gcmTag: raw.subarray(raw.length - GCM_TAG_BYTES),
  };
}

/**
 * Opens the AES-GCM part of a sealed value with a candidate session key. Returns the plaintext, or undefined
 * when the key is not the one the value was sealed with (the tag does not verify).
 * @internal
 */
export function openGcm(parts: SealedParts, sessionKey: Buffer): Buffer | undefined {
  try {
    const decipher = crypto.createDecipheriv('aes-256-gcm', sessionKey, GCM_NONCE);
    decipher.setAuthTag(parts.gcmTag);
    return Buffer.concat([decipher.update(parts.gcmCiphertext), decipher.final()]);
  } catch {
    return undefined;
  }
}

// ---------------------------------------------------------------------------------------------------------
// Churn-free re-sealing.
//
// With a reseal key K (a secret the user supplies, never written anywhere), a value's session key is
//   stretched = scrypt(plaintext, salt = SHA-256(DOMAIN || ctx), N = 2^14, r = 8, p = 1, 32 bytes)
//   sessionKey = HMAC-SHA-256(K, DOMAIN || ctx || stretched)
//   ctx = certificate SHA-256 fingerprint || namespace || name || scope || label || data key   (length-prefixed)
// The RSA-OAEP step stays randomized. At re-synth the previous value's session key is recomputed from the
// current inputs; if it opens the previous AES-GCM part to the same plaintext, the previous value is kept.
// Without K, nobody can compute a candidate key, so the repository and the certificate give no way to test a
// guessed plaintext. With K, each guess costs one scrypt per value (memory-hard), see docs/sealed-secrets.md.
// The SealedSecret's namespace and name are always in ctx (the label omits them in the wider scopes), so equal
// plaintexts in different SealedSecrets or under different data keys never share a session key, and their
// AES-GCM parts do not reveal that they are equal. A session key is a function of the plaintext, so it never
// encrypts two different plaintexts: the zero GCM nonce stays safe.
// ---------------------------------------------------------------------------------------------------------

const RESEAL_DOMAIN = 'cdk8s-secrets/sealed-secrets/reseal/v1';
/** scrypt cost of the plaintext stretch (16 MiB, tens of milliseconds per value). */
export const RESEAL_SCRYPT = { N: 16384, r: 8, p: 1, maxmem: 64 * 1024 * 1024 };

/** Context for one sealed value. @internal */
export interface ResealContext {
  /** SHA-256 of the certificate (DER). */
  readonly certificateFingerprint: Buffer;
  /** The SealedSecret's namespace (bound in every scope, unlike the OAEP label). */
  readonly namespace: string;
  /** The SealedSecret's name (bound in every scope, unlike the OAEP label). */
  readonly name: string;
  readonly scope: string;
  readonly label: string;
  readonly dataKey: string;
}

function lengthPrefixed(...parts: Buffer[]): Buffer {
  return Buffer.concat(parts.flatMap((p) => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(p.length, 0);
    return [len, p];
  }));
}

/**
 * The session key for a value under churn-free re-sealing.
 * @internal
 */
export function deriveResealSessionKey(resealKey: Buffer, ctx: ResealContext, plaintext: Buffer): Buffer {
  const context = lengthPrefixed(
    Buffer.from(RESEAL_DOMAIN, 'utf8'),
    ctx.certificateFingerprint,
    Buffer.from(ctx.namespace, 'utf8'),
    Buffer.from(ctx.name, 'utf8'),
    Buffer.from(ctx.scope, 'utf8'),
    Buffer.from(ctx.label, 'utf8'),
    Buffer.from(ctx.dataKey, 'utf8'),
  );
  const salt = crypto.createHash('sha256').update(context).digest();
  const stretched = crypto.scryptSync(plaintext, salt, 32, RESEAL_SCRYPT);
  return crypto.createHmac('sha256', resealKey).update(context).update(lengthPrefixed(stretched)).digest();
}

/**
 * Whether `previous` (a sealed value) holds `plaintext` sealed with `sessionKey`.
 * @internal
 */
export function previousHolds(previous: string, modulusBytes: number, sessionKey: Buffer, plaintext: Buffer): boolean {
  const parts = splitSealedValue(previous, modulusBytes);
  if (!parts || parts.gcmCiphertext.length !== plaintext.length) return false;
  const opened = openGcm(parts, sessionKey);
  if (!opened || opened.length !== plaintext.length) return false;
  return crypto.timingSafeEqual(opened, plaintext);
}
