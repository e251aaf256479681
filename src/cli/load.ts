import * as fs from 'fs';
import * as path from 'path';
import { isMap, isSeq, LineCounter, parseAllDocuments, Scalar, ScalarTag, CollectionTag, YAMLMap, YAMLSeq } from 'yaml';

/** A Kubernetes object read from a file, with where it starts. */
export interface LoadedObject {
  readonly object: any;
  readonly file: string;
  readonly line: number;
}

/** What `load` found under the given paths. */
export interface Loaded {
  readonly objects: LoadedObject[];
  /** CloudFormation templates by stack name (the file name without `.template.json` / `.yaml` ...). */
  readonly templates: { [stack: string]: any };
  /** The file each template came from. */
  readonly templateFiles: { [stack: string]: string };
  /** Files read, in order. */
  readonly files: string[];
  /** Problems that stop a trustworthy report: unreadable paths, YAML/JSON syntax errors. */
  readonly errors: string[];
}

const EXTENSIONS = ['.yaml', '.yml', '.json'];
const SKIP_DIRS = new Set(['node_modules', '.git', 'cdk.out']);

/** CloudFormation short-form intrinsic functions (`!Ref x`, `!GetAtt a.b`, `!Sub '...'`) as their long forms. */
function cfnTags(): Array<ScalarTag | CollectionTag> {
  const names = ['Ref', 'Condition', 'Base64', 'Cidr', 'FindInMap', 'GetAtt', 'GetAZs', 'ImportValue', 'Join', 'Select', 'Split', 'Sub',
    'Transform', 'And', 'Equals', 'If', 'Not', 'Or', 'Length', 'ToJsonString'];
  const key = (n: string) => (n === 'Ref' || n === 'Condition' ? n : `Fn::${n}`);
  const out: Array<ScalarTag | CollectionTag> = [];
  for (const n of names) {
    out.push({
      tag: `!${n}`,
      resolve: (value: string) => ({ [key(n)]: n === 'GetAtt' ? value.split(/\.(.*)/s).filter((x) => x !== '') : value }),
    } as ScalarTag);
    out.push({ tag: `!${n}`, collection: 'seq', nodeClass: YAMLSeq, resolve: (seq: YAMLSeq) => ({ [key(n)]: seq.toJSON() }) } as unknown as CollectionTag);
    out.push({ tag: `!${n}`, collection: 'map', nodeClass: YAMLMap, resolve: (map: YAMLMap) => ({ [key(n)]: map.toJSON() }) } as unknown as CollectionTag);
  }
  return out;
}
const CFN_TAGS = cfnTags();

/** Whether a parsed document is a CloudFormation template. */
export function isCloudFormation(doc: any): boolean {
  if (!doc || typeof doc !== 'object' || Array.isArray(doc)) return false;
  if (doc.AWSTemplateFormatVersion !== undefined) return true;
  const res = doc.Resources;
  return !!res && typeof res === 'object' && Object.values<any>(res).some((r) => typeof r?.Type === 'string' && /^(AWS|Custom)::/.test(r.Type));
}

/** Standard input, read once (`doctor -` after `helm template ... |`). */
let stdinText: string | undefined;
function readStdin(): string {
  stdinText ??= fs.readFileSync(0, 'utf8');
  return stdinText;
}

function stackName(file: string): string {
  if (file === '-') return 'stdin';
  return path.basename(file).replace(/(\.template)?\.(json|ya?ml)$/, '');
}

/** Every file under the paths with a YAML or JSON extension, sorted (directories are walked, Kustomize and Helm output alike). */
export function listFiles(paths: string[], errors: string[]): string[] {
  const out: string[] = [];
  const walk = (p: string, explicit: boolean) => {
    let st: fs.Stats;
    try {
      st = fs.statSync(p);
    } catch (e: any) {
      errors.push(`${p}: cannot be read (${e.code ?? e.message})`);
      return;
    }
    if (st.isDirectory()) {
      for (const e of fs.readdirSync(p).sort()) {
        if (SKIP_DIRS.has(e) || e.startsWith('.cdk8s-secrets.')) continue; // the doctor config file
        walk(path.join(p, e), false);
      }
    } else if (explicit || EXTENSIONS.includes(path.extname(p).toLowerCase())) {
      out.push(p);
    }
  };
  for (const p of paths) {
    if (p === '-') out.push(p); // standard input
    else walk(p, true);
  }
  return out;
}

/** Objects from one parsed document: a `List` (kubectl output) is flattened. */
function k8sObjects(doc: any): any[] {
  if (!doc || typeof doc !== 'object' || Array.isArray(doc)) return [];
  if (doc.kind === 'List' || (typeof doc.kind === 'string' && doc.kind.endsWith('List') && Array.isArray(doc.items))) {
    return (doc.items ?? []).filter((o: any) => o && typeof o === 'object' && o.apiVersion && o.kind);
  }
  // A kustomization.yaml (left beside Kustomize output) is build input, not an object of the cluster.
  if (String(doc.apiVersion ?? '').startsWith('kustomize.config.k8s.io/')) return [];
  return doc.apiVersion && doc.kind ? [doc] : [];
}

/**
 * Reads Kubernetes YAML/JSON (multi-document, Helm-rendered with `# Source:` comments, Kustomize output folders,
 * kubectl `List`s) and CloudFormation templates (JSON, or YAML with short-form tags) from files and folders.
 */
export function load(paths: string[]): Loaded {
  const errors: string[] = [];
  const files = listFiles(paths, errors);
  const objects: LoadedObject[] = [];
  const templates: { [stack: string]: any } = {};
  const templateFiles: { [stack: string]: string } = {};
  for (const file of files) {
    let text: string;
    try {
      text = file === '-' ? readStdin() : fs.readFileSync(file, 'utf8');
    } catch (e: any) {
      errors.push(`${file}: cannot be read (${e.code ?? e.message})`);
      continue;
    }
    const lineCounter = new LineCounter();
    // YAML 1.1, as kubectl (sigs.k8s.io/yaml) and CloudFormation read it: `defaultMode: 0400` is octal 256.
    const docs = parseAllDocuments(text, { version: '1.1', customTags: CFN_TAGS, lineCounter, uniqueKeys: false, prettyErrors: false });
    const list = Array.isArray(docs) ? docs : [docs];
    for (const d of list) {
      if (d.errors.length > 0) {
        const e = d.errors[0];
        errors.push(`${file}:${lineCounter.linePos(e.pos[0]).line}: ${e.message.split('\n')[0]}`);
        continue;
      }
      const value = d.toJS({ maxAliasCount: 1000 });
      const line = d.contents && (isMap(d.contents) || isSeq(d.contents) || d.contents instanceof Scalar) && d.contents.range
        ? lineCounter.linePos(d.contents.range[0]).line : 1;
      if (isCloudFormation(value)) {
        let name = stackName(file);
        for (let i = 2; templates[name] !== undefined; i++) name = `${stackName(file)}-${i}`;
        templates[name] = value;
        templateFiles[name] = file;
        continue;
      }
      for (const o of k8sObjects(value)) objects.push({ object: o, file, line });
    }
  }
  return { objects, templates, templateFiles, files, errors };
}
