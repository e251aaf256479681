import * as fs from 'fs';
import { IConstruct } from 'constructs';
import { REDACTED, validationError } from '../core/errors';

/** How a key file holds its key. */
export enum KeyFileFormat {
  /** Standard base64 text of the 32 key bytes (as `head -c 32 /dev/urandom | base64` writes); surrounding whitespace is ignored. */
  BASE64 = 'base64',
  /** Exactly the 32 raw key bytes. */
  RAW = 'raw',
}

/** Options for `EncryptionKey.fromFile`. */
export interface EncryptionKeyFileOptions {
  /**
   * How the file holds the key.
   * @default KeyFileFormat.BASE64
   */
  readonly format?: KeyFileFormat;
}

/** @internal */
enum KeySource { FILE = 'file', ENV = 'env', LITERAL = 'literal' }

const KEY_NAME = /^[A-Za-z0-9._-]{1,128}$/;
const STD_BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
/** The key length every local provider of this library takes (AES-256, XSalsa20-Poly1305). */
const KEY_BYTES = 32;

// The inputs (a path, a variable name or, for unsafeFromBase64, the key itself) are kept outside the instances,
// so `util.inspect`, `JSON.stringify` or a debugger's object view of a key never shows a literal key.
const INPUTS = new WeakMap<EncryptionKey, string>();

/**
 * A 32-byte key of a local EncryptionConfiguration provider (secretbox, aesgcm, aescbc), from an explicit
 * input only: a file, an environment variable the caller names, or (`unsafe`) a literal in the program.
 *
 * The key is read when the `EncryptionConfiguration` is built, checked to decode to exactly 32 bytes,
 * and written only into that configuration file. It never appears in an error message.
 */
export class EncryptionKey {
  /**
   * Reads the key from a file (read at synth; the path is the caller's explicit input).
   * @param name the key's name in the configuration (it appears in etcd as `k8s:enc:<provider>:v1:<name>:`)
   * @param filePath the file holding the key
   */
  public static fromFile(name: string, filePath: string, options: EncryptionKeyFileOptions = {}): EncryptionKey {
    return new EncryptionKey(name, KeySource.FILE, filePath, options.format ?? KeyFileFormat.BASE64);
  }

  /**
   * Reads the base64 key from an environment variable at synth. Only the variable the caller names is read.
   * @param name the key's name in the configuration
   * @param variableName the environment variable holding the base64 key
   */
  public static fromEnvironmentVariable(name: string, variableName: string): EncryptionKey {
    return new EncryptionKey(name, KeySource.ENV, variableName, KeyFileFormat.BASE64);
  }

  /**
   * A base64 key written in the program. Unsafe: the key lives in source code. For tests and demos only.
   * @param name the key's name in the configuration
   * @param base64Key the base64 text of the 32 key bytes
   */
  public static unsafeFromBase64(name: string, base64Key: string): EncryptionKey {
    return new EncryptionKey(name, KeySource.LITERAL, base64Key, KeyFileFormat.BASE64);
  }

  /** The key's name in the configuration. */
  public readonly name: string;

  private constructor(name: string, private readonly source: KeySource, input: string, private readonly format: KeyFileFormat) {
    this.name = name;
    INPUTS.set(this, input);
  }

  private get input(): string {
    return INPUTS.get(this)!;
  }

  /** A description that never includes the key. */
  public toString(): string {
    return `EncryptionKey(${this.name}, ${this.description})`;
  }

  /** Serializes as the description, never the key. */
  public toJSON(): string {
    return this.toString();
  }

  /** Where the key comes from, safe to print (never the key). */
  public get description(): string {
    switch (this.source) {
      case KeySource.FILE: return `file ${JSON.stringify(this.input)}`;
      case KeySource.ENV: return `environment variable ${this.input}`;
      default: return 'a literal in the program';
    }
  }

  /**
   * Reads and checks the key; returns its standard base64 text.
   * @internal
   */
  public _resolve(scope: IConstruct, prop: string): string {
    if (!KEY_NAME.test(this.name)) {
      throw validationError(scope, {
        code: 'CS-ENC-015',
        prop: `${prop}.name`,
        value: this.name,
        problem: 'must be 1-128 letters, digits, ".", "_" or "-"',
        fix: 'name keys like "key1" or "secret-key-2026-01"',
      });
    }
    let bytes: Buffer;
    if (this.source === KeySource.FILE) {
      let content: Buffer;
      try {
        content = fs.readFileSync(this.input);
      } catch (e: any) {
        throw validationError(scope, {
          code: 'CS-ENC-016',
          prop: `${prop}.file`,
          value: this.input,
          problem: `cannot be read (${e?.code ?? 'error'})`,
          fix: 'point EncryptionKey.fromFile at an existing, readable key file',
        });
      }
      bytes = this.format === KeyFileFormat.RAW ? content : this.decode(scope, prop, content.toString('utf8').trim());
    } else if (this.source === KeySource.ENV) {
      if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(this.input)) {
        // Not a name, so perhaps the key itself: never echoed.
        throw validationError(scope, {
          code: 'CS-ENC-017',
          prop: `${prop}.variableName`,
          value: REDACTED,
          problem: 'is not an environment variable name (letters, digits and "_", not starting with a digit); the value given is not shown in case it is the key',
          fix: 'pass the name of the variable, not the key, for example ENCRYPTION_KEY_1',
        });
      }
      const value = process.env[this.input];
      if (value === undefined || value.trim().length === 0) {
        throw validationError(scope, {
          code: 'CS-ENC-018',
          prop: `${prop}.variableName`,
          value: this.input,
          problem: 'is not set (or empty) in the environment of this synth',
          fix: `run \`export ${this.input}=$(head -c 32 /dev/urandom | base64)\` (kept outside the repository) before synth`,
        });
      }
      bytes = this.decode(scope, prop, value.trim());
    } else {
      bytes = this.decode(scope, prop, this.input);
    }
    if (bytes.length !== KEY_BYTES) {
      throw validationError(scope, {
        code: 'CS-ENC-019',
        prop: `${prop}.secret`,
        value: REDACTED,
        problem: `from ${this.description} is ${bytes.length} bytes long, but must be exactly ${KEY_BYTES}`,
        fix: 'generate a key with: head -c 32 /dev/urandom | base64',
      });
    }
    return bytes.toString('base64');
  }

  private decode(scope: IConstruct, prop: string, text: string): Buffer {
    if (!STD_BASE64.test(text)) {
      throw validationError(scope, {
        code: 'CS-ENC-020',
        prop: `${prop}.secret`,
        value: REDACTED,
        problem: `from ${this.description} is not standard padded base64`,
        fix: 'write the key as base64 of 32 random bytes: head -c 32 /dev/urandom | base64',
      });
    }
    return Buffer.from(text, 'base64');
  }
}
