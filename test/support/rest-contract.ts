import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv, { type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { resolveRef, type Json } from './json-pointer';

export const OPENAPI_SNAPSHOT = join(__dirname, '..', '..', 'docs', 'openapi.json');


interface ResponseSpec {
  headers: Record<string, { required?: boolean }>;
  /** By media type, compiled on first use (most specs reach a few operations); null when no schema is declared. */
  content: Record<string, (() => ValidateFunction) | null>;
}

interface Operation {
  id: string;
  method: string;
  template: string;
  matches: RegExp;
  responses: Record<string, ResponseSpec>;
}

/** What the test saw: enough of a fetch Response to judge it. */
export interface ObservedResponse {
  status: number;
  headers: Headers;
  body: string;
}

/** OpenAPI 3.0's `nullable` is not JSON Schema: `{…, nullable: true}` becomes `anyOf: [{…}, null]`. */
function toJsonSchema(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(toJsonSchema);
  if (node === null || typeof node !== 'object') return node;
  const { nullable, ...rest } = node as Json;
  const converted = Object.fromEntries(Object.entries(rest).map(([key, value]) => [key, toJsonSchema(value)]));
  return nullable === true ? { anyOf: [converted, { type: 'null' }] } : converted;
}

const resolve = (document: Json, node: unknown): Json => resolveRef(document, node, 'docs/openapi.json');

/** `/history/{chat_id}` matches one path segment per parameter, as Express routes do. */
function templateRegExp(template: string): RegExp {
  const escaped = template.split(/\{[^}]+\}/).map((part) => part.replace(/[.*+?^$()|[\]\\]/g, '\\$&'));
  return new RegExp(`^${escaped.join('[^/]+')}/?$`);
}

/** The operations of docs/openapi.json, their response schemas compiled once, `$ref`s resolved against its components. */
export class RestContract {
  private constructor(private readonly operations: Operation[]) {}

  static load(text = readFileSync(OPENAPI_SNAPSHOT, 'utf8')): RestContract {
    const document = JSON.parse(text) as Json;
    const ajv = new Ajv({ allErrors: true, strict: false });
    addFormats(ajv);
    ajv.addSchema({ $id: 'openapi.json', components: toJsonSchema(document.components ?? {}) });
    const compile = (schema: unknown) => {
      let validate: ValidateFunction | undefined;
      return () => (validate ??= ajv.compile(rebase(toJsonSchema(schema)) as object));
    };
    const operations: Operation[] = [];
    for (const [template, item] of Object.entries(document.paths as Json)) {
      for (const [method, value] of Object.entries(item as Json)) {
        const operation = value as { operationId: string; responses: Json };
        const responses: Record<string, ResponseSpec> = {};
        for (const [status, declared] of Object.entries(operation.responses)) {
          const response = resolve(document, declared) as { headers?: Json; content?: Record<string, { schema?: unknown }> };
          const headers = Object.fromEntries(Object.entries(response.headers ?? {}).map(([name, header]) => [name.toLowerCase(), resolve(document, header)]));
          const content = Object.fromEntries(
            Object.entries(response.content ?? {}).map(([type, media]) => [type, media.schema === undefined ? null : compile(media.schema)]),
          );
          responses[status] = { headers, content };
        }
        operations.push({ id: operation.operationId, method: method.toUpperCase(), template, matches: templateRegExp(template), responses });
      }
    }
    return new RestContract(operations);
  }

  /** The documented operation a request reaches, or null for requests the document does not describe (mock servers, probes). */
  operationFor(method: string, url: string): Operation | null {
    const { pathname } = new URL(url);
    return this.operations.find((operation) => operation.method === method.toUpperCase() && operation.matches.test(pathname)) ?? null;
  }

  /** What is wrong with `observed` as an answer to `operation`; empty when the document allows it. */
  problems(operation: Operation, observed: ObservedResponse): string[] {
    const at = `${operation.method} ${operation.template} (${operation.id})`;
    const { status } = observed;
    const declared = operation.responses[String(status)] ?? operation.responses[`${String(status)[0]}XX`] ?? operation.responses.default;
    if (!declared) return [`${at} answered ${status}, which docs/openapi.json does not declare (declared: ${Object.keys(operation.responses).join(', ')})`];
    const problems: string[] = [];
    for (const [name, header] of Object.entries(declared.headers)) {
      if (header.required && !observed.headers.has(name)) problems.push(`${at} answered ${status} without its required header ${name}`);
    }
    const type = (observed.headers.get('content-type') ?? '').split(';')[0]!.trim().toLowerCase();
    if (observed.body === '' && Object.keys(declared.content).length === 0) return problems;
    if (!(type in declared.content)) {
      return [...problems, `${at} answered ${status} as ${type || 'no content type'}; declared: ${Object.keys(declared.content).join(', ') || 'no body'}`];
    }
    const compiled = declared.content[type];
    if (!compiled || !type.endsWith('json')) return problems;
    const validate = compiled();
    let body: unknown;
    try {
      body = JSON.parse(observed.body);
    } catch {
      return [...problems, `${at} answered ${status} with a body that is not JSON: ${observed.body.slice(0, 200)}`];
    }
    if (!validate(body)) {
      const errors = (validate.errors ?? []).map((error) => `${error.instancePath || '(body)'} ${error.message ?? ''} ${JSON.stringify(error.params)}`);
      problems.push(`${at} answered ${status} with a body that breaks its schema:\n  ${errors.join('\n  ')}\nbody: ${observed.body.slice(0, 500)}`);
    }
    return problems;
  }
}

/** Response schemas point at `#/components/…`; inside a compiled wrapper those live in the 'openapi.json' schema. */
function rebase(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(rebase);
  if (node === null || typeof node !== 'object') return node;
  return Object.fromEntries(
    Object.entries(node).map(([key, value]) => [key, key === '$ref' && typeof value === 'string' && value.startsWith('#/') ? `openapi.json${value}` : rebase(value)]),
  );
}

export class RestContractViolation extends Error {
  override name = 'RestContractViolation';
}

/**
 * `fetch` that checks every answer of a documented operation against the contract and throws on a mismatch;
 * requests to anything else (the mock model provider, the JWKS server, the OTLP receiver) pass through untouched.
 */
export function contractCheckedFetch(inner: typeof fetch, contract: RestContract): typeof fetch {
  return async (input, init) => {
    const url = input instanceof Request ? input.url : input instanceof URL ? input.href : input;
    const operation = contract.operationFor(init?.method ?? (input instanceof Request ? input.method : 'GET'), url);
    const response = await inner(input, init);
    if (!operation) return response;
    const body = await response.clone().text();
    const problems = contract.problems(operation, { status: response.status, headers: response.headers, body });
    if (problems.length > 0) throw new RestContractViolation(`${url}\n${problems.join('\n')}`);
    return response;
  };
}
