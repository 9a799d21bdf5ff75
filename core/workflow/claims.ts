// A workflow's exclusive claims: `claims: {detectors: [TPC, ITS], nodes: {rack: r12}}`. Another
// environment claiming one of the same detectors, or a node the label selector picks, is refused
// at create (core/controller/locks/claims.ts). Evaluated in the workflow's root scope, so a claim
// may follow a var (`detectors: ["{{ detector }}"]`); every problem is a located BAD_TEMPLATE.
import type { WorkflowClaims } from './types.js';
import { fromCel, type Scope } from './expr.js';
import { evalAt, evalStringMap, fail, shortJson, sub, type At } from './evaluate.js';

/** A detector name: what a control room writes (TPC, ITS, MFT-A, zdc_1). */
const DETECTOR_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;
const MAX_DETECTORS = 64;

/** The claims of a workflow (`raw` is its `claims` field, already shaped by the schema), or undefined. */
export function readClaims(raw: unknown, at: At, scope: Scope, report: (e: unknown) => void): WorkflowClaims | undefined {
  if (raw === undefined || raw === null) return undefined;
  const r = raw as { detectors?: unknown; nodes?: unknown };
  const claims: WorkflowClaims = { detectors: [], nodes: {} };
  if (r.detectors !== undefined) {
    const dat = sub(at, 'detectors');
    try {
      claims.detectors = detectorList(dat, r.detectors, scope, report);
    } catch (e) {
      report(e);
    }
  }
  if (r.nodes !== undefined) {
    const nat = sub(at, 'nodes');
    try {
      claims.nodes = evalStringMap(nat, r.nodes, scope);
      if (Object.keys(claims.nodes).length === 0) fail(nat, 'claims.nodes must name at least one label (e.g. {rack: r12})', 'claims');
      for (const [k, v] of Object.entries(claims.nodes)) if (!v) fail(sub(nat, k), `claims.nodes.${k} must not be empty`, 'claims');
    } catch (e) {
      report(e);
    }
  }
  return claims;
}

/** The detector names: a list (items may be expressions), or one expression giving a list. Every bad item is reported. */
function detectorList(at: At, raw: unknown, scope: Scope, report: (e: unknown) => void): string[] {
  const value = fromCel(evalAt(at, raw, scope));
  if (!Array.isArray(value)) return fail(at, `claims.detectors must be a list of detector names, got ${shortJson(value)}`, 'claims');
  if (value.length > MAX_DETECTORS) fail(at, `claims.detectors lists ${value.length} detectors (at most ${MAX_DETECTORS})`, 'claims');
  const seen = new Set<string>();
  value.forEach((d, i) => {
    const item = Array.isArray(raw) ? sub(at, i) : at;
    try {
      if (typeof d !== 'string' || !DETECTOR_NAME.test(d)) {
        fail(item, `claims.detectors: ${shortJson(d)} is not a detector name (letters, digits, _ . -)`, 'claims');
      }
      if (seen.has(d)) fail(item, `claims.detectors names ${d} twice`, 'claims');
      seen.add(d);
    } catch (e) {
      report(e);
    }
  });
  return [...seen];
}
