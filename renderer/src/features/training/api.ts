// Typed calls to the console's training session host: trainingCall('StartSession', {walkthrough,
// trainee}). The routes and types are the shared contract (core/gateway/training/contract.ts).
import { TRAINING_PREFIX, type TrainingMethod, type TrainingReply, type TrainingRequest } from '../../../../core/gateway/training/contract.js';
import { postToGateway } from '../../api/client.js';

export async function trainingCall<M extends TrainingMethod>(method: M, req: TrainingRequest<M>, signal?: AbortSignal): Promise<TrainingReply<M>> {
  return (await postToGateway(`${TRAINING_PREFIX}${method}`, req, `training ${method}`, signal)) as TrainingReply<M>;
}
