import { createContextKey, ROOT_CONTEXT, type Context } from '@opentelemetry/api';
import { describe, expect, it } from 'vitest';
import { createStackContextManager } from './context-manager';

const key = createContextKey('k');
const ctx = (v: string) => ROOT_CONTEXT.setValue(key, v);

describe('stack context manager', () => {
  it('makes a context active for the duration of a call, nested, also when it throws', () => {
    const m = createStackContextManager().enable();
    const a = ctx('a');
    const b = ctx('b');
    expect(m.active()).toBe(ROOT_CONTEXT);
    const seen = m.with(
      a,
      function (this: unknown, x: number) {
        const inner = m.with(b, () => m.active());
        expect(() =>
          m.with(b, () => {
            throw new Error('x');
          }),
        ).toThrow('x');
        return [this, x, m.active(), inner];
      },
      'self',
      1,
    );
    expect(seen).toEqual(['self', 1, a, b]);
    expect(m.active()).toBe(ROOT_CONTEXT);
  });

  it('binds functions to a context (the active one by default), keeping arity and this', () => {
    const m = createStackContextManager();
    const a = ctx('a');
    const f = function (this: unknown, _x: number, _y: number) {
      return [this, m.active()];
    };
    const bound = m.bind(a, f);
    expect(bound.length).toBe(2);
    expect(bound.call('t', 1, 2)).toEqual(['t', a]);
    const later = m.with(a, () => m.bind(undefined as unknown as Context, () => m.active()));
    expect(later()).toBe(a);
    const notAFunction = { x: 1 };
    expect(m.bind(a, notAFunction)).toBe(notAFunction);
  });

  it('disable goes back to the root context', () => {
    const m = createStackContextManager();
    m.with(ctx('a'), () => {
      m.disable();
      expect(m.active()).toBe(ROOT_CONTEXT);
    });
  });
});
