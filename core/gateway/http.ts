// Small HTTP helpers: security headers, JSON replies, structured errors, bounded body reading.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { BatonError, type ErrorDetailLike } from '../model/errors.js';
import { detailToProto } from '../rpc/errors.js';
import type { ErrorDetail } from '../rpc/gen/common.js';
import { httpStatusFor, type ErrorBody } from './contract.js';

/**
 * The page's Content-Security-Policy: scripts and workers only from the gateway, connections only
 * back to it (HTTP and its WebSocket), no plugins, no framing. Inline styles are allowed because
 * the graph and terminal libraries set style elements at run time; inline scripts are not.
 */
export function contentSecurityPolicy(host: string | undefined): string {
  const ws = host ? ` ws://${host}` : '';
  return [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self' data:",
    `connect-src 'self'${ws}`,
    "worker-src 'self' blob:",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; ');
}

export function setSecurityHeaders(res: ServerResponse, host: string | undefined): void {
  res.setHeader('Content-Security-Policy', contentSecurityPolicy(host));
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.setHeader('X-Frame-Options', 'DENY');
  res.setHeader('Referrer-Policy', 'no-referrer');
  res.setHeader('Cross-Origin-Opener-Policy', 'same-origin');
  res.setHeader('Cross-Origin-Resource-Policy', 'same-origin');
  res.setHeader('Permissions-Policy', 'camera=(), microphone=(), geolocation=(), usb=(), serial=()');
}

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': Buffer.byteLength(text),
    'Cache-Control': 'no-store',
  });
  res.end(text);
}

/** The ErrorDetail as the generated type's JSON shape (every field present). */
export function errorDetailJson(d: ErrorDetailLike): ErrorDetail {
  return detailToProto(d);
}

export function sendError(res: ServerResponse, err: BatonError): void {
  const body: ErrorBody = { error: errorDetailJson(err.detail) };
  sendJson(res, httpStatusFor(err.code), body);
}

export function readBody(req: IncomingMessage, limit: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > limit) {
        reject(new BatonError('BAD_INPUT', `request body larger than ${limit} bytes`, { where: 'body' }));
        req.destroy();
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

/** Parses a JSON object (an empty body is `{}`); anything else is BAD_INPUT naming where. */
export function parseJsonObject(text: string, where: string): Record<string, unknown> {
  if (text.trim() === '') return {};
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch (e) {
    throw new BatonError('BAD_INPUT', `${where}: not valid JSON (${(e as Error).message})`, { where });
  }
  if (typeof v !== 'object' || v === null || Array.isArray(v)) {
    throw new BatonError('BAD_INPUT', `${where}: expected a JSON object`, { where });
  }
  return v as Record<string, unknown>;
}
