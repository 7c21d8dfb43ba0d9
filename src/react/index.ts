export { RumErrorBoundary } from './error-boundary';
export { useJourneyStep } from './journey';
export { useRenderTracking, withRenderTracking } from './render-tracking';
