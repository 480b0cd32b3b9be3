import type { Session } from '../features/auth/api/session';

/** What every screen is given: who is signed in (an engineer's jobs, a dealer's customers). */
export interface ScreenProps {
  session: Session;
}
