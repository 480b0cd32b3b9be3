import type { ScreenProps } from '../../../app/screen-props';

/** Placeholder while the screen is being built (this session); replaced by the feature's screen. */
export function EightDScreen(_props: ScreenProps) {
  return <p>…</p>;
}
