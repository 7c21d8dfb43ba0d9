package sourcemapprocessor

import (
	"context"
	"testing"
)

// BenchmarkErrorSpans: spans/op of the V8 fixture stack, with and without its map.
func BenchmarkErrorSpans(b *testing.B) {
	stack := v8Stacks(b)[0]
	for name, dir := range map[string]string{"maps": mapsDir(b, fixtureMap), "no maps": b.TempDir()} {
		b.Run(name, func(b *testing.B) {
			h := newHarness(b, configWith(dir))
			for b.Loop() {
				if _, err := h.p.processTraces(context.Background(), errorTraces("shop-web", "1.4.2", stack)); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
