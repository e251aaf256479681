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
export function hybridEncrypt(publicKey: crypto.KeyObject, plaintext: Buffer, label: string | Buffer, sessionKey: Buffer): Buffer {
  if (sessionKey.length !== SESSION_KEY_BYTES) {
    throw new Error(`session key must be ${SESSION_KEY_BYTES} bytes`);
  }
  const rsa = crypto.publicEncrypt({
    key: publicKey,
    padding: crypto.constants.RSA_PKCS1_OAEP_PADDING,
    oaepHash: 'sha256',
    oaepLabel: typeof label === 'string' ? Buffer.from(label, 'utf8') : label,
  }, sessionKey);
  return assembleSealedValue(rsa, sessionKey, plaintext);
}

/**
 * The sealed value from its RSA-OAEP part (of `sessionKey`) and the plaintext: the length prefix, the RSA part
 * and AES-256-GCM, written into one buffer.
 * @internal
 */
export function assembleSealedValue(rsa: Buffer, sessionKey: Buffer, plaintext: Buffer): Buffer {
  const out = Buffer.allocUnsafe(2 + rsa.length + plaintext.length + GCM_TAG_BYTES);
  out.writeUInt16BE(rsa.length, 0);
  rsa.copy(out, 2);
  const cipher = crypto.createCipheriv('aes-256-gcm', sessionKey, GCM_NONCE);
  let at = 2 + rsa.length;
  at += cipher.update(plaintext).copy(out, at);
  at += cipher.final().copy(out, at);
  cipher.getAuthTag().copy(out, at);
  return out;
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
// Churn-free re-sealing (docs/sealed-secrets.md has the attacker model).
//
// v2 (current). With a reseal key K (a secret the user supplies, never written anywhere):
//   Kd         = scrypt(K, salt = SHA-256("<DOMAIN_V2>/key"), N = 2^15, r = 8, p = 1)      once per synth
//   ctx        = DOMAIN_V2 || certificate SHA-256 fingerprint || namespace || name || scope || label || data key
//                (each length-prefixed)
//   salt       = HMAC-SHA-256(Kd, "salt" || ctx)
//   stretched  = scrypt(plaintext, salt, N = 2^9, r = 8, p = 1)                            per value
//   sessionKey = HMAC-SHA-256(Kd, ctx || len-prefixed(stretched))
// v1 (values sealed before v2; still recognised, never produced):
//   stretched  = scrypt(plaintext, salt = SHA-256(ctx with DOMAIN_V1), N = 2^14, r = 8, p = 1)
//   sessionKey = HMAC-SHA-256(K, ctx || len-prefixed(stretched))
// The RSA-OAEP step stays randomized. At re-synth the previous value's session key is recomputed from the
// current inputs; if it opens the previous AES-GCM part to the same plaintext, the previous value is kept.
// Without K, nobody can compute a candidate key (v2: not even the scrypt salt), so the repository and the
// certificate give no way to test a guessed plaintext. The SealedSecret's namespace and name are always in
// ctx (the label omits them in the wider scopes), so equal plaintexts in different SealedSecrets or under
// different data keys never share a session key, and their AES-GCM parts do not reveal that they are equal. A
// session key is a function of the plaintext, so it never encrypts two different plaintexts: the zero GCM
// nonce stays safe.
// ---------------------------------------------------------------------------------------------------------

const RESEAL_DOMAIN_V1 = 'cdk8s-secrets/sealed-secrets/reseal/v1';
const RESEAL_DOMAIN_V2 = 'cdk8s-secrets/sealed-secrets/reseal/v2';
/** v1 scrypt cost of the plaintext stretch (16 MiB, tens of milliseconds per value). */
export const RESEAL_V1_SCRYPT = { N: 16384, r: 8, p: 1, maxmem: 64 * 1024 * 1024 };
/** v2: scrypt cost of hardening the reseal key, once per Resealing (32 MiB). */
export const RESEAL_V2_KEY_SCRYPT = { N: 32768, r: 8, p: 1, maxmem: 128 * 1024 * 1024 };
/** v2: scrypt cost of the plaintext stretch, per value (512 KiB). */
export const RESEAL_V2_SCRYPT = { N: 512, r: 8, p: 1, maxmem: 64 * 1024 * 1024 };

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

function contextBytes(domain: string, ctx: ResealContext): Buffer {
  return lengthPrefixed(
    Buffer.from(domain, 'utf8'),
    ctx.certificateFingerprint,
    Buffer.from(ctx.namespace, 'utf8'),
    Buffer.from(ctx.name, 'utf8'),
    Buffer.from(ctx.scope, 'utf8'),
    Buffer.from(ctx.label, 'utf8'),
    Buffer.from(ctx.dataKey, 'utf8'),
  );
}

/**
 * v1 session key (recognising values sealed before v2).
 * @internal
 */
export function deriveResealSessionKeyV1(resealKey: Buffer, ctx: ResealContext, plaintext: Buffer): Buffer {
  const { salt, finish } = resealStepsV1(resealKey, ctx);
  const stretched = crypto.scryptSync(plaintext, salt, 32, RESEAL_V1_SCRYPT);
  try {
    return finish(stretched);
  } finally {
    stretched.fill(0);
  }
}

/**
 * v1 in two steps around the scrypt (so that a batch's scrypts can run on every core): the salt, and the
 * session key from the stretched plaintext.
 * @internal
 */
export function resealStepsV1(resealKey: Buffer, ctx: ResealContext): { salt: Buffer; finish: (stretched: Buffer) => Buffer } {
  const context = contextBytes(RESEAL_DOMAIN_V1, ctx);
  return {
    salt: crypto.createHash('sha256').update(context).digest(),
    finish: (stretched) => crypto.createHmac('sha256', resealKey).update(context).update(lengthPrefixed(stretched)).digest(),
  };
}

/**
 * v2: the hardened reseal key (one scrypt per Resealing).
 * @internal
 */
export function deriveResealMacKey(resealKey: Buffer): Buffer {
  const salt = crypto.createHash('sha256').update(`${RESEAL_DOMAIN_V2}/key`, 'utf8').digest();
  return crypto.scryptSync(resealKey, salt, 32, RESEAL_V2_KEY_SCRYPT);
}

/**
 * v2 in two steps around the per-value scrypt: the salt (keyed), and the session key from the stretched plaintext.
 * @internal
 */
export function resealStepsV2(macKey: Buffer, ctx: ResealContext): { salt: Buffer; finish: (stretched: Buffer) => Buffer } {
  const context = contextBytes(RESEAL_DOMAIN_V2, ctx);
  return {
    salt: crypto.createHmac('sha256', macKey).update('salt', 'utf8').update(context).digest(),
    finish: (stretched) => crypto.createHmac('sha256', macKey).update(context).update(lengthPrefixed(stretched)).digest(),
  };
}

/**
 * v2 session key in one call (tests, and the attacker-model checks).
 * @internal
 */
export function deriveResealSessionKeyV2(macKey: Buffer, ctx: ResealContext, plaintext: Buffer): Buffer {
  const { salt, finish } = resealStepsV2(macKey, ctx);
  const stretched = crypto.scryptSync(plaintext, salt, 32, RESEAL_V2_SCRYPT);
  try {
    return finish(stretched);
  } finally {
    stretched.fill(0);
  }
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

/**
 * Whether `previous` could hold a plaintext of `plaintextLength` bytes for this key size (a cheap filter
 * before any key derivation).
 * @internal
 */
export function couldHold(previous: string, modulusBytes: number, plaintextLength: number): boolean {
  const parts = splitSealedValue(previous, modulusBytes);
  return parts !== undefined && parts.gcmCiphertext.length === plaintextLength;
}
