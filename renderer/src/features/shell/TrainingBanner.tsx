// On a training stack (the controller was started with --training) a banner on every page, so that
// nobody mistakes it for production: walkthroughs inject faults here.
import { useConsole } from '../../store/context.js';

export function TrainingBanner() {
  const training = useConsole((s) => s.info?.training ?? false);
  if (!training) return null;
  return (
    <div role="status" aria-label="Training stack" className="training-banner">
      TRAINING STACK: not production. Faults are injected here on purpose (baton train).
    </div>
  );
}
