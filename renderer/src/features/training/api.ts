// Typed calls to the console's training session host: trainingCall('StartSession', {walkthrough,
// trainee}). The routes and types are the shared contract (core/gateway/training/contract.ts).
import { TOKEN_HEADER } from '../../../../core/gateway/contract.js';
import { TRAINING_PREFIX, type TrainingMethod, type TrainingReply, type TrainingRequest } from '../../../../core/gateway/training/contract.js';
import { BatonError } from '../../../../core/model/errors.js';
import { currentToken } from '../../api/auth.js';
import { errorFromWire } from '../../api/errors.js';

export async function trainingCall<M extends TrainingMethod>(method: M, req: TrainingRequest<M>, signal?: AbortSignal): Promise<TrainingReply<M>> {
  let res: Response;
  try {
    res = await fetch(`${TRAINING_PREFIX}${method}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', [TOKEN_HEADER]: currentToken() ?? '' },
      body: JSON.stringify(req),
      signal,
      cache: 'no-store',
    });
  } catch (e) {
    if ((e as Error).name === 'AbortError') throw e;
    throw new BatonError('UNAVAILABLE', 'cannot reach the console gateway', { where: `training ${method}` });
  }
  const body = (await res.json().catch(() => null)) as { error?: never } | null;
  if (!res.ok) throw errorFromWire(body?.error ?? { code: 'INTERNAL', message: `HTTP ${res.status}` });
  return body as TrainingReply<M>;
}
