import * as crypto from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { Testing } from 'cdk8s';
import { EXAMPLE_KEY_PEM, INSIDE_VALIDITY, VECTORS_DIR, referenceSessionKey, referenceUnseal } from './fixtures';
import { SealedSecret, SealingCertificate, SealingScope } from '../../src';
import { hybridEncrypt, openGcm, splitSealedValue } from '../../src/sealed/crypto';

const vectors = JSON.parse(fs.readFileSync(path.join(VECTORS_DIR, 'vectors.json'), 'utf8'));
const cases: Array<[string, any]> = vectors.vectors.map((v: any) => [v.id, v]);

describe('kubeseal vectors (mikube/kseal, produced by kubeseal --raw)', () => {
  test('GIVEN the vectors file THEN it holds the 6 strict-scope vectors', () => {
    expect(vectors.vectors).toHaveLength(6);
    for (const v of vectors.vectors) {
      expect(v.scope).toBe('strict');
      expect(v.oaepLabel).toBe(`${v.namespace}/${v.name}`);
    }
  });

  test.each(cases)('GIVEN vector %s WHEN decrypted with the reference decryption and its label THEN the documented plaintext comes back', (_id, v: any) => {
    const plaintext = referenceUnseal(EXAMPLE_KEY_PEM, v.ciphertextBase64, v.oaepLabel);
    expect(plaintext.toString('utf8')).toBe(v.plaintext);
    // Layout: uint16be(512) || rsa(512) || gcm(plaintext) || tag(16).
    const raw = Buffer.from(v.ciphertextBase64, 'base64');
    expect(raw.readUInt16BE(0)).toBe(512);
    expect(raw.length).toBe(2 + 512 + Buffer.byteLength(v.plaintext) + 16);
    expect(v.ciphertextBase64.startsWith('Ag')).toBe(true);
  });

  test.each(cases)('GIVEN vector %s WHEN decrypted under the namespace-wide or cluster-wide label THEN decryption fails', (_id, v: any) => {
    expect(() => referenceUnseal(EXAMPLE_KEY_PEM, v.ciphertextBase64, v.namespace)).toThrow();
    expect(() => referenceUnseal(EXAMPLE_KEY_PEM, v.ciphertextBase64, '')).toThrow();
  });

  test.each(cases)('GIVEN vector %s and its recorded session key WHEN the library opens the AES-GCM part THEN the plaintext comes back', (_id, v: any) => {
    const sessionKey = referenceSessionKey(EXAMPLE_KEY_PEM, v.ciphertextBase64, v.oaepLabel);
    expect(sessionKey.toString('hex')).toBe(v.derivedSessionKeyHex);
    const parts = splitSealedValue(v.ciphertextBase64, 512)!;
    expect(parts).toBeDefined();
    expect(openGcm(parts, sessionKey)!.toString('utf8')).toBe(v.plaintext);
    // A wrong key does not open it.
    expect(openGcm(parts, crypto.randomBytes(32))).toBeUndefined();
  });

  test('GIVEN a session key that is not 32 bytes THEN the internal encrypt refuses it (AES-256 only)', () => {
    const key = new crypto.X509Certificate(vectors.keyMaterial.certificatePem).publicKey;
    expect(() => hybridEncrypt(key, Buffer.from('x'), 'a/b', Buffer.alloc(16))).toThrow(/session key must be 32 bytes/);
  });

  test('GIVEN malformed sealed values THEN the parser rejects them', () => {
    const v = vectors.vectors[0].ciphertextBase64 as string;
    expect(splitSealedValue(v, 256)).toBeUndefined(); // wrong modulus size
    expect(splitSealedValue(v.slice(0, 100), 512)).toBeUndefined(); // truncated
    expect(splitSealedValue('not base64!', 512)).toBeUndefined();
    const padded = (vectors.vectors as any[]).map((x) => x.ciphertextBase64 as string).find((x) => x.endsWith('='))!;
    expect(splitSealedValue(padded, 512)).toBeDefined();
    expect(splitSealedValue(padded.replace(/=+$/, ''), 512)).toBeUndefined(); // padding removed
    expect(splitSealedValue('', 512)).toBeUndefined();
  });

  test('GIVEN upstream TestEncryptionLabel (ns "myns", name "myname") THEN each scope uses the upstream label', () => {
    const lv = vectors.upstreamLabelVectors;
    const cert = SealingCertificate.fromPem(vectors.keyMaterial.certificatePem, { checkValidityAt: INSIDE_VALIDITY });
    const labels: { [scope: string]: string } = {};
    for (const scope of [SealingScope.STRICT, SealingScope.NAMESPACE_WIDE, SealingScope.CLUSTER_WIDE]) {
      // One app per scope: a Secret name has one producer per app.
      labels[scope] = new SealedSecret(Testing.chart(), `S-${scope}`, { name: lv.name, namespace: lv.namespace, sealingScope: scope, certificate: cert }).encryptionLabel;
    }
    expect(labels).toEqual(lv.expected);
  });

  test('GIVEN the upstream kubeseal test certificate THEN it loads as the RSA-4096 key upstream expects', () => {
    const pv = vectors.upstreamCertParseVector;
    const cert = SealingCertificate.fromPem(pv.certificatePem, { checkValidityAt: new Date('2020-01-01T00:00:00Z') });
    expect(cert.keyType).toBe('rsa');
    expect(cert.modulusBits).toBe(4096);
    expect(cert.notAfter.toISOString()).toBe('2027-06-18T04:32:45.000Z');
    const jwk = new crypto.X509Certificate(pv.certificatePem).publicKey.export({ format: 'jwk' }) as any;
    expect(BigInt('0x' + Buffer.from(jwk.n, 'base64url').toString('hex')).toString()).toBe(pv.expectedModulusDecimal);
    expect(Buffer.from(jwk.e, 'base64url').readUIntBE(0, Buffer.from(jwk.e, 'base64url').length)).toBe(pv.expectedExponent ?? 65537);
  });
});
