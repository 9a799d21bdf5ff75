// The unary bridge: POST /api/<Method> with a JSON request -> the Control call -> the JSON reply,
// or a structured ErrorDetail with a fitting HTTP status.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { BatonError, toBatonError } from '../model/errors.js';
import { controlMethod, type ControlConnection } from '../rpc/control-client.js';
import { DEFAULT_UNARY_DEADLINE_MS, UNARY_DEADLINE_MS, UNARY_REQUESTS } from './codecs.js';
import { API_PREFIX, isUnaryMethod } from './contract.js';
import { parseJsonObject, readBody, sendError, sendJson } from './http.js';

const BODY_LIMIT = 4 * 1024 * 1024;

export async function handleUnary(client: ControlConnection, req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
  const method = url.pathname.slice(API_PREFIX.length);
  try {
    if (!isUnaryMethod(method)) {
      throw new BatonError('NOT_FOUND', `no such API method: ${method || '(empty)'}`, { where: url.pathname });
    }
    if (req.method !== 'POST') {
      res.setHeader('Allow', 'POST');
      throw new BatonError('BAD_INPUT', `${method}: use POST`, { where: url.pathname });
    }
    const type = String(req.headers['content-type'] ?? '');
    if (!type.startsWith('application/json')) {
      throw new BatonError('BAD_INPUT', `${method}: Content-Type must be application/json`, { where: 'Content-Type' });
    }
    const body = parseJsonObject(await readBody(req, BODY_LIMIT), `${method} request`);
    const request = UNARY_REQUESTS[method].fromJSON(body);
    const reply = await client.call(controlMethod(method), request, UNARY_DEADLINE_MS[method] ?? DEFAULT_UNARY_DEADLINE_MS);
    sendJson(res, 200, reply);
  } catch (e) {
    if (!res.headersSent) sendError(res, toBatonError(e));
    else res.destroy();
  }
}
