import { useEffect, useRef } from 'react';
import type { RumAttributes } from '../types';
import { ATTR_JOURNEY_STEP, EVENT_JOURNEY_STEP } from './attributes';
import { withRum } from './safe';

/**
 * Emits one `journey_step` custom event when the component mounts and again each time `step`
 * changes; other re-renders emit nothing. The last step sent is kept per component instance, so
 * StrictMode's development-only unmount and remount (which keeps refs) does not count it twice.
 */
export function useJourneyStep(step: string, attributes?: RumAttributes): void {
  const sent = useRef<string | undefined>(undefined);
  useEffect(() => {
    if (sent.current === step) return;
    sent.current = step;
    withRum(undefined, (rum) =>
      rum.trackEvent(EVENT_JOURNEY_STEP, { [ATTR_JOURNEY_STEP]: step, ...attributes }),
    );
    // `attributes` is usually a new object each render: only a new step is a new event.
  }, [step]);
}
