import type { ReactNode } from 'react';
import { fill } from './i18n';

interface PagerProps {
  /** Where the window starts (0-based) and how many it shows. */
  from: number;
  shown: number;
  /** How many the whole view holds. */
  total: number;
  pageSize: number;
  onMove: (from: number) => void;
  /** `window` fills {from}, {to} and {total}. */
  messages: { window: string; previous: string; next: string };
  className?: string;
  testId?: string;
  /** Shown between the window and the buttons (e.g. the view's counts). */
  children?: ReactNode;
}

/** "1–25 of 130" with Previous and Next: a window over a longer list, saying what lies beyond it. */
export function Pager({ from, shown, total, pageSize, onMove, messages, className, testId, children }: PagerProps) {
  return (
    <span className={className} data-testid={testId}>
      <span>{fill(messages.window, { from: total ? from + 1 : 0, to: from + shown, total })}</span>
      {children}
      <button type="button" onClick={() => onMove(Math.max(0, from - pageSize))} disabled={from === 0}>
        {messages.previous}
      </button>
      <button type="button" onClick={() => onMove(from + pageSize)} disabled={from + shown >= total}>
        {messages.next}
      </button>
    </span>
  );
}
