import * as fs from 'fs';
import { IConstruct } from 'constructs';
import { REDACTED, validationError } from '../core/errors';

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

const SEALED_VALUE = Symbol.for('cdk8s-secrets.SealedValue');

/**
 * A plaintext to seal, from an explicit source. The plaintext is read at synth time, sealed, and never
 * stored in the construct tree, the output, a log line or an error message.
 *
 * - `SealedValue.fromFile(path)`: the file's bytes, exactly (no trimming; like `kubectl create secret --from-file`).
 * - `SealedValue.fromEnvironmentVariable('DB_PASSWORD')`: an environment variable you name (nothing else is ever read from the environment).
 * - `SealedValue.unsafePlainText('...')`: a literal in your program. For demos and tests only: the
 *   plaintext then sits in your source code.
 */
export class SealedValue {
  /**
   * Whether `x` is a SealedValue (also across copies of this library loaded side by side).
   * @param x the value to test
   */
  public static isSealedValue(x: any): x is SealedValue {
    return x !== null && typeof x === 'object' && SEALED_VALUE in x;
  }

  /**
   * The bytes of a file, read at synth time. The file's content is used exactly, including a trailing newline.
   * @param filePath the file (relative paths resolve against the current working directory)
   */
  public static fromFile(filePath: string): SealedValue {
    if (typeof filePath !== 'string' || filePath.length === 0) {
      throw validationError('SealedValue.fromFile', {
        code: 'CS-SEALED-027',
        prop: 'filePath',
        value: filePath,
        problem: 'must be a non-empty path',
        fix: 'pass the path of the file that holds the plaintext',
      });
    }
    return new SealedValue(`file ${JSON.stringify(filePath)}`, (scope, prop) => {
      try {
        return fs.readFileSync(filePath);
      } catch (e: any) {
        throw validationError(scope, {
          code: 'CS-SEALED-028',
          prop,
          value: filePath,
          problem: `is a SealedValue.fromFile whose file cannot be read (${e?.code ?? e?.message ?? e})`,
          fix: 'create the file or correct the path',
        });
      }
    });
  }

  /**
   * The value of an environment variable you name, read at synth time (UTF-8). Synth fails when the
   * variable is not set.
   * @param variableName the environment variable, for example `DB_PASSWORD`
   */
  public static fromEnvironmentVariable(variableName: string): SealedValue {
    if (typeof variableName !== 'string' || !ENV_NAME.test(variableName)) {
      // Not a name, so perhaps the secret itself: never echoed.
      throw validationError('SealedValue.fromEnvironmentVariable', {
        code: 'CS-SEALED-029',
        prop: 'variableName',
        value: REDACTED,
        problem: `must be an environment variable name (letters, digits and "_", not starting with a digit); the ${typeof variableName === 'string' ? `${variableName.length}-character string` : typeof variableName} given is not one, and is not shown in case it is the secret`,
        fix: 'pass the name of the variable, not its value, for example "DB_PASSWORD"',
      });
    }
    return new SealedValue(`environment variable ${variableName}`, (scope, prop) => {
      const value = process.env[variableName];
      if (value === undefined) {
        throw validationError(scope, {
          code: 'CS-SEALED-030',
          prop,
          value: variableName,
          problem: 'is a SealedValue.fromEnvironmentVariable whose environment variable is not set',
          fix: `export ${variableName} before synth (for example from your CI secret store)`,
        });
      }
      if (value.length === 0) {
        throw validationError(scope, {
          code: 'CS-SEALED-031',
          prop,
          value: variableName,
          problem: 'is a SealedValue.fromEnvironmentVariable whose environment variable is set but empty',
          fix: `export a non-empty ${variableName} before synth, or leave the key out`,
        });
      }
      return Buffer.from(value, 'utf8');
    });
  }

  /**
   * A literal plaintext written in your program (UTF-8). It is sealed in the output, but it sits in your
   * source code and your repository: use it for demos and tests only.
   * @param value the plaintext
   */
  public static unsafePlainText(value: string): SealedValue {
    if (typeof value !== 'string') {
      throw validationError('SealedValue.unsafePlainText', {
        code: 'CS-SEALED-032',
        prop: 'value',
        problem: 'must be a string',
        fix: 'pass the plaintext as a string',
      });
    }
    if (value.length === 0) {
      throw validationError('SealedValue.unsafePlainText', {
        code: 'CS-SEALED-033',
        prop: 'value',
        value: '',
        problem: 'is empty: the controller would unseal an empty value, which no consumer can use',
        fix: 'pass the plaintext, or leave the key out',
      });
    }
    const bytes = Buffer.from(value, 'utf8');
    return new SealedValue('literal (unsafePlainText)', () => Buffer.from(bytes));
  }

  /** Where the plaintext comes from (never the plaintext itself), for messages. */
  public readonly source: string;

  // The plaintext is only reachable through this closure, so it never shows up when the construct tree is
  // serialized, inspected or snapshotted.
  private readonly read: (scope: IConstruct, prop: string) => Buffer;

  private constructor(source: string, read: (scope: IConstruct, prop: string) => Buffer) {
    Object.defineProperty(this, SEALED_VALUE, { value: true });
    this.source = source;
    this.read = read;
  }

  /**
   * Reads the plaintext (at synth time).
   * @internal
   */
  public _plaintext(scope: IConstruct, prop: string): Buffer {
    return this.read(scope, prop);
  }

  /** A description that never includes the plaintext. */
  public toString(): string {
    return `SealedValue(${this.source})`;
  }

  /** Serializes as the description, never the plaintext. */
  public toJSON(): string {
    return this.toString();
  }
}
