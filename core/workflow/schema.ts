// The shipped JSON Schemas (schema/*.schema.json), validated with ajv; every ajv error is mapped
// back to the file:line:col of the offending YAML node.
import AjvModule, { type ErrorObject, type ValidateFunction } from 'ajv';
import common from './schema/common.schema.json' with { type: 'json' };
import workflowSchema from './schema/workflow.schema.json' with { type: 'json' };
import taskClassSchema from './schema/task-class.schema.json' with { type: 'json' };
import walkthroughSchema from './schema/walkthrough.schema.json' with { type: 'json' };
import type { Diagnostic } from './types.js';
import { childPointer, posOf, type SourceFile } from './source.js';

/** walkthrough: a training walkthrough (core/training), checked like templates */
export type SchemaKind = 'workflow' | 'task-class' | 'walkthrough';

type AjvCtor = new (
  opts: Record<string, unknown>,
) => {
  addSchema(s: unknown): unknown;
  compile(s: unknown): ValidateFunction;
};
const Ajv = ((AjvModule as unknown as { default?: AjvCtor }).default ?? AjvModule) as unknown as AjvCtor;

let validators: Record<SchemaKind, ValidateFunction> | undefined;

function getValidators(): Record<SchemaKind, ValidateFunction> {
  if (!validators) {
    const ajv = new Ajv({ allErrors: true, verbose: true, strict: false });
    ajv.addSchema(common);
    validators = { workflow: ajv.compile(workflowSchema), 'task-class': ajv.compile(taskClassSchema), walkthrough: ajv.compile(walkthroughSchema) };
  }
  return validators;
}

export const schemas = { common, workflow: workflowSchema, taskClass: taskClassSchema, walkthrough: walkthroughSchema };

/** Schema errors of a parsed file, one diagnostic per offending node, in document order. */
export function schemaDiagnostics(src: SourceFile, kind: SchemaKind): Diagnostic[] {
  const validate = getValidators()[kind];
  if (validate(src.value)) return [];
  const errors = tidy(validate.errors ?? []);
  const out: Diagnostic[] = [];
  const seen = new Set<string>();
  for (const e of errors) {
    const { ptr, key, message } = describe(e, kind);
    const { line, col } = posOf(src, ptr, key);
    const sig = `${line}:${col}:${message}`;
    if (seen.has(sig)) continue;
    seen.add(sig);
    out.push({ file: src.file, line, col, code: 'BAD_TEMPLATE', message, severity: 'error', reason: 'schema' });
  }
  out.sort((a, b) => a.line - b.line || a.col - b.col);
  return out;
}

/** Drops errors explained by an enclosing anyOf/if failure and keeps the most useful ones. */
function tidy(errors: ErrorObject[]): ErrorObject[] {
  const umbrellas = errors.filter((e) => e.keyword === 'anyOf' || e.keyword === 'oneOf');
  // the branches of an anyOf report at (or under) its node; the anyOf's own message, titled in
  // the schema, says what the node may be
  const inside = (e: ErrorObject) => umbrellas.some((u) => u !== e && (e.instancePath === u.instancePath || e.instancePath.startsWith(u.instancePath + '/')));
  return errors.filter((e) => e.keyword !== 'if' && !inside(e));
}

function label(e: ErrorObject): string {
  const ps = e.parentSchema as { title?: string } | undefined;
  return ps?.title ?? 'a valid value';
}

function pathName(ptr: string, kind: SchemaKind): string {
  const p = ptr
    .replace(/^\//, '')
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))
    .join('.');
  return p || (kind === 'workflow' ? 'workflow' : kind === 'walkthrough' ? 'walkthrough' : 'task class');
}

function describe(e: ErrorObject, kind: SchemaKind): { ptr: string; key: boolean; message: string } {
  const at = pathName(e.instancePath, kind);
  const p = e.params as Record<string, unknown>;
  switch (e.keyword) {
    case 'additionalProperties': {
      const k = String(p.additionalProperty);
      const allowed = Object.keys((e.parentSchema as { properties?: object })?.properties ?? {});
      return {
        ptr: childPointer(e.instancePath, k),
        key: true,
        message: `${at}: unknown field "${k}"${allowed.length ? ` (allowed: ${allowed.join(', ')})` : ''}`,
      };
    }
    case 'required':
      return { ptr: e.instancePath, key: true, message: `${at}: missing required field "${String(p.missingProperty)}"` };
    case 'propertyNames':
      return {
        ptr: childPointer(e.instancePath, String(p.propertyName)),
        key: true,
        message: `${at}: "${String(p.propertyName)}" is not a valid name (letters, digits, _; not starting with a digit)`,
      };
    case 'pattern':
      if (/propertyName/.test(e.schemaPath) || e.propertyName !== undefined) {
        return { ptr: childPointer(e.instancePath, String(e.propertyName)), key: true, message: `${at}: "${String(e.propertyName)}" is not a valid name` };
      }
      return { ptr: e.instancePath, key: false, message: `${at}: must be ${label(e)}` };
    case 'anyOf':
    case 'oneOf':
      return { ptr: e.instancePath, key: false, message: `${at}: must be ${label(e)}` };
    case 'type': {
      const t = Array.isArray(p.type) ? (p.type as string[]).join(' or ') : String(p.type);
      return { ptr: e.instancePath, key: false, message: `${at}: must be ${article(t)}` };
    }
    case 'enum':
      return { ptr: e.instancePath, key: false, message: `${at}: must be one of ${(p.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}` };
    default:
      return { ptr: e.instancePath, key: false, message: `${at}: ${e.message ?? 'is not valid'}` };
  }
}

function article(t: string): string {
  if (t === 'object') return 'a map';
  if (t === 'array') return 'a list';
  if (/^[aeiou]/.test(t)) return `an ${t}`;
  return `a ${t}`;
}
