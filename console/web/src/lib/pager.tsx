import { useState, type ReactNode } from 'react';
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

/** Where the last window of a view of `total` starts: a window left past the end moves back to it. */
export function lastWindowStart(total: number, pageSize: number): number {
  return Math.max(0, Math.floor((total - 1) / pageSize) * pageSize);
}

/**
 * A window's start, and `choose` for the view's filters: a new choice starts at the first window in
 * the same render, so one read goes out for it, not one for the old window and another for the first.
 */
export function useWindowStart() {
  const [offset, setOffset] = useState(0);
  const choose = (set: (value: string) => void) => (e: { target: { value: string } }) => {
    set(e.target.value);
    setOffset(0);
  };
  return { offset, setOffset, choose };
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
