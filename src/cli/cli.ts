import * as fs from 'fs';
import * as path from 'path';
import { Command, CommanderError, Option } from 'commander';
import { doctor, UsageError } from './doctor';
import { importManifests } from './import';
import { RULE_SUMMARIES } from '../checks/rule-docs';
import { SecretsChecks } from '../checks/secrets-checks';

/** Where the command writes; tests pass their own. */
export interface CliIo {
  readonly stdout: (s: string) => void;
  readonly stderr: (s: string) => void;
  readonly cwd: string;
}

export const EXIT_OK = 0;
export const EXIT_FINDINGS = 1;
export const EXIT_USAGE = 2;

function packageVersion(): string {
  try {
    return JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', 'package.json'), 'utf8')).version ?? '0.0.0';
  } catch {
    return '0.0.0';
  }
}

const EXIT_HELP = `
Exit codes:
  0  no finding at or above --fail-on (or the command succeeded)
  1  findings at or above --fail-on
  2  usage error, unreadable input, invalid YAML/JSON or config`;

/** Runs the command line and resolves to the exit code (the bin calls process.exit with it). */
export function run(argv: string[], io: CliIo): number {
  const version = packageVersion();
  let code = EXIT_OK;
  const program = new Command()
    .name('cdk8s-secrets')
    .description('Audit secrets manifests and CloudFormation, and turn existing manifests into cdk8s-secrets code.')
    .version(version)
    .exitOverride()
    .configureOutput({ writeOut: io.stdout, writeErr: io.stderr })
    // A fixed width: help reads the same in a terminal, a pipe and CI.
    .configureHelp({ helpWidth: 110 })
    .showHelpAfterError('(run with --help for usage)')
    .addHelpText('after', EXIT_HELP);

  program.command('doctor')
    .description('check Kubernetes YAML (multi-document, Helm-rendered, Kustomize output folders) and CloudFormation templates (JSON or YAML) against the rule pack')
    .argument('[paths...]', 'files or folders to read (folders are walked for .yaml, .yml and .json; - reads standard input)', ['.'])
    .addOption(new Option('-f, --format <format>', 'report format').choices(['text', 'json', 'sarif']).default('text'))
    .addOption(new Option('--fail-on <level>', 'lowest severity that makes the exit code 1').choices(['error', 'warning', 'none']))
    .option('-k, --kubernetes-version <version>', 'the cluster\'s Kubernetes version, such as 1.30 (turns on the kubernetes-version rule)')
    .option('-c, --config <file>', 'config file with kubernetesVersion, failOn and suppressions (default: .cdk8s-secrets.yaml or .json in the working directory)')
    .option('-o, --output <file>', 'write the report to a file instead of standard output')
    .option('--list-rules', 'list the rules and exit')
    .addHelpText('after', `
Suppress a finding with a reason, either on the object:
  metadata.annotations: { "${SecretsChecks.SUPPRESS_ANNOTATION_PREFIX}<rule-id>": "<reason>" }
or in the config file:
  suppressions: [{ ruleId: <rule-id>, resource: "<Kind ns/name>", reason: "<reason>" }]

Examples:
  $ cdk8s-secrets doctor dist/
  $ helm template eso external-secrets/external-secrets | cdk8s-secrets doctor -
  $ cdk8s-secrets doctor --format sarif --output doctor.sarif --kubernetes-version 1.30 k8s/ cdk.out/
${EXIT_HELP}`)
    .action((paths: string[], opts: any) => {
      if (opts.listRules) {
        for (const id of SecretsChecks.ruleIds) io.stdout(`${id.padEnd(40)}${RULE_SUMMARIES[id] ?? ''}\n`);
        return;
      }
      const resolved = paths.map((p) => (p === '-' ? p : path.resolve(io.cwd, p)));
      const r = doctor(resolved, {
        format: opts.format,
        failOn: opts.failOn,
        kubernetesVersion: opts.kubernetesVersion,
        config: opts.config ? path.resolve(io.cwd, opts.config) : undefined,
        output: opts.output ? path.resolve(io.cwd, opts.output) : undefined,
      }, io.cwd, version);
      if (r.out) io.stdout(r.out);
      if (r.err) io.stderr(r.err);
      code = r.code;
    });

  program.command('import')
    .description('turn existing ESO, Sealed Secrets, VSO, SecretProviderClass and Reloader-annotated workload YAML into a TypeScript program that uses cdk8s-secrets')
    .argument('<paths...>', 'files or folders to read')
    .option('-o, --output <file>', 'write the program to a file instead of standard output')
    .addOption(new Option('--secret-values <source>', 'where the program reads the values of plain Secrets (never copied into code)').choices(['file', 'env']).default('file'))
    .option('--certificate <pem>', 'the Sealed Secrets controller certificate the program seals with', 'sealed-secrets-cert.pem')
    .option('--library <module>', 'the module the program imports cdk8s-secrets from', 'cdk8s-secrets')
    .addHelpText('after', `
Objects come out as the library's constructs (ESO stores and secrets, VSO objects, AWS SecretProviderClasses,
cdk8s-plus workloads consuming their Secrets through SecretConsumer) in a SecretsApp, with an escape hatch for fields a
construct does not model; what no construct can express stays an ApiObject, with the reason in a comment. ESO v1beta1
objects come out as external-secrets.io/v1, SecretProviderClass v1alpha1 as v1. A Secret with data becomes a
SealedSecret whose values the program reads from files (or environment variables) at synth time: the values are
never copied into the program. The program is run in-process and checked against the input before it is printed.
The report of what was done goes to standard error.

Examples:
  $ cdk8s-secrets import k8s/ --output main.ts
  $ cdk8s-secrets import secrets.yaml --secret-values env
${EXIT_HELP}`)
    .action((paths: string[], opts: any) => {
      const r = importManifests(paths.map((p) => (p === '-' ? p : path.resolve(io.cwd, p))), {
        secretValues: opts.secretValues, certificate: opts.certificate, libraryModule: opts.library,
      });
      if (r.errors.length > 0) {
        io.stderr(r.errors.map((e) => `error: ${e}`).join('\n') + '\n');
        code = EXIT_USAGE;
        return;
      }
      if (opts.output) fs.writeFileSync(path.resolve(io.cwd, opts.output), r.program);
      else io.stdout(r.program);
      for (const e of r.entries) io.stderr(`${e.mode.padEnd(14)}${e.construct.padEnd(26)}${e.resource}${e.notes.length > 0 ? `  (${e.notes.join('; ')})` : ''}\n`);
      const count = (...modes: string[]) => r.entries.filter((e) => modes.includes(e.mode)).length;
      io.stderr(`imported ${r.entries.length} object(s): ${count('construct', 'escape-hatch')} as the library's constructs (${count('escape-hatch')} of them with an escape hatch), `
        + `${count('api-object')} as ApiObject, ${count('sealed')} sealed from a Secret\n`);
    });

  try {
    program.parse(argv, { from: 'user' });
  } catch (e) {
    if (e instanceof CommanderError) {
      return ['commander.helpDisplayed', 'commander.version', 'commander.help'].includes(e.code) ? EXIT_OK : EXIT_USAGE;
    }
    if (e instanceof UsageError) {
      io.stderr(`error: ${e.message}\n`);
      return EXIT_USAGE;
    }
    throw e;
  }
  return code;
}
