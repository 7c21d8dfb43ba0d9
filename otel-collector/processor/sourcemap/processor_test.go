package sourcemapprocessor

import (
	"context"
	"encoding/base64"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"go.opentelemetry.io/collector/component/componenttest"
	"go.opentelemetry.io/collector/consumer/consumertest"
	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/ptrace"
	"go.opentelemetry.io/collector/processor/processortest"
	"go.opentelemetry.io/otel/attribute"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"
)

const scriptURL = "https://shop.example/assets/app.min.js"

// The stacks Node (V8) printed when testdata/build/app.min.js threw (testdata/generate.sh).
func v8Stacks(t testing.TB) []string {
	b, err := os.ReadFile("testdata/v8-stacks.txt")
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, s := range strings.Split(string(b), "---\n") {
		if s = strings.TrimSpace(s); s != "" {
			out = append(out, s)
		}
	}
	if len(out) != 3 {
		t.Fatalf("want 3 stacks in testdata/v8-stacks.txt, got %d", len(out))
	}
	return out
}

// mapsDir lays out testdata's map as the processor reads it: <dir>/shop-web/1.4.2/assets/...
func mapsDir(t testing.TB, files map[string]string) string {
	dir := t.TempDir()
	for name, from := range files {
		target := filepath.Join(dir, "shop-web", "1.4.2", filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(target), 0o755); err != nil {
			t.Fatal(err)
		}
		b := []byte(from)
		if strings.HasPrefix(from, "testdata/") {
			var err error
			if b, err = os.ReadFile(from); err != nil {
				t.Fatal(err)
			}
		}
		if err := os.WriteFile(target, b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

type harness struct {
	t      testing.TB
	p      *sourcemapProcessor
	reader *sdkmetric.ManualReader
}

func newHarness(t testing.TB, cfg *Config) *harness {
	reader := sdkmetric.NewManualReader()
	set := componenttest.NewNopTelemetrySettings()
	set.MeterProvider = sdkmetric.NewMeterProvider(sdkmetric.WithReader(reader))
	if err := cfg.Validate(); err != nil {
		t.Fatal(err)
	}
	p, err := newProcessor(set, cfg)
	if err != nil {
		t.Fatal(err)
	}
	return &harness{t: t, p: p, reader: reader}
}

func configWith(dir string) *Config {
	cfg := createDefaultConfig()
	cfg.Directory = dir
	return cfg
}

// errorSpan is a span as the otel-rum SDK sends an error: exception.* as span attributes.
func errorTraces(service, version string, stacks ...string) ptrace.Traces {
	td := ptrace.NewTraces()
	rs := td.ResourceSpans().AppendEmpty()
	rs.Resource().Attributes().PutStr("service.name", service)
	if version != "" {
		rs.Resource().Attributes().PutStr("service.version", version)
	}
	spans := rs.ScopeSpans().AppendEmpty().Spans()
	for _, stack := range stacks {
		span := spans.AppendEmpty()
		span.SetName("error")
		typ, msg, _ := strings.Cut(strings.SplitN(stack, "\n", 2)[0], ": ")
		span.Attributes().PutStr("exception.type", typ)
		span.Attributes().PutStr("exception.message", msg)
		span.Attributes().PutStr("exception.stacktrace", stack)
	}
	return td
}

// run processes one span per stack and returns the spans' attributes.
func (h *harness) run(service, version string, stacks ...string) []pcommon.Map {
	td, err := h.p.processTraces(context.Background(), errorTraces(service, version, stacks...))
	if err != nil {
		h.t.Fatal(err)
	}
	spans := td.ResourceSpans().At(0).ScopeSpans().At(0).Spans()
	out := make([]pcommon.Map, spans.Len())
	for i := range out {
		out[i] = spans.At(i).Attributes()
	}
	return out
}

// counter is the value of one of the processor's counters with the given attribute (or none).
func (h *harness) counter(name, key, value string) int64 {
	var rm metricdata.ResourceMetrics
	if err := h.reader.Collect(context.Background(), &rm); err != nil {
		h.t.Fatal(err)
	}
	var total int64
	for _, sm := range rm.ScopeMetrics {
		for _, m := range sm.Metrics {
			if m.Name != name {
				continue
			}
			for _, dp := range m.Data.(metricdata.Sum[int64]).DataPoints {
				if v, _ := dp.Attributes.Value(attribute.Key(key)); key == "" || v.AsString() == value {
					total += dp.Value
				}
			}
		}
	}
	return total
}

func get(m pcommon.Map, key string) string {
	v, _ := m.Get(key)
	return v.AsString()
}

var fixtureMap = map[string]string{"assets/app.min.js.map": "testdata/build/app.min.js.map"}

func TestV8FramesToOriginalFileLineAndFunction(t *testing.T) {
	h := newHarness(t, configWith(mapsDir(t, fixtureMap)))
	stack := v8Stacks(t)[0]
	attrs := h.run("shop-web", "1.4.2", stack)[0]
	want := strings.Join([]string{
		"RangeError: bad quantity -4 for line 5f2a9c",
		"    at priceOf (src/cart.ts:10:11)",
		"    at totalOf (src/cart.ts:17:36)",
		"    at u (src/main.ts:4:17)", // its caller is not in the map: the minified name stays
	}, "\n")
	if got := get(attrs, "exception.stacktrace"); got != want {
		t.Fatalf("stacktrace:\n%s\nwant:\n%s", got, want)
	}
	if got := get(attrs, AttrMinified); got != stack {
		t.Fatalf("minified trace not kept: %q", got)
	}
	if got := h.counter("otelcol_processor_sourcemap_frames", "outcome", "symbolicated"); got != 3 {
		t.Fatalf("symbolicated frames: %d", got)
	}
}

func TestGeckoAndWebKitFrames(t *testing.T) {
	h := newHarness(t, configWith(mapsDir(t, fixtureMap)))
	// Firefox: "fn@url:line:col", "async*fn@...", an anonymous "@url"
	firefox := "o@" + scriptURL + ":1:51\nr@" + scriptURL + ":1:170\nasync*u@" + scriptURL + ":1:213\n@https://shop.example/:12:3\n"
	// Safari: "fn@url", "global code@url", a bare "url:line:col", "[native code]"
	safari := "o@" + scriptURL + ":1:51\nforEach@[native code]\n" + scriptURL + ":1:170\nglobal code@https://shop.example/:12:3"
	attrs := h.run("shop-web", "1.4.2", firefox, safari)
	wantFirefox := "priceOf@src/cart.ts:10:11\ntotalOf@src/cart.ts:17:36\nasync*u@src/main.ts:4:17\n@https://shop.example/:12:3\n"
	if got := get(attrs[0], "exception.stacktrace"); got != wantFirefox {
		t.Fatalf("firefox:\n%s\nwant:\n%s", got, wantFirefox)
	}
	// "o" is named from its caller's call site (the bare frame); the bare frame has no name:
	// its caller is global code, outside the map
	wantSafari := "priceOf@src/cart.ts:10:11\nforEach@[native code]\nsrc/cart.ts:17:36\nglobal code@https://shop.example/:12:3"
	if got := get(attrs[1], "exception.stacktrace"); got != wantSafari {
		t.Fatalf("safari:\n%s\nwant:\n%s", got, wantSafari)
	}
	if got := h.counter("otelcol_processor_sourcemap_frames", "outcome", "no_map"); got != 2 {
		t.Fatalf("frames without a map: %d", got)
	}
}

func TestFrameWithoutMapIsLeftAsItIs(t *testing.T) {
	h := newHarness(t, configWith(mapsDir(t, fixtureMap)))
	stack := "Error: boom\n    at x (https://shop.example/assets/other.js:1:10)\n    at https://shop.example/assets/other.js:1:99"
	for _, version := range []string{"1.4.2", "9.9.9"} {
		attrs := h.run("shop-web", version, stack)[0]
		if get(attrs, "exception.stacktrace") != stack {
			t.Fatalf("changed: %q", get(attrs, "exception.stacktrace"))
		}
		if _, ok := attrs.Get(AttrMinified); ok {
			t.Fatal("minified copy set though nothing was rewritten")
		}
		if get(attrs, AttrFingerprint) == "" {
			t.Fatal("no fingerprint")
		}
	}
	// another version's maps are not used for this one
	attrs := h.run("shop-web", "9.9.9", v8Stacks(t)[0])[0]
	if get(attrs, "exception.stacktrace") != v8Stacks(t)[0] {
		t.Fatal("a map of another version was used")
	}
	if got := h.counter("otelcol_processor_sourcemap_frames", "outcome", "no_map"); got != 7 {
		t.Fatalf("frames without a map: %d", got)
	}
}

func TestBadMapIsCountedAndLeavesTheFrames(t *testing.T) {
	h := newHarness(t, configWith(mapsDir(t, map[string]string{"assets/app.min.js.map": `{"version":3,"mappings":"`})))
	stack := v8Stacks(t)[0]
	for range 2 {
		if got := get(h.run("shop-web", "1.4.2", stack)[0], "exception.stacktrace"); got != stack {
			t.Fatalf("changed: %q", got)
		}
	}
	// remembered as unusable: parsed once, counted once
	if got := h.counter("otelcol_processor_sourcemap_map_errors", "reason", "invalid"); got != 1 {
		t.Fatalf("invalid maps: %d", got)
	}
}

func TestMapOverMaxSizeIsRefused(t *testing.T) {
	cfg := configWith(mapsDir(t, fixtureMap))
	cfg.MaxMapBytes = 100
	h := newHarness(t, cfg)
	stack := v8Stacks(t)[0]
	if got := get(h.run("shop-web", "1.4.2", stack)[0], "exception.stacktrace"); got != stack {
		t.Fatalf("changed: %q", got)
	}
	if got := h.counter("otelcol_processor_sourcemap_map_errors", "reason", "too_large"); got != 1 {
		t.Fatalf("too large: %d", got)
	}
}

func TestSourceMappingURLOfTheScript(t *testing.T) {
	js, err := os.ReadFile("testdata/build/app.min.js")
	if err != nil {
		t.Fatal(err)
	}
	mapJSON, err := os.ReadFile("testdata/build/app.min.js.map")
	if err != nil {
		t.Fatal(err)
	}
	code := strings.Split(string(js), "\n//# sourceMappingURL=")[0]
	inline := code + "\n//# sourceMappingURL=data:application/json;base64," + base64.StdEncoding.EncodeToString(mapJSON) + "\n"
	for name, files := range map[string]map[string]string{
		"file named by the comment": {
			"assets/app.min.js":         code + "\n//# sourceMappingURL=../maps/app.js.map\n",
			"maps/app.js.map":           "testdata/build/app.min.js.map",
			"assets/unrelated.map.json": "{}",
		},
		"inline data: URL": {"assets/app.min.js": inline},
	} {
		t.Run(name, func(t *testing.T) {
			h := newHarness(t, configWith(mapsDir(t, files)))
			got := get(h.run("shop-web", "1.4.2", v8Stacks(t)[0])[0], "exception.stacktrace")
			if !strings.Contains(got, "at priceOf (src/cart.ts:10:11)") {
				t.Fatalf("not symbolicated: %s", got)
			}
		})
	}
}

func TestCacheIsBounded(t *testing.T) {
	files := map[string]string{}
	var stacks []string
	for _, name := range []string{"a", "b", "c"} {
		files["assets/"+name+".js.map"] = "testdata/build/app.min.js.map"
		stacks = append(stacks, strings.ReplaceAll(v8Stacks(t)[0], "app.min.js", name+".js"))
	}
	dir := mapsDir(t, files)
	size, err := os.Stat("testdata/build/app.min.js.map")
	if err != nil {
		t.Fatal(err)
	}
	t.Run("entries", func(t *testing.T) {
		cfg := configWith(dir)
		cfg.Cache.MaxEntries = 2
		h := newHarness(t, cfg)
		for _, s := range stacks {
			if got := get(h.run("shop-web", "1.4.2", s)[0], "exception.stacktrace"); !strings.Contains(got, "src/cart.ts") {
				t.Fatalf("not symbolicated: %s", got)
			}
		}
		if n, _ := h.p.store.cached(); n != 2 {
			t.Fatalf("cached maps: %d", n)
		}
		if got := h.counter("otelcol_processor_sourcemap_cache_evictions", "", ""); got != 1 {
			t.Fatalf("evictions: %d", got)
		}
	})
	t.Run("bytes", func(t *testing.T) {
		cfg := configWith(dir)
		cfg.Cache.MaxBytes = size.Size()*2 - 1
		h := newHarness(t, cfg)
		h.run("shop-web", "1.4.2", stacks...)
		if n, b := h.p.store.cached(); n != 1 || b != size.Size() {
			t.Fatalf("cached maps: %d (%d bytes)", n, b)
		}
		if got := h.counter("otelcol_processor_sourcemap_cache_evictions", "", ""); got != 2 {
			t.Fatalf("evictions: %d", got)
		}
	})
}

func TestDownloadFromAllowedOrigin(t *testing.T) {
	mapJSON, err := os.ReadFile("testdata/build/app.min.js.map")
	if err != nil {
		t.Fatal(err)
	}
	var hits atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		switch r.URL.Path {
		case "/assets/app.min.js.map":
			_, _ = w.Write(mapJSON)
		case "/assets/huge.js.map":
			_, _ = w.Write([]byte(strings.Repeat(" ", 5000) + "{}"))
		case "/assets/slow.js.map":
			select {
			case <-r.Context().Done():
			case <-time.After(5 * time.Second):
			}
		default:
			http.NotFound(w, r)
		}
	}))
	defer srv.Close()
	if !strings.HasPrefix(srv.URL, "http://127.0.0.1:") {
		t.Fatalf("test server not on 127.0.0.1: %s", srv.URL)
	}
	stack := func(script string) string {
		return strings.ReplaceAll(v8Stacks(t)[0], scriptURL, srv.URL+"/assets/"+script)
	}
	cfg := configWith("")
	cfg.AllowedOrigins = []string{srv.URL}
	cfg.FetchTimeout = 200 * time.Millisecond
	cfg.MaxMapBytes = 4096
	h := newHarness(t, cfg)

	got := get(h.run("shop-web", "1.4.2", stack("app.min.js"))[0], "exception.stacktrace")
	if !strings.Contains(got, "at priceOf (src/cart.ts:10:11)") {
		t.Fatalf("not symbolicated: %s", got)
	}
	if hits.Load() != 1 {
		t.Fatalf("downloads: %d (the map is cached after the first)", hits.Load())
	}

	started := time.Now()
	slow := stack("slow.js")
	if got := get(h.run("shop-web", "1.4.2", slow)[0], "exception.stacktrace"); got != slow {
		t.Fatalf("changed: %s", got)
	}
	if took := time.Since(started); took > 2*time.Second {
		t.Fatalf("a slow map held the pipeline for %s", took)
	}
	if got := h.counter("otelcol_processor_sourcemap_map_errors", "reason", "timeout"); got != 1 {
		t.Fatalf("timeouts: %d", got)
	}

	if got := get(h.run("shop-web", "1.4.2", stack("huge.js"))[0], "exception.stacktrace"); got != stack("huge.js") {
		t.Fatalf("changed: %s", got)
	}
	if got := h.counter("otelcol_processor_sourcemap_map_errors", "reason", "too_large"); got != 1 {
		t.Fatalf("too large: %d", got)
	}

	// an origin not on the list is never asked
	before := hits.Load()
	other := strings.ReplaceAll(v8Stacks(t)[0], scriptURL, strings.Replace(srv.URL, "127.0.0.1", "localhost", 1)+"/assets/app.min.js")
	if got := get(h.run("shop-web", "1.4.2", other)[0], "exception.stacktrace"); got != other {
		t.Fatalf("changed: %s", got)
	}
	if hits.Load() != before {
		t.Fatal("downloaded from an origin not on the allow-list")
	}
}

func TestFingerprint(t *testing.T) {
	h := newHarness(t, configWith(mapsDir(t, fixtureMap)))
	s := v8Stacks(t)
	// same error (other numbers and ids in the message), the other error, then the first
	// without a map (same source, unsymbolicated), and a different service version
	attrs := h.run("shop-web", "1.4.2", s[0], s[1], s[2])
	fp := func(i int) string { return get(attrs[i], AttrFingerprint) }
	if len(fp(0)) != 16 {
		t.Fatalf("fingerprint %q: want 16 hex digits", fp(0))
	}
	if fp(0) != fp(1) {
		t.Fatalf("same error, two fingerprints: %s %s", fp(0), fp(1))
	}
	if fp(0) == fp(2) {
		t.Fatal("two errors, one fingerprint")
	}
	// the group does not depend on the line of a named function (an edit above it)
	moved := strings.ReplaceAll(get(attrs[0], "exception.stacktrace"), "cart.ts:10:11", "cart.ts:14:11")
	if fingerprintOf(t, moved) != fp(0) {
		t.Fatal("a moved function changed the group")
	}
	// frames from node_modules are not the app's: they do not split a group
	vendor := strings.Replace(get(attrs[0], "exception.stacktrace"), "RangeError: bad quantity -4 for line 5f2a9c\n",
		"RangeError: bad quantity -4 for line 5f2a9c\n    at dispatch (node_modules/react-dom/index.js:5:9)\n", 1)
	if fingerprintOf(t, vendor) != fp(0) {
		t.Fatal("a vendor frame changed the group")
	}
}

func fingerprintOf(t *testing.T, stack string) string {
	_, frames := parseStack(stack)
	for _, f := range frames {
		f.symbolicated = true
	}
	return fingerprint("RangeError", "bad quantity -3 for line 77e1", frames, createDefaultConfig().InAppExclude)
}

func TestNormalizeMessage(t *testing.T) {
	for in, want := range map[string]string{
		"Order 12345 failed after 2.5s":                         "Order <n> failed after <n>s",
		"user 3fa85f64-5717-4562-b3fc-2c963f66afa6 missing":     "user <uuid> missing",
		"object 0x7ffd1234 at a1b2c3d4e5 freed":                 "object <hex> at <hex> freed",
		`Cannot read properties of undefined (reading 'stars')`: "Cannot read properties of undefined (reading <str>)",
		`Unexpected token "<" in JSON`:                          "Unexpected token <str> in JSON",
		"recommendations service failed: HTTP 503":              "recommendations service failed: HTTP <n>",
		"Failed to fetch":                                       "Failed to fetch",
	} {
		if got := normalizeMessage(in); got != want {
			t.Errorf("%q: got %q, want %q", in, got, want)
		}
	}
}

func TestExceptionEvents(t *testing.T) {
	h := newHarness(t, configWith(mapsDir(t, fixtureMap)))
	td := ptrace.NewTraces()
	rs := td.ResourceSpans().AppendEmpty()
	rs.Resource().Attributes().PutStr("service.name", "shop-web")
	rs.Resource().Attributes().PutStr("service.version", "1.4.2")
	span := rs.ScopeSpans().AppendEmpty().Spans().AppendEmpty()
	span.SetName("checkout")
	ev := span.Events().AppendEmpty()
	ev.SetName("exception")
	ev.Attributes().PutStr("exception.type", "RangeError")
	ev.Attributes().PutStr("exception.message", "bad quantity -4 for line 5f2a9c")
	ev.Attributes().PutStr("exception.stacktrace", v8Stacks(t)[0])
	span.Events().AppendEmpty().SetName("log")

	// through the factory, as the collector builds it
	sink := new(consumertest.TracesSink)
	cfg := configWith(mapsDir(t, fixtureMap))
	proc, err := NewFactory().CreateTraces(context.Background(), processortest.NewNopSettings(componentType), cfg, sink)
	if err != nil {
		t.Fatal(err)
	}
	if err := proc.Start(context.Background(), componenttest.NewNopHost()); err != nil {
		t.Fatal(err)
	}
	defer func() { _ = proc.Shutdown(context.Background()) }()
	if err := proc.ConsumeTraces(context.Background(), td); err != nil {
		t.Fatal(err)
	}
	out := sink.AllTraces()[0].ResourceSpans().At(0).ScopeSpans().At(0).Spans().At(0)
	evAttrs := out.Events().At(0).Attributes()
	if got := get(evAttrs, "exception.stacktrace"); !strings.Contains(got, "at priceOf (src/cart.ts:10:11)") {
		t.Fatalf("event stack not symbolicated: %s", got)
	}
	if get(evAttrs, AttrMinified) != v8Stacks(t)[0] {
		t.Fatal("event's minified stack not kept")
	}
	fp := get(evAttrs, AttrFingerprint)
	if fp == "" || get(out.Attributes(), AttrFingerprint) != fp {
		t.Fatalf("span fingerprint %q, event fingerprint %q", get(out.Attributes(), AttrFingerprint), fp)
	}
	// the same error as a span attribute (the otel-rum SDK's way) is the same group
	if same := h.run("shop-web", "1.4.2", v8Stacks(t)[0])[0]; get(same, AttrFingerprint) != fp {
		t.Fatal("event and span attribute forms of one error differ")
	}
	if out.Events().At(1).Attributes().Len() != 0 {
		t.Fatal("a non-exception event was changed")
	}
}

func TestConfigValidate(t *testing.T) {
	for name, mutate := range map[string]func(*Config){
		"wildcard origin":    func(c *Config) { c.AllowedOrigins = []string{"https://*.example.com"} },
		"origin with a path": func(c *Config) { c.AllowedOrigins = []string{"https://cdn.example.com/maps"} },
		"no scheme":          func(c *Config) { c.AllowedOrigins = []string{"cdn.example.com"} },
		"zero timeout":       func(c *Config) { c.FetchTimeout = 0 },
		"zero max size":      func(c *Config) { c.MaxMapBytes = 0 },
		"no cache":           func(c *Config) { c.Cache.MaxEntries = 0 },
		"negative limit":     func(c *Config) { c.MaxSpanAttributes = -1 },
	} {
		cfg := createDefaultConfig()
		mutate(cfg)
		if cfg.Validate() == nil {
			t.Errorf("%s: accepted", name)
		}
	}
	cfg := createDefaultConfig()
	cfg.AllowedOrigins = []string{"https://cdn.example.com", "http://127.0.0.1:8080/"}
	if err := cfg.Validate(); err != nil {
		t.Fatal(err)
	}
}

func TestConcurrentSpansLoadAMapOnce(t *testing.T) {
	mapJSON, err := os.ReadFile("testdata/build/app.min.js.map")
	if err != nil {
		t.Fatal(err)
	}
	var hits atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		hits.Add(1)
		time.Sleep(50 * time.Millisecond)
		_, _ = w.Write(mapJSON)
	}))
	defer srv.Close()
	cfg := configWith("")
	cfg.AllowedOrigins = []string{srv.URL}
	h := newHarness(t, cfg)
	stack := strings.ReplaceAll(v8Stacks(t)[0], scriptURL, srv.URL+"/app.min.js")
	done := make(chan string)
	for range 8 {
		go func() {
			td, _ := h.p.processTraces(context.Background(), errorTraces("shop-web", "1.4.2", stack))
			done <- get(td.ResourceSpans().At(0).ScopeSpans().At(0).Spans().At(0).Attributes(), "exception.stacktrace")
		}()
	}
	for range 8 {
		if got := <-done; !strings.Contains(got, "at priceOf (src/cart.ts:10:11)") {
			t.Fatalf("not symbolicated: %s", got)
		}
	}
	if hits.Load() != 1 {
		t.Fatalf("downloads: %d, want 1", hits.Load())
	}
}

func TestAttributeLimitHolds(t *testing.T) {
	cfg := configWith(mapsDir(t, fixtureMap))
	cfg.MaxSpanAttributes = 5
	h := newHarness(t, cfg)
	td := errorTraces("shop-web", "1.4.2", v8Stacks(t)[0], v8Stacks(t)[0])
	spans := td.ResourceSpans().At(0).ScopeSpans().At(0).Spans()
	spans.At(0).Attributes().PutStr("session.id", "a") // 4 attributes: room for one more
	spans.At(1).Attributes().PutStr("session.id", "a")
	spans.At(1).Attributes().PutStr("rum.page.route", "/") // 5: full
	if _, err := h.p.processTraces(context.Background(), td); err != nil {
		t.Fatal(err)
	}
	one, full := spans.At(0).Attributes(), spans.At(1).Attributes()
	if one.Len() != 5 || get(one, AttrFingerprint) == "" {
		t.Fatalf("room for one: want the fingerprint only, got %v", one.AsRaw())
	}
	if full.Len() != 5 {
		t.Fatalf("full span grew to %d attributes", full.Len())
	}
	// the stack is rewritten in place either way
	for _, m := range []pcommon.Map{one, full} {
		if !strings.Contains(get(m, "exception.stacktrace"), "at priceOf (src/cart.ts:10:11)") {
			t.Fatalf("not symbolicated: %s", get(m, "exception.stacktrace"))
		}
	}
}
