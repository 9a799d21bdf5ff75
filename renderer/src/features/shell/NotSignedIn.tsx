export function NotSignedIn() {
  return (
    <main id="main" className="page narrow">
      <h1>Baton console</h1>
      <p>This page has no console token, or its token is no longer valid (the console was restarted).</p>
      <p>
        Open the address that <code>baton console</code> (or <code>npm start</code>) printed: it ends in <code>#token=…</code>.
      </p>
    </main>
  );
}
