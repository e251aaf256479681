import { Duration } from 'cdk8s';
import { Construct, IConstruct } from 'constructs';
import { checkVaultName } from './internal';
import { REDACTED, validationError } from '../core/errors';

/**
 * The database plugin of a connection (`plugin_name`).
 * @see https://developer.hashicorp.com/vault/docs/secrets/databases
 */
export enum VaultDatabasePlugin {
  /** PostgreSQL. */
  POSTGRESQL = 'postgresql-database-plugin',
  /** MySQL and MariaDB. */
  MYSQL = 'mysql-database-plugin',
  /** Microsoft SQL Server. */
  MSSQL = 'mssql-database-plugin',
  /** MongoDB. */
  MONGODB = 'mongodb-database-plugin',
  /** Redis. */
  REDIS = 'redis-database-plugin',
}

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * Where the password of a connection's root user comes from. It never enters the program's output: the generated
 * `vault-config.sh` reads it when it runs and hands it to `vault write` on standard input (not on the command line,
 * where other users could see it in the process list).
 */
export class VaultDatabasePassword {
  /**
   * The value of an environment variable, read by the generated script at run time (it stops with a message naming
   * the variable when it is unset or empty).
   */
  public static fromEnvironmentVariable(name: string): VaultDatabasePassword {
    return new VaultDatabasePassword(name);
  }

  private constructor(/** @internal */ public readonly _variable: string) {}
}

/**
 * Options for `VaultConfiguration.addDatabaseMount`.
 */
export interface VaultDatabaseMountOptions {
  /**
   * The mount path.
   * @default 'database'
   */
  readonly path?: string;
}

/**
 * Options for `VaultDatabaseMount.addConnection`.
 * @see https://developer.hashicorp.com/vault/api-docs/secret/databases#configure-connection
 */
export interface VaultDatabaseConnectionOptions {
  /** The connection's name (`<mount>/config/<name>`; the roles' `db_name`). */
  readonly name: string;
  /** The database plugin. */
  readonly plugin: VaultDatabasePlugin;
  /**
   * The connection URL, templated with `{{username}}` and `{{password}}` (for example
   * `postgresql://{{username}}:{{password}}@postgres.db.svc:5432/app`). A literal password in it is refused.
   */
  readonly connectionUrl: string;
  /** The root user Vault connects as (`username`). */
  readonly username: string;
  /** The root user's password, from an explicit source read when the script runs. */
  readonly password: VaultDatabasePassword;
  /**
   * Check the connection when it is written (`verify_connection`).
   * @default true
   */
  readonly verifyConnection?: boolean;
}

/**
 * Options for `VaultDatabaseConnection.addRole`.
 * @see https://developer.hashicorp.com/vault/api-docs/secret/databases#create-role
 */
export interface VaultDatabaseRoleOptions {
  /** The role's name (`<mount>/roles/<name>`; credentials are read at `<mount>/creds/<name>`). */
  readonly name: string;
  /** The statements that create a user (`creation_statements`), with `{{name}}`, `{{password}}`, `{{expiration}}`. */
  readonly creationStatements: string[];
  /**
   * The statements that drop a user when its lease ends (`revocation_statements`).
   * @default - the plugin's default
   */
  readonly revocationStatements?: string[];
  /**
   * The lease of new credentials (`default_ttl`).
   * @default Duration.hours(1)
   */
  readonly defaultTtl?: Duration;
  /**
   * The longest a lease can be renewed to (`max_ttl`); at least `defaultTtl`.
   * @default Duration.hours(24)
   */
  readonly maxTtl?: Duration;
}

/** A database role: what a `VaultDynamicSecret` reads credentials from. */
export interface IVaultDatabaseRole extends IConstruct {
  /** The database mount's path. */
  readonly mountPath: string;
  /** The role's name. */
  readonly roleName: string;
}

/** @internal */
export const DATABASE_MOUNT_SYMBOL = Symbol.for('cdk8s-secrets.VaultDatabaseMount');

/**
 * A database secrets engine that the generated `vault-config.sh` enables (`vault secrets enable -path=<path> database`),
 * with its connections and roles. Create it with `VaultConfiguration.addDatabaseMount()`.
 */
export class VaultDatabaseMount extends Construct {
  /** Whether a construct is a VaultDatabaseMount. */
  public static isVaultDatabaseMount(x: any): x is VaultDatabaseMount {
    return x !== null && typeof x === 'object' && DATABASE_MOUNT_SYMBOL in x;
  }

  /** The mount path. */
  public readonly mountPath: string;

  public constructor(scope: Construct, id: string, options: VaultDatabaseMountOptions = {}) {
    super(scope, id);
    Object.defineProperty(this, DATABASE_MOUNT_SYMBOL, { value: true });
    this.mountPath = checkVaultName(this, 'path', options.path ?? 'database', { allowSlash: true });
  }

  /** Adds a connection to a database. */
  public addConnection(id: string, options: VaultDatabaseConnectionOptions): VaultDatabaseConnection {
    return new VaultDatabaseConnection(this, id, options);
  }

  /** The connections of this mount. */
  public get connections(): VaultDatabaseConnection[] {
    return this.node.children.filter((c): c is VaultDatabaseConnection => c instanceof VaultDatabaseConnection);
  }
}

/**
 * A connection of a database mount (`<mount>/config/<name>`). Its `allowed_roles` are exactly its roles.
 */
export class VaultDatabaseConnection extends Construct {
  /** The mount. */
  public readonly mount: VaultDatabaseMount;
  /** The connection's name. */
  public readonly connectionName: string;
  /** The plugin. */
  public readonly plugin: VaultDatabasePlugin;
  /** The templated connection URL. */
  public readonly connectionUrl: string;
  /** The root user. */
  public readonly username: string;
  /** The environment variable the script reads the root password from. */
  public readonly passwordEnvironmentVariable: string;
  /** Whether Vault checks the connection when it is written. */
  public readonly verifyConnection: boolean;

  public constructor(mount: VaultDatabaseMount, id: string, options: VaultDatabaseConnectionOptions) {
    super(mount, id);
    this.mount = mount;
    this.connectionName = checkVaultName(this, 'name', options.name);
    this.plugin = options.plugin;
    this.connectionUrl = checkConnectionUrl(this, options.connectionUrl);
    if (!/^[^\s'"\\]{1,128}$/.test(options.username)) {
      throw validationError(this, {
        code: 'CS-VAULT-063', prop: 'username', value: options.username, problem: 'must be 1-128 characters without spaces, quotes or backslashes', fix: 'use the database user name, such as "vault"',
      });
    }
    this.username = options.username;
    const variable = options.password._variable;
    if (!ENV_NAME.test(variable)) {
      throw validationError(this, {
        code: 'CS-VAULT-064', prop: 'password', value: variable, problem: 'is not an environment variable name', fix: 'use letters, digits and "_", not starting with a digit, such as "POSTGRES_ROOT_PASSWORD"',
      });
    }
    this.passwordEnvironmentVariable = variable;
    this.verifyConnection = options.verifyConnection ?? true;
    this.node.addValidation({
      validate: () => this.roles.length === 0
        ? [`connection "${this.connectionName}" has no roles, so nothing can use it (allowed_roles would be empty). Fix: add a role with addRole()`]
        : [],
    });
  }

  /** Adds a role that creates users on this connection's database. */
  public addRole(id: string, options: VaultDatabaseRoleOptions): VaultDatabaseRole {
    return new VaultDatabaseRole(this, id, options);
  }

  /** The roles of this connection. */
  public get roles(): VaultDatabaseRole[] {
    return this.node.children.filter((c): c is VaultDatabaseRole => c instanceof VaultDatabaseRole);
  }

  /** The body of `vault write <mount>/config/<name>`, without the password (the script adds it from its source). */
  public get configuration(): { [key: string]: any } {
    return {
      plugin_name: this.plugin,
      connection_url: this.connectionUrl,
      username: this.username,
      allowed_roles: this.roles.map((r) => r.roleName).sort(),
      verify_connection: this.verifyConnection,
    };
  }
}

/**
 * A dynamic role of a database connection (`<mount>/roles/<name>`). Bind a `VaultDynamicSecret` to it
 * (`databaseRole`): its reader's policy then gets `read` on `<mount>/creds/<name>` only.
 */
export class VaultDatabaseRole extends Construct implements IVaultDatabaseRole {
  /** The connection. */
  public readonly connection: VaultDatabaseConnection;
  /** The database mount's path. */
  public readonly mountPath: string;
  /** The role's name. */
  public readonly roleName: string;
  /** The lease of new credentials. */
  public readonly defaultTtl: Duration;
  /** The longest lease. */
  public readonly maxTtl: Duration;
  private readonly creationStatements: string[];
  private readonly revocationStatements?: string[];

  public constructor(connection: VaultDatabaseConnection, id: string, options: VaultDatabaseRoleOptions) {
    super(connection, id);
    this.connection = connection;
    this.mountPath = connection.mount.mountPath;
    this.roleName = checkVaultName(this, 'name', options.name);
    if (options.creationStatements.length === 0 || options.creationStatements.some((s) => s.trim().length === 0)) {
      throw validationError(this, {
        code: 'CS-VAULT-065', prop: 'creationStatements', value: options.creationStatements, problem: 'must hold at least one non-empty statement', fix: 'give the statements that create the user, such as CREATE ROLE "{{name}}" ...',
      });
    }
    this.creationStatements = [...options.creationStatements];
    this.revocationStatements = options.revocationStatements ? [...options.revocationStatements] : undefined;
    this.defaultTtl = options.defaultTtl ?? Duration.hours(1);
    this.maxTtl = options.maxTtl ?? Duration.hours(24);
    const ttl = this.defaultTtl.toMilliseconds() / 1000;
    const max = this.maxTtl.toMilliseconds() / 1000;
    for (const [prop, v] of [['defaultTtl', ttl], ['maxTtl', max]] as Array<[string, number]>) {
      if (!Number.isInteger(v) || v <= 0) {
        throw validationError(this, { code: 'CS-VAULT-066', prop, value: `${v}s`, problem: 'must be a positive whole number of seconds', fix: 'use a duration such as `Duration.hours(1)`' });
      }
    }
    if (ttl > max) {
      throw validationError(this, {
        code: 'CS-VAULT-067', prop: 'defaultTtl', value: `${ttl}s`, problem: `is longer than maxTtl (${max}s); Vault would cap every lease at maxTtl`, fix: 'make defaultTtl at most maxTtl',
      });
    }
  }

  /** The path credentials are read from: `<mount>/creds/<role>`. */
  public get credentialsPath(): string {
    return `${this.mountPath}/creds/${this.roleName}`;
  }

  /** The body of `vault write <mount>/roles/<name>` (durations in seconds). */
  public get definition(): { [key: string]: any } {
    return {
      db_name: this.connection.connectionName,
      creation_statements: [...this.creationStatements],
      ...(this.revocationStatements ? { revocation_statements: [...this.revocationStatements] } : {}),
      default_ttl: this.defaultTtl.toSeconds(),
      max_ttl: this.maxTtl.toSeconds(),
    };
  }
}

/** A templated URL: any `user:password@` part must be `{{username}}:{{password}}`. */
function checkConnectionUrl(scope: IConstruct, url: string): string {
  if (typeof url !== 'string' || url.length === 0 || /\s/.test(url)) {
    throw validationError(scope, { code: 'CS-VAULT-068', prop: 'connectionUrl', value: url, problem: 'must be a URL without spaces', fix: 'use a URL such as "postgresql://{{username}}:{{password}}@postgres:5432/app"' });
  }
  const userInfo = /^[a-z][a-z0-9+.-]*:\/\/([^@/]*)@/i.exec(url)?.[1] ?? /^([^@/()]*)@/.exec(url)?.[1];
  if (userInfo !== undefined && userInfo.includes(':') && userInfo.slice(userInfo.indexOf(':') + 1) !== '{{password}}') {
    throw validationError(scope, {
      code: 'CS-VAULT-069',
      prop: 'connectionUrl',
      value: REDACTED,
      problem: 'holds a literal password; it would be written into the configuration script',
      fix: 'write {{username}}:{{password}} in the URL and pass the password as `VaultDatabasePassword.fromEnvironmentVariable`',
    });
  }
  if (url.includes("'")) {
    throw validationError(scope, { code: 'CS-VAULT-070', prop: 'connectionUrl', value: url, problem: 'contains a single quote', fix: 'percent-encode it (%27)' });
  }
  return url;
}
