// Entry: read the console token, create the store, start the live connection, render.
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import './styles/base.css';
import './styles/components.css';
import { bootstrapToken } from './api/auth.js';
import { onUnauthenticated } from './api/client.js';
import { App } from './app/App.js';
import { startLive } from './app/live.js';
import { createSync } from './app/sync.js';
import { SyncProvider } from './features/shell/services.js';
import { initialTheme } from './features/theme/theme.js';
import { StoreProvider } from './store/context.js';
import { createConsoleStore } from './store/store.js';

async function main() {
  const store = createConsoleStore(initialTheme());
  const token = await bootstrapToken();
  const sync = createSync(store);
  if (!token) store.getState().setConnection({ status: 'unauthenticated', reason: 'no console token' });
  else startLive(store, sync);
  onUnauthenticated(() => store.getState().setConnection({ status: 'unauthenticated', reason: 'the console token was refused' }));
  createRoot(document.getElementById('root')!).render(
    <StrictMode>
      <StoreProvider store={store}>
        <SyncProvider sync={sync}>
          <App />
        </SyncProvider>
      </StoreProvider>
    </StrictMode>,
  );
}

void main();
