import type { Attributes } from '@opentelemetry/api';
import { redactText } from '../privacy/patterns';
import { scrubUrlsInText } from '../privacy/url';
import * as S from '../semconv';

const MAX_MESSAGE = 1_000;
const MAX_STACK = 8_000;

/**
 * semconv `exception.*` attributes from anything thrown: Errors, strings, objects. Messages and
 * stacks have secrets redacted; URLs in stack frames go through `scrubUrl`.
 */
export function exceptionAttributes(
  error: unknown,
  scrubUrl: (url: string) => string = (u) => u,
): Attributes {
  let type = 'Error';
  let message: string;
  let stack: string | undefined;
  if (error instanceof Error) {
    type = error.name || error.constructor?.name || 'Error';
    message = error.message;
    stack = error.stack;
  } else if (typeof error === 'string') {
    message = error;
  } else {
    type = error === null ? 'null' : typeof error;
    try {
      message = JSON.stringify(error) ?? String(error);
    } catch {
      message = String(error);
    }
  }
  const attrs: Attributes = {
    [S.ATTR_EXCEPTION_TYPE]: type,
    [S.ATTR_EXCEPTION_MESSAGE]: redactText(scrubUrlsInText(message, scrubUrl)).slice(
      0,
      MAX_MESSAGE,
    ),
  };
  if (stack) {
    attrs[S.ATTR_EXCEPTION_STACKTRACE] = redactText(scrubUrlsInText(stack, scrubUrl)).slice(
      0,
      MAX_STACK,
    );
  }
  return attrs;
}
