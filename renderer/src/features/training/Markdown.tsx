// The walkthroughs' Markdown, the little they use: paragraphs, "- " lists, **bold**, `code`.
// Built as React elements (never as HTML), so a walkthrough's text cannot inject markup; the
// console carries no Markdown library for a few lines of instructions.
import type { ReactNode } from 'react';

function inline(text: string): ReactNode[] {
  const out: ReactNode[] = [];
  const re = /\*\*([^*]+)\*\*|`([^`]+)`/g;
  let last = 0;
  let m: RegExpExecArray | null;
  while ((m = re.exec(text))) {
    if (m.index > last) out.push(text.slice(last, m.index));
    out.push(m[1] !== undefined ? <strong key={m.index}>{m[1]}</strong> : <code key={m.index}>{m[2]}</code>);
    last = m.index + m[0].length;
  }
  if (last < text.length) out.push(text.slice(last));
  return out;
}

/** blocks: paragraphs separated by blank lines; a block of "- " lines is a list */
export function Markdown({ text }: { text: string }) {
  const blocks = text
    .trim()
    .split(/\n\s*\n/)
    .map((b) => b.split('\n').map((l) => l.trim()));
  return (
    <div className="markdown">
      {blocks.map((lines, i) =>
        lines.every((l) => /^[-*] /.test(l)) ? (
          <ul key={i}>
            {lines.map((l, j) => (
              <li key={j}>{inline(l.slice(2))}</li>
            ))}
          </ul>
        ) : (
          <p key={i}>{inline(lines.join(' '))}</p>
        ),
      )}
    </div>
  );
}
