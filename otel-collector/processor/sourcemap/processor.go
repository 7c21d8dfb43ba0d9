package sourcemapprocessor

import (
	"context"
	"path"
	"strings"

	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/ptrace"
	"go.uber.org/zap"
)

// Attribute names: semconv exception.* in, plus ours out.
const (
	attrServiceName    = "service.name"
	attrServiceVersion = "service.version"
	attrType           = "exception.type"
	attrMessage        = "exception.message"
	attrStacktrace     = "exception.stacktrace"
	// AttrMinified keeps the stack as the browser sent it, when exception.stacktrace was rewritten.
	AttrMinified = "exception.stacktrace.minified"
	// AttrFingerprint groups occurrences of one error (16 hex digits).
	AttrFingerprint = "exception.fingerprint"
	exceptionEvent  = "exception"
)

type sourcemapProcessor struct {
	cfg    *Config
	store  *store
	tel    *telemetry
	logger *zap.Logger
}

func newProcessor(set component.TelemetrySettings, cfg *Config) (*sourcemapProcessor, error) {
	tel, err := newTelemetry(set)
	if err != nil {
		return nil, err
	}
	return &sourcemapProcessor{cfg: cfg, store: newStore(cfg, tel), tel: tel, logger: set.Logger}, nil
}

func (p *sourcemapProcessor) shutdown(context.Context) error {
	p.store.client.CloseIdleConnections()
	return nil
}

// processTraces symbolicates and fingerprints every exception: the span attributes the
// otel-rum SDK sets on its "error" spans, and "exception" span events (other SDKs).
func (p *sourcemapProcessor) processTraces(ctx context.Context, td ptrace.Traces) (ptrace.Traces, error) {
	rss := td.ResourceSpans()
	for i := 0; i < rss.Len(); i++ {
		rs := rss.At(i)
		service, version := str(rs.Resource().Attributes(), attrServiceName), str(rs.Resource().Attributes(), attrServiceVersion)
		sss := rs.ScopeSpans()
		for j := 0; j < sss.Len(); j++ {
			spans := sss.At(j).Spans()
			for k := 0; k < spans.Len(); k++ {
				span := spans.At(k)
				attrs := span.Attributes()
				if _, ok := attrs.Get(attrType); ok || hasStr(attrs, attrStacktrace) || hasStr(attrs, attrMessage) {
					p.exception(ctx, attrs, p.cfg.MaxSpanAttributes, service, version)
				}
				events := span.Events()
				for e := 0; e < events.Len(); e++ {
					ev := events.At(e)
					if ev.Name() != exceptionEvent {
						continue
					}
					fp := p.exception(ctx, ev.Attributes(), p.cfg.MaxEventAttributes, service, version)
					// the span carries its (first) exception's group, so span queries find it
					if _, ok := attrs.Get(AttrFingerprint); !ok {
						putWithin(attrs, AttrFingerprint, fp, p.cfg.MaxSpanAttributes)
					}
				}
			}
		}
	}
	return td, nil
}

// exception rewrites one exception's stack (keeping the original in AttrMinified) and sets its
// fingerprint, which it returns.
func (p *sourcemapProcessor) exception(ctx context.Context, attrs pcommon.Map, limit int, service, version string) string {
	stack := str(attrs, attrStacktrace)
	var frames []*frame
	if hasStr(attrs, AttrMinified) {
		_, frames = parseStack(stack) // symbolicated already (by a collector in front of us)
		for _, f := range frames {
			f.symbolicated = !strings.Contains(f.file, "://")
		}
	} else if stack != "" {
		var out string
		out, frames = p.symbolicate(ctx, stack, service, version)
		if out != stack {
			attrs.PutStr(attrStacktrace, out)
			defer putWithin(attrs, AttrMinified, stack, limit) // after the fingerprint
		}
	}
	fp := fingerprint(str(attrs, attrType), str(attrs, attrMessage), frames, p.cfg.InAppExclude)
	putWithin(attrs, AttrFingerprint, fp, limit)
	return fp
}

// putWithin sets key unless that would take the map over limit attributes (0: no limit).
func putWithin(m pcommon.Map, key, value string, limit int) {
	if _, ok := m.Get(key); ok || limit == 0 || m.Len() < limit {
		m.PutStr(key, value)
	}
}

// symbolicate maps each frame it can to its original file, line, column and function; a frame
// without a map (or without a mapping at its position) is left as it is.
func (p *sourcemapProcessor) symbolicate(ctx context.Context, stack, service, version string) (string, []*frame) {
	lines, frames := parseStack(stack)
	var symbolicated, noMap, unmapped int64
	maps := make([]*parsedMap, len(frames))
	byFile := map[string]*parsedMap{} // a stack's frames are mostly from one or two scripts
	for i, f := range frames {
		m, seen := byFile[f.file]
		if !seen {
			m = p.store.get(ctx, service, version, f.file)
			byFile[f.file] = m
		}
		if m == nil {
			noMap++
			continue
		}
		if !lookup(m, f) {
			unmapped++
			continue
		}
		maps[i] = m
		symbolicated++
	}
	// A minified function name ("o") is not in the map's names; the original one is the name
	// at its caller's call site, the next frame down, when that frame is from the same map.
	for i, f := range frames {
		if maps[i] == nil {
			continue
		}
		if _, original := maps[i].names[f.function]; !original && i+1 < len(frames) &&
			maps[i+1] == maps[i] && frames[i+1].callee != "" {
			f.function = frames[i+1].callee
		}
		lines[f.index] = f.String()
	}
	p.tel.frame(ctx, outcomeSymbolicated, symbolicated)
	p.tel.frame(ctx, outcomeNoMap, noMap)
	p.tel.frame(ctx, outcomeUnmapped, unmapped)
	if symbolicated == 0 {
		return stack, frames
	}
	return strings.Join(lines, "\n"), frames
}

// lookup rewrites f to its original position; false when the map has none there.
func lookup(m *parsedMap, f *frame) (ok bool) {
	defer func() {
		if recover() != nil {
			ok = false
		}
	}()
	// maps count columns from 0, stack traces from 1
	source, name, line, column, found := m.consumer.Source(f.line, max(f.column-1, 0))
	if !found || source == "" || line < 1 {
		return false
	}
	f.file, f.line, f.column, f.callee, f.symbolicated = cleanSource(source), line, column+1, name, true
	return true
}

// cleanSource makes a map's source path readable: "webpack://app/./src/a.tsx" and
// "../../src/a.tsx" both become "src/a.tsx".
func cleanSource(s string) string {
	if rest, ok := strings.CutPrefix(s, "webpack://"); ok {
		if _, after, found := strings.Cut(rest, "/"); found {
			s = after
		}
	}
	if strings.Contains(s, "://") {
		return s
	}
	s = path.Clean(s)
	for strings.HasPrefix(s, "../") {
		s = s[3:]
	}
	return strings.TrimPrefix(s, "/")
}

func str(m pcommon.Map, key string) string {
	if v, ok := m.Get(key); ok {
		return v.AsString()
	}
	return ""
}

func hasStr(m pcommon.Map, key string) bool {
	v, ok := m.Get(key)
	return ok && v.Type() == pcommon.ValueTypeStr && v.Str() != ""
}
