// Test-only material: public certificates of throwaway keys generated with openssl for these tests (their
// private keys were discarded), and the reference decryption used to check the library's output.
import * as crypto from 'crypto';
import * as fs from 'fs';
import { upstreamPath } from '../harness';

/** A P-256 (EC) self-signed certificate: not usable for sealing. */
export const EC_CERT_PEM = `-----BEGIN CERTIFICATE-----
MIIBgzCCASmgAwIBAgIUG+aVGJvbTMkb8OyOJEVhFjh5yC0wCgYIKoZIzj0EAwIw
FzEVMBMGA1UEAwwMbm90LXJzYS10ZXN0MB4XDTI2MTEyNDAwNTkwMloXDTM2MTEy
MTAwNTkwMlowFzEVMBMGA1UEAwwMbm90LXJzYS10ZXN0MFkwEwYHKoZIzj0CAQYI
KoZIzj0DAQcDQgAEf3f7X842Hiz4At8XGyMr1AyqGKiMkqZOU+rY2c+n3AFCJ8sI
F+dgKN1S0qDVxqvRJ0e4oZ6h6cAQIUfldj6gQqNTMFEwHQYDVR0OBBYEFMehfOgU
PZLDQt1qFpFKTH54QS57MB8GA1UdIwQYMBaAFMehfOgUPZLDQt1qFpFKTH54QS57
MA8GA1UdEwEB/wQFMAMBAf8wCgYIKoZIzj0EAwIDSAAwRQIgZ+KJFbxGKBm6HK75
B6hceF2ge5rXPYUQKA6QAzVy5d8CIQC+LbG42ebeXMwu0DTusGMIxT6Z9FhuQgQL
kr4kQVkZMA==
-----END CERTIFICATE-----
`;

/** A 1024-bit RSA self-signed certificate: too weak. */
export const RSA1024_CERT_PEM = `-----BEGIN CERTIFICATE-----
MIICDDCCAXWgAwIBAgIUS5d/RWpLrmyZBkTkRj6T0b6zvIwwDQYJKoZIhvcNAQEL
BQAwGDEWMBQGA1UEAwwNd2Vhay1yc2EtdGVzdDAeFw0yNjExMjQwMDU5MDJaFw0z
NjExMjEwMDU5MDJaMBgxFjAUBgNVBAMMDXdlYWstcnNhLXRlc3QwgZ8wDQYJKoZI
hvcNAQEBBQADgY0AMIGJAoGBANb5OE7uQqpxA+hpDLo/oGIRvtx54LDVgYaeRN/r
pM0TDZZ9L7E5mELE7rkGTbEaRJVZoVF7UfGsnXdZr8RUYGYbXThb+ihSyVfDaPOU
1jeJP0bYXcDhs2CE8n+1FbH2o5Q/iY6KHmTxTPs8rV4o3prAg7jymeHzlYVP3jSG
KhcBAgMBAAGjUzBRMB0GA1UdDgQWBBQnPLo5YgzoKvClaPzX3Yw2ZEU/BDAfBgNV
HSMEGDAWgBQnPLo5YgzoKvClaPzX3Yw2ZEU/BDAPBgNVHRMBAf8EBTADAQH/MA0G
CSqGSIb3DQEBCwUAA4GBACVBnfjZAIItg3GjDMDqVdmIEOS6cvlpnSVv4t2HycEc
rrsW4k36fk0Tp2n2Fk+6QZVV+D52S/kBmVoW1R9k40/T8ABmmk0RTYL4oPiDunRH
cSrNfjGdAw4vCL2FDDqHg2SRYdyjeGFdmCSey5gco38tyZ28mLPJZmx+5WW4+U/a
-----END CERTIFICATE-----
`;

/** A second RSA-2048 "controller" certificate (valid 2026-11-24T00:59:24Z .. 2126): tests that seal with it pin the clock. */
export const OTHER_CERT_PEM = `-----BEGIN CERTIFICATE-----
MIIDIzCCAgugAwIBAgIUYZhR+fjrt/9w197NQDWNre6aTH0wDQYJKoZIhvcNAQEL
BQAwIDEeMBwGA1UEAwwVb3RoZXItY29udHJvbGxlci10ZXN0MCAXDTI2MTEyNDAw
NTkyNFoYDzIxMjYxMDMxMDA1OTI0WjAgMR4wHAYDVQQDDBVvdGhlci1jb250cm9s
bGVyLXRlc3QwggEiMA0GCSqGSIb3DQEBAQUAA4IBDwAwggEKAoIBAQDEcw5hDIwp
9CNOsjfxykCzvivTuSKEovf+KyUvHEFsRjd9PWzlohCNrg+DYfeT5u54oP9l3mUI
TzzqwQMR0FIcduZCjBPgibIHl7G5EYmxh1VmZ85me7amrD0CxIH1GvLcHGHV1j8h
vukuwk0mWr0woI0h4uRzRAIxo64Hiu/ZHD46Nq5AUc/HDvkpazZ9l5ojdooDBqL9
aiHb83jVfRYOEiSbqdGhV0x5m9PoD6a994XsRPqOxc8GXPl9F43droMd66xGz0S6
6DPBpvL9pSP+bwLxg9Yo+v+YRaFYPWJjrUIxdwGFAoTqDLoEtvxVsLW33GISjod8
3/SNVpjHSfPZAgMBAAGjUzBRMB0GA1UdDgQWBBTRyM4/945eQOIlnt4xZxj6aUJU
NzAfBgNVHSMEGDAWgBTRyM4/945eQOIlnt4xZxj6aUJUNzAPBgNVHRMBAf8EBTAD
AQH/MA0GCSqGSIb3DQEBCwUAA4IBAQCrd3pbht4c/P7iiy6TL9dmOLbO7yT4rKi1
NvbfZ0VLH196p3aeKFhfsYcmch4P+hLyouEtqgzz8QRfxjkMFxwojGC3WYeeMIoW
ghubf0pR9AxJJt8NlCzdeotqKmuDaJ3jS3Y6jmKKFPtqu2hyXosL+VBMhgBc8X+d
TOSeLXgEjEu6r43QB48rOVhH/oI8qleH220hXjGG/npWB0mhYBWuvkFCHzQTHn5+
o5o2TdP0nXqYj2aeb32tXDcgbPB69UScjNzKvcjYyck/MbDaevlww+iJg+rWvsHl
YPBpu+4sx/dLXI8lbiiMzwAtd5uIADn5gctChooKSTh3CpFz0dXh
-----END CERTIFICATE-----
`;

/** The throwaway kubeseal example key and certificate from the upstream vectors folder. */
export const VECTORS_DIR = upstreamPath('sealed-secrets-vectors');
export const EXAMPLE_CERT_FILE = upstreamPath('sealed-secrets-vectors', 'example-cert.pem');
export const EXAMPLE_KEY_FILE = upstreamPath('sealed-secrets-vectors', 'example-key.pem');
export const EXAMPLE_KEY_PEM = fs.readFileSync(EXAMPLE_KEY_FILE, 'utf8');

/** A time inside the example certificate's validity (2021-01-25 .. 2031-01-23). */
export const INSIDE_VALIDITY = new Date('2026-06-01T00:00:00Z');

/**
 * The reference decryption, written here independently of the library (Node crypto): what the controller
 * and `kubeseal --recovery-unseal` do. Throws when the label or key is wrong.
 */
export function referenceUnseal(privateKeyPem: string, sealedBase64: string, label: string): Buffer {
  const raw = Buffer.from(sealedBase64, 'base64');
  const rsaLen = raw.readUInt16BE(0);
  const rsa = raw.subarray(2, 2 + rsaLen);
  const gcm = raw.subarray(2 + rsaLen);
  const sessionKey = crypto.privateDecrypt({
    key: privateKeyPem,
    padding: crypto.constants.RSA_PKCS1_OAEP_PADDING,
    oaepHash: 'sha256',
    oaepLabel: Buffer.from(label, 'utf8'),
  }, rsa);
  const decipher = crypto.createDecipheriv('aes-256-gcm', sessionKey, Buffer.alloc(12));
  decipher.setAuthTag(gcm.subarray(gcm.length - 16));
  return Buffer.concat([decipher.update(gcm.subarray(0, gcm.length - 16)), decipher.final()]);
}

/** The session key inside a sealed value (for tests of the GCM layer and of re-sealing). */
export function referenceSessionKey(privateKeyPem: string, sealedBase64: string, label: string): Buffer {
  const raw = Buffer.from(sealedBase64, 'base64');
  const rsaLen = raw.readUInt16BE(0);
  return crypto.privateDecrypt({
    key: privateKeyPem,
    padding: crypto.constants.RSA_PKCS1_OAEP_PADDING,
    oaepHash: 'sha256',
    oaepLabel: Buffer.from(label, 'utf8'),
  }, raw.subarray(2, 2 + rsaLen));
}
