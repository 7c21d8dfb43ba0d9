package sourcemapprocessor

import (
	"context"

	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/metric"
)

// Frame outcomes (attribute "outcome" of otelcol_processor_sourcemap_frames).
const (
	outcomeSymbolicated = "symbolicated" // rewritten to the original file, line and function
	outcomeNoMap        = "no_map"       // no map for the script (or its map is bad): left as it is
	outcomeUnmapped     = "unmapped"     // the map has no mapping at that position: left as it is
)

// Map error reasons (attribute "reason" of otelcol_processor_sourcemap_map_errors).
const (
	reasonInvalid  = "invalid"   // not a version 3 source map
	reasonTooLarge = "too_large" // over max_map_bytes
	reasonTimeout  = "timeout"   // download slower than fetch_timeout
	reasonFetch    = "fetch"     // download failed otherwise (connection, status other than 200/404)
	reasonRead     = "read"      // the file exists but could not be read
)

type telemetry struct {
	frames    metric.Int64Counter
	mapErrors metric.Int64Counter
	evictions metric.Int64Counter
	attrs     map[string]metric.MeasurementOption
}

func newTelemetry(set component.TelemetrySettings) (*telemetry, error) {
	meter := set.MeterProvider.Meter(scopeName)
	t := &telemetry{attrs: map[string]metric.MeasurementOption{}}
	var err error
	if t.frames, err = meter.Int64Counter("otelcol_processor_sourcemap_frames",
		metric.WithDescription("Stack frames seen in exception.stacktrace, by outcome (symbolicated, no_map, unmapped)."),
		metric.WithUnit("{frame}")); err != nil {
		return nil, err
	}
	if t.mapErrors, err = meter.Int64Counter("otelcol_processor_sourcemap_map_errors",
		metric.WithDescription("Source maps that could not be used, by reason (invalid, too_large, timeout, fetch, read)."),
		metric.WithUnit("{map}")); err != nil {
		return nil, err
	}
	if t.evictions, err = meter.Int64Counter("otelcol_processor_sourcemap_cache_evictions",
		metric.WithDescription("Source maps (or remembered misses) evicted from the bounded cache."),
		metric.WithUnit("{map}")); err != nil {
		return nil, err
	}
	for _, o := range []string{outcomeSymbolicated, outcomeNoMap, outcomeUnmapped} {
		t.attrs["outcome="+o] = metric.WithAttributeSet(attribute.NewSet(attribute.String("outcome", o)))
	}
	for _, r := range []string{reasonInvalid, reasonTooLarge, reasonTimeout, reasonFetch, reasonRead} {
		t.attrs["reason="+r] = metric.WithAttributeSet(attribute.NewSet(attribute.String("reason", r)))
	}
	return t, nil
}

func (t *telemetry) frame(ctx context.Context, outcome string, n int64) {
	if n > 0 {
		t.frames.Add(ctx, n, t.attrs["outcome="+outcome])
	}
}

func (t *telemetry) mapError(ctx context.Context, reason string) {
	t.mapErrors.Add(ctx, 1, t.attrs["reason="+reason])
}
