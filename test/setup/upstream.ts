// jest globalSetup: the tests validate against pinned upstream files (CRDs, Kubernetes schemas, chart values,
// kubeseal vectors). When no upstream folder is found, download them once into .upstream-cache/ (each file
// checked by sha256); when that fails, stop the run with one line saying what is missing and how to get it,
// instead of letting every suite fail on its own.
import { fetchUpstream, FetchUpstreamOptions } from '../../scripts/fetch-upstream';
import { findUpstreamDir, missingUpstreamMessage, upstreamCandidates } from '../../scripts/upstream';

/** Finds the upstream folder, fetching it into the cache when missing; throws one line when it cannot. */
export async function ensureUpstream(candidates: string[] = upstreamCandidates(), fetchOptions: FetchUpstreamOptions = {}): Promise<string> {
  const found = findUpstreamDir(candidates);
  if (found !== undefined) return found;
  try {
    process.stderr.write('upstream test data not found: downloading the pinned files into .upstream-cache/ (once)\n');
    await fetchUpstream(fetchOptions);
  } catch (e: any) {
    throw new Error(missingUpstreamMessage(candidates, e?.message ?? String(e)));
  }
  const fetched = findUpstreamDir(candidates);
  if (fetched === undefined) throw new Error(missingUpstreamMessage(candidates, 'the download finished but the cache is still incomplete'));
  return fetched;
}

export default async function globalSetup(): Promise<void> {
  try {
    await ensureUpstream();
  } catch (e: any) {
    // jest prints a thrown error with its stack; the message alone is the one line the user needs.
    const err = new Error(e.message);
    err.stack = e.message;
    throw err;
  }
}
