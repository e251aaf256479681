import type * as eks from 'aws-cdk-lib/aws-eks';
import { ApiObject, App, Chart, DependencyGraph, Names } from 'cdk8s';
import { IConstruct } from 'constructs';
import type { ClusterTarget } from './cluster-target';
import { SecretsSuppressions } from './suppressions';
import { CheckSuppression } from '../checks/finding';
import { describeK8s } from '../checks/rules/util';
import { SecretsChecks } from '../checks/secrets-checks';
import { FileArtifact } from '../core/artifact';
import { constructPath } from '../core/errors';
import { lazy } from '../core/lazy';
import { isUnresolvedScalar } from '../core/validate';
import { stringifyManifests } from '../core/yaml-writer';
import { DeliveryMode } from '../install/delivery';
import { HelmInstall } from '../install/helm-install';

// The Kubernetes half of SecretsApp.synth: cdk8s's own synth steps (validate, resolve dependencies, order
// objects, name chart files), done once for the whole app instead of once per chart, into memory.

/** One file of a target's output, relative to the target's folder. @internal */
export interface RenderedFile {
  readonly fileName: string;
  readonly content: string;
  readonly mode: number;
}

/** @internal */
export interface RenderedChart {
  readonly chart: Chart;
  readonly fileBase: string;
  readonly apiObjects: ApiObject[];
  readonly objects: any[];
}

/** @internal */
export interface RenderedTarget {
  readonly charts: RenderedChart[];
  /** Every object of every chart, in file order. */
  readonly objects: any[];
  readonly files: RenderedFile[];
  readonly errors: string[];
}

/** Runs every construct's validations once; returns `[path] message` lines. @internal */
export function validateTree(root: IConstruct): string[] {
  const errors: string[] = [];
  for (const c of root.node.findAll()) {
    for (const e of c.node.validate()) errors.push(`[${constructPath(c)}] ${e}`);
  }
  return errors;
}

/** cdk8s's dependency resolution (chart and object order), once for the whole app. Returns whether charts depend on each other. */
function resolveDependencies(all: IConstruct[]): boolean {
  let dependent = false;
  for (const parent of all) {
    if (!(parent instanceof Chart)) continue;
    for (const child of parent.node.children) {
      if (child instanceof Chart) {
        parent.node.addDependency(child);
        dependent = true;
      }
    }
  }
  const deps: Array<{ source: IConstruct; target: IConstruct }> = [];
  for (const c of all) for (const d of c.node.dependencies) deps.push({ source: c, target: d });
  for (const { source, target } of deps) {
    const sc = Chart.of(source);
    const tc = Chart.of(target);
    if (sc !== tc) {
      sc.node.addDependency(tc);
      dependent = true;
    }
  }
  for (const { source, target } of deps) {
    const sc = Chart.of(source);
    const tc = Chart.of(target);
    const targets = target.node.findAll().filter((c): c is ApiObject => c instanceof ApiObject && Chart.of(c) === tc);
    const sources = source.node.findAll().filter((c): c is ApiObject => c instanceof ApiObject && Chart.of(c) === sc);
    for (const t of targets) for (const s of sources) if (t !== s) s.node.addDependency(t);
  }
  return dependent;
}

/** An array index key: `Object.values` lists these first, in numeric order. */
const ARRAY_INDEX = /^(0|[1-9]\d{0,9})$/;
const isIndexPath = (p: string) => !p.includes('/') && ARRAY_INDEX.test(p) && Number(p) < 2 ** 32 - 1;

/**
 * The order cdk8s's `new DependencyGraph(root.node).topology()` gives (the order of `App.charts` and of the objects
 * in a chart's file), computed without it: cdk8s keys its vertices by construct path in a fresh plain object per
 * graph, and thousands of charts each with their own property names make every such object a new V8 hidden-class
 * chain, which made the graphs the largest per-chart cost of synth. Same vertices (the subtree), same edges
 * (dependencies inside the subtree, in `findAll` order), same roots (in `Object.values` order of the paths) and the
 * same depth-first post-order. On a dependency cycle, cdk8s's graph is built, so that its own error is raised.
 */
function topology(root: IConstruct): IConstruct[] {
  interface Vertex { readonly value: IConstruct; readonly path: string; readonly out: Vertex[]; inbound: number }
  const constructs = root.node.findAll();
  if (constructs.every((c) => c.node.dependencies.length === 0)) {
    // No edges: every vertex is a root, visited in `Object.values` order of the paths (array-index paths first, in
    // numeric order, then insertion order). Only the subtree's root, and the children of an app, have paths without
    // `/` that could be array indexes.
    const top = root.node.scope === undefined ? [root, ...root.node.children] : [root];
    const indexed = top.filter((c) => isIndexPath(c.node.path)).sort((a, b) => Number(a.node.path) - Number(b.node.path));
    if (indexed.length === 0) return constructs;
    const first = new Set<IConstruct>(indexed);
    return [...indexed, ...constructs.filter((c) => !first.has(c))];
  }
  // Vertices are keyed by path, as cdk8s keys them: a dependency on a construct of another tree (another target's
  // Kubernetes app) finds the construct of this tree at the same path, if any. Each path is computed once.
  const byPath = new Map<string, Vertex>();
  const vertices: Vertex[] = [];
  for (const c of constructs) {
    const v: Vertex = { value: c, path: c.node.path, out: [], inbound: 0 };
    vertices.push(v);
    byPath.set(v.path, v);
  }
  for (const source of vertices) {
    for (const d of source.value.node.dependencies) {
      const target = byPath.get(d.node.path);
      if (!target) continue;
      if (!source.out.includes(target)) {
        source.out.push(target);
        target.inbound++;
      }
    }
  }
  const isIndex = (v: Vertex) => isIndexPath(v.path);
  const indexed = vertices.filter(isIndex).sort((a, b) => Number(a.path) - Number(b.path));
  const ordered = indexed.length === 0 ? vertices : [...indexed, ...vertices.filter((v) => !isIndex(v))];
  const found = new Set<Vertex>();
  const active = new Set<Vertex>();
  let cycle = false;
  const order: IConstruct[] = [];
  const visit = (v: Vertex): void => {
    if (found.has(v)) return;
    if (active.has(v)) {
      cycle = true;
      return;
    }
    active.add(v);
    for (const c of v.out) visit(c);
    active.delete(v);
    found.add(v);
    order.push(v.value);
  };
  for (const v of ordered) if (v.inbound === 0) visit(v);
  // A cycle is either met on the way (a vertex still being visited) or leaves vertices no root reaches.
  if (cycle || found.size !== vertices.length) return new DependencyGraph(root.node).topology();
  return order;
}

/** Renders a target's charts and file artifacts into memory, with every object scanned for unresolved tokens. @internal */
export function renderTarget(target: ClusterTarget): RenderedTarget {
  const app: App = target.k8sApp;
  const all = app.node.findAll();
  // Suppressions on constructs travel with the objects they cover, as the annotation the rule pack (and the
  // command line's doctor) reads: the written manifests then check clean on their own, with the reason kept.
  for (const holder of SecretsSuppressions._holders(app)) {
    const entries = SecretsSuppressions.of(holder);
    for (const o of holder.node.findAll()) {
      if (!(o instanceof ApiObject)) continue;
      for (const e of entries) o.metadata.addAnnotation(`${SecretsChecks.SUPPRESS_ANNOTATION_PREFIX}${e.ruleId}`, e.reason);
    }
  }
  const dependent = resolveDependencies(all);
  const charts = topology(app).filter((c): c is Chart => c instanceof Chart);
  const errors: string[] = [];
  const renderedCharts: RenderedChart[] = [];
  const files: RenderedFile[] = [];
  const objects: any[] = [];
  const allowTokens = target.deployment === 'cloudformation';
  charts.forEach((chart, i) => {
    const fileBase = dependent ? `${i.toString().padStart(4, '0')}-${Names.toDnsLabel(chart)}` : Names.toDnsLabel(chart);
    const apiObjects = topology(chart)
      .filter((x): x is ApiObject => x instanceof ApiObject && Chart.of(x) === chart);
    let json: any[];
    try {
      json = apiObjects.map((o) => o.toJson());
    } catch (e) {
      // cdk8s wraps what a Lazy value throws ("Failed serializing construct at path ...: ValidationError: ..."): keep ours.
      errors.push((e as Error).message.replace(/^Failed serializing construct at path '[^']*' with name '[^']*': (ValidationError: )?/, ''));
      return;
    }
    apiObjects.forEach((o, j) => {
      if (!allowTokens) errors.push(...unresolvedTokens(o, json[j]));
      else errors.push(...plaintextSecretData(o, json[j]));
    });
    renderedCharts.push({ chart, fileBase, apiObjects, objects: json });
    objects.push(...json);
  });
  // Stringified after every chart is serialized, not chart by chart: alternating cdk8s's serialization with the
  // YAML writer's per chart made both several times slower at thousands of charts (4x at 2,000 charts), though
  // the work is the same as for one chart.
  for (const c of renderedCharts) {
    files.push({ fileName: `${c.fileBase}${app.outputFileExtension}`, content: stringifyManifests(...c.objects), mode: 0o644 });
  }

  const byName = new Map<string, FileArtifact>();
  for (const a of all.filter(FileArtifact.isFileArtifact)) {
    const other = byName.get(a.fileName);
    if (other) {
      errors.push(`[${constructPath(a)}] fileName: is also written by ${constructPath(other)} (got "${a.fileName}"). Fix: give each artifact its own file name`);
      continue;
    }
    byName.set(a.fileName, a);
    try {
      files.push({ fileName: a.fileName, content: a.content, mode: (a.executable ? 0o111 : 0) + (a.ownerOnly ? 0o600 : 0o644) });
    } catch (e) {
      errors.push((e as Error).message);
    }
  }
  const manifestNames = new Set(files.map((f) => f.fileName));
  if (manifestNames.size !== files.length) {
    const seen = new Set<string>();
    for (const f of files) {
      if (seen.has(f.fileName)) errors.push(`[${target.node.path}] fileName: "${f.fileName}" is written twice (a chart and a file artifact). Fix: rename one of them`);
      seen.add(f.fileName);
    }
  }
  return { charts: renderedCharts, objects, files, errors };
}

/** Every unresolved CDK token in an object about to be written into a manifest, as `[path] field: ...` lines. */
function unresolvedTokens(apiObject: ApiObject, json: any): string[] {
  const found: string[] = [];
  // The field path is spelled only for what is reported: `keys` holds the way down.
  const keys: Array<string | number> = [];
  const at = (last?: string): string => {
    let p = '';
    for (const k of last === undefined ? keys : [...keys, last]) p = typeof k === 'number' ? `${p}[${k}]` : p ? `${p}.${k}` : k;
    return p;
  };
  const walk = (v: unknown): void => {
    if (typeof v === 'string' || typeof v === 'number') {
      if (isUnresolvedScalar(v)) {
        found.push(`[${constructPath(apiObject)}] ${at()}: is an unresolved CDK token (got ${JSON.stringify(String(v))}), but ${json?.kind ?? 'the object'} `
          + `${json?.metadata?.name ?? ''} is written to a file at synth. Fix: use a value known at synth (for AWS values, give the stack an explicit env and the resource a literal name, `
          + 'or use the identity\'s computed roleArn), or let CloudFormation apply this target\'s manifests (ManifestDeployment.CLOUDFORMATION)');
      }
      return;
    }
    if (Array.isArray(v)) {
      for (let i = 0; i < v.length; i++) {
        keys.push(i);
        walk(v[i]);
        keys.pop();
      }
      return;
    }
    if (v !== null && typeof v === 'object') {
      for (const k of Object.keys(v)) {
        if (isUnresolvedScalar(k)) found.push(`[${constructPath(apiObject)}] ${at(k)}: a map key is an unresolved CDK token. Fix: use a literal key`);
        keys.push(k);
        walk((v as { [key: string]: unknown })[k]);
        keys.pop();
      }
    }
  };
  walk(json);
  return found;
}

/** Manifests applied by CloudFormation land in the template: a Secret with data there is plaintext in CloudFormation. */
function plaintextSecretData(apiObject: ApiObject, json: any): string[] {
  if (json?.apiVersion === 'v1' && json?.kind === 'Secret' && (Object.keys(json.data ?? {}).length > 0 || Object.keys(json.stringData ?? {}).length > 0)) {
    return [`[${constructPath(apiObject)}] data: a Secret with data would be written into the CloudFormation template in plaintext (ManifestDeployment.CLOUDFORMATION). `
      + 'Fix: produce the Secret with an ExternalSecret, a SealedSecret or a Vault destination, or deliver this target through GitOps'];
  }
  return [];
}

const APPLIED = new WeakMap<ClusterTarget, AppliedResources>();

/**
 * Adds the target's installs delivered by `InstallDelivery.eksHelmChart` as aws-eks HelmCharts, and one aws-eks
 * KubernetesManifest per chart, applied after every HelmChart (the manifests use the charts' CRDs and webhooks), to
 * the target's stack (once). Returns what it added. @internal
 */
export function applyWithCloudFormation(target: ClusterTarget, rendered: RenderedTarget): AppliedResources {
  const done = APPLIED.get(target);
  if (done) return done;
  const cluster = target.eksCluster!;
  const helmCharts: eks.HelmChart[] = [];
  for (const install of target.k8sApp.node.findAll()) {
    if (!(install instanceof HelmInstall) || install.delivery._mode !== DeliveryMode.EKS_HELM_CHART) continue;
    const options = install.delivery._eks;
    const scope = target._awsScope(['Installs', ...install.node.scopes.slice(1).map((s) => s.node.id)]);
    helmCharts.push(new lazy.eks.HelmChart(scope, 'HelmChart', {
      cluster,
      chart: install.chart.chart,
      repository: install.chart.repository,
      version: install.chart.version,
      release: install.releaseName,
      namespace: install.namespace,
      createNamespace: true,
      values: install.helmValues,
      wait: options.wait ?? true,
      timeout: lazy.cdk.Duration.seconds((options.timeout?.toSeconds()) ?? 15 * 60),
    }));
  }
  const manifests: eks.KubernetesManifest[] = [];
  const scope = target._awsScope(['Manifests']);
  for (const c of rendered.charts) {
    if (c.objects.length === 0) continue;
    const manifest = new lazy.eks.KubernetesManifest(scope, c.fileBase, {
      cluster,
      manifest: c.objects,
      overwrite: true,
    });
    for (const h of helmCharts) manifest.node.addDependency(h);
    manifests.push(manifest);
  }
  const applied = { helmCharts, manifests };
  APPLIED.set(target, applied);
  return applied;
}

/** What `applyWithCloudFormation` added to a target's stack. @internal */
export interface AppliedResources {
  readonly helmCharts: eks.HelmChart[];
  readonly manifests: eks.KubernetesManifest[];
}

/** The suppressions that apply to a target's rendered objects and its stack's resources. @internal */
export function suppressionsFor(target: ClusterTarget, rendered?: RenderedTarget): CheckSuppression[] {
  const out: CheckSuppression[] = [];
  const jsonOf = new Map<ApiObject, any>();
  for (const c of rendered?.charts ?? []) c.apiObjects.forEach((o, i) => jsonOf.set(o, c.objects[i]));
  const k8sRoot = target.k8sApp.node.root;
  const stack = target.hasAws ? target.stack : undefined;
  const holders = [...SecretsSuppressions._holders(k8sRoot), ...(stack ? SecretsSuppressions._holders(stack.node.root) : [])];
  for (const holder of holders) {
    const entries = SecretsSuppressions.of(holder);
    const resources: string[] = [];
    if (holder.node.root === k8sRoot) {
      for (const c of holder.node.findAll()) {
        if (c instanceof ApiObject && jsonOf.has(c)) resources.push(describeK8s(jsonOf.get(c)));
      }
    } else if (stack && holder.node.root === stack.node.root) {
      for (const c of holder.node.findAll()) {
        if (c instanceof lazy.cdk.CfnResource && lazy.cdk.Stack.of(c) === stack) resources.push(`${stack.stackName}/${stack.getLogicalId(c)}`);
      }
    }
    for (const resource of resources) {
      for (const e of entries) out.push({ ruleId: e.ruleId, resource, reason: e.reason });
    }
  }
  return out;
}
