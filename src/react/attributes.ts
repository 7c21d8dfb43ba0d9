/**
 * Event names and attribute keys emitted by `otel-rum/react`. Kept here rather than imported from
 * `../semconv` so the React entry point carries nothing from the core SDK.
 */
export const EVENT_JOURNEY_STEP = 'journey_step';
export const EVENT_COMPONENT_RENDER = 'component_render';

export const ATTR_ERROR_SOURCE = 'rum.error.source';
export const ATTR_REACT_COMPONENT_STACK = 'react.component_stack';
export const ATTR_JOURNEY_STEP = 'rum.journey.step';
export const ATTR_COMPONENT_NAME = 'rum.component.name';
export const ATTR_COMPONENT_RENDER_MS = 'rum.component.render_ms';
export const ATTR_COMPONENT_PHASE = 'rum.component.phase';

/** Component stacks of deep trees are long; the first frames are the ones that matter. */
export const MAX_COMPONENT_STACK = 4_000;
