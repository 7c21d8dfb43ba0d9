import { Component, type ErrorInfo, type ReactNode } from 'react';
import type { Rum, RumAttributes } from '../types';
import { ATTR_ERROR_SOURCE, ATTR_REACT_COMPONENT_STACK, MAX_COMPONENT_STACK } from './attributes';
import { withRum } from './safe';

export type RumErrorFallback = ReactNode | ((error: unknown, reset: () => void) => ReactNode);

export interface RumErrorBoundaryProps {
  /** Shown instead of the children after a render error; a function gets the error and `reset`. */
  fallback: RumErrorFallback;
  /** The instance to report to. @defaultValue the running instance (`getRum()`) */
  rum?: Rum;
  /** Extra attributes on the `error` span. */
  attributes?: RumAttributes;
  children?: ReactNode;
}

interface State {
  failed: boolean;
  error: unknown;
}

/**
 * Errors already reported, so an error that passes through nested boundaries (a fallback that
 * rethrows) or is caught again by a retried render is counted once.
 */
const reported = new WeakSet<object>();

function firstReport(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return true;
  if (reported.has(error)) return false;
  reported.add(error);
  return true;
}

/**
 * Catches render errors below it, reports each once through `rum.recordError` with the React
 * component stack, and renders `fallback`. `reset` renders the children again from scratch.
 */
export class RumErrorBoundary extends Component<RumErrorBoundaryProps, State> {
  // Minifiers rename the class; DevTools and development component stacks show this instead.
  static displayName = 'RumErrorBoundary';
  override state: State = { failed: false, error: undefined };

  static getDerivedStateFromError(error: unknown): State {
    return { failed: true, error };
  }

  override componentDidCatch(error: unknown, info: ErrorInfo): void {
    if (!firstReport(error)) return;
    withRum(this.props.rum, (rum) => {
      const stack = (info?.componentStack ?? '').trim().slice(0, MAX_COMPONENT_STACK);
      rum.recordError(error, {
        [ATTR_ERROR_SOURCE]: 'react',
        ...(stack ? { [ATTR_REACT_COMPONENT_STACK]: stack } : {}),
        ...this.props.attributes,
      });
    });
  }

  /** The children were unmounted when the fallback showed, so rendering them again remounts. */
  reset = (): void => {
    this.setState({ failed: false, error: undefined });
  };

  override render(): ReactNode {
    if (!this.state.failed) return this.props.children;
    const { fallback } = this.props;
    return typeof fallback === 'function' ? fallback(this.state.error, this.reset) : fallback;
  }
}
