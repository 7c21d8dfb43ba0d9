package sourcemapprocessor

import (
	"bytes"
	"container/list"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/go-sourcemap/sourcemap"
)

// parsedMap is one usable source map: the consumer plus the set of original names, which tells
// a minified function name ("o") from one that survived minification ("Reviews", keepNames).
type parsedMap struct {
	consumer *sourcemap.Consumer
	names    map[string]struct{}
}

// mapError is why a map exists but cannot be used; it is counted by reason.
type mapError struct{ reason string }

func (e *mapError) Error() string { return "source map: " + e.reason }

type cacheEntry struct {
	key     string
	m       *parsedMap // nil: no usable map (remembered until expires)
	size    int64
	expires time.Time
}

type flight struct {
	done chan struct{}
	m    *parsedMap
}

// store finds, loads and caches source maps: from the directory first, then (for allowed
// origins) by download. It is safe for concurrent use; one script's map is loaded once at a
// time however many spans ask for it.
type store struct {
	cfg     *Config
	origins map[string]bool
	client  *http.Client
	tel     *telemetry
	now     func() time.Time

	mu       sync.Mutex
	lru      *list.List // of *cacheEntry, most recently used first
	items    map[string]*list.Element
	bytes    int64
	inflight map[string]*flight
}

func newStore(cfg *Config, tel *telemetry) *store {
	s := &store{
		cfg: cfg, origins: map[string]bool{}, tel: tel, now: time.Now,
		lru: list.New(), items: map[string]*list.Element{}, inflight: map[string]*flight{},
	}
	for _, o := range cfg.AllowedOrigins {
		if n, err := normalizeOrigin(o); err == nil {
			s.origins[n] = true
		}
	}
	s.client = &http.Client{
		// a redirect may only lead to another allowed origin
		CheckRedirect: func(req *http.Request, via []*http.Request) error {
			if len(via) >= 3 || !s.origins[originOf(req.URL)] {
				return http.ErrUseLastResponse
			}
			return nil
		},
	}
	return s
}

func originOf(u *url.URL) string { return strings.ToLower(u.Scheme + "://" + u.Host) }

// get returns the map of scriptURL for this service and version, or nil when there is none.
func (s *store) get(ctx context.Context, service, version, scriptURL string) *parsedMap {
	u, err := url.Parse(scriptURL)
	if err != nil || u.Path == "" {
		return nil
	}
	u.RawQuery, u.Fragment, u.RawFragment = "", "", ""
	key := service + "\x00" + version + "\x00" + u.String()
	for {
		s.mu.Lock()
		if el, ok := s.items[key]; ok {
			e := el.Value.(*cacheEntry)
			if e.m != nil || s.now().Before(e.expires) {
				s.lru.MoveToFront(el)
				s.mu.Unlock()
				return e.m
			}
			s.removeLocked(el)
		}
		if f, ok := s.inflight[key]; ok {
			s.mu.Unlock()
			select {
			case <-f.done:
				return f.m
			case <-ctx.Done():
				return nil
			}
		}
		f := &flight{done: make(chan struct{})}
		s.inflight[key] = f
		s.mu.Unlock()

		m, size, err := s.load(ctx, service, version, u)
		var me *mapError
		if errors.As(err, &me) {
			s.tel.mapError(ctx, me.reason)
		}
		f.m = m
		s.mu.Lock()
		delete(s.inflight, key)
		s.addLocked(ctx, &cacheEntry{key: key, m: m, size: size, expires: s.now().Add(s.cfg.Cache.MissingTTL)})
		s.mu.Unlock()
		close(f.done)
		return m
	}
}

func (s *store) addLocked(ctx context.Context, e *cacheEntry) {
	if e.m == nil {
		e.size = 0
		if s.cfg.Cache.MissingTTL == 0 {
			return
		}
	}
	s.items[e.key] = s.lru.PushFront(e)
	s.bytes += e.size
	for s.lru.Len() > s.cfg.Cache.MaxEntries || (s.bytes > s.cfg.Cache.MaxBytes && s.lru.Len() > 0) {
		s.removeLocked(s.lru.Back())
		s.tel.evictions.Add(ctx, 1)
	}
}

func (s *store) removeLocked(el *list.Element) {
	e := el.Value.(*cacheEntry)
	s.lru.Remove(el)
	delete(s.items, e.key)
	s.bytes -= e.size
}

// cached reports how many maps the cache holds and their bytes (for tests).
func (s *store) cached() (int, int64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.lru.Len(), s.bytes
}

// load finds the map of u: <dir>/<service>/<version>/<path>.map, else the map the script in
// that directory names (//# sourceMappingURL=, a file beside it or a data: URL), else a
// download of <u>.map from an allowed origin. (nil, 0, nil): there is none.
func (s *store) load(ctx context.Context, service, version string, u *url.URL) (*parsedMap, int64, error) {
	rel := path.Clean("/" + u.Path) // rooted, so no ".." can climb out of the directory
	if s.cfg.Directory != "" && safeSegment(service) && (version == "" || safeSegment(version)) {
		base := filepath.Join(s.cfg.Directory, service, version)
		b, err := s.readFile(filepath.Join(base, filepath.FromSlash(rel)+".map"))
		if b == nil && err == nil {
			b, err = s.fromScript(base, rel)
		}
		if err != nil || b != nil {
			return s.parse(b, err)
		}
	}
	if s.origins[originOf(u)] {
		return s.parse(s.download(ctx, u.String()+".map"))
	}
	return nil, 0, nil
}

func safeSegment(s string) bool {
	return s != "" && s != "." && s != ".." && len(s) <= 128 && !strings.ContainsAny(s, `/\`+"\x00")
}

// readFile reads a map file; (nil, nil) when it does not exist.
func (s *store) readFile(name string) ([]byte, error) {
	st, err := os.Stat(name)
	if errors.Is(err, os.ErrNotExist) || (err == nil && st.IsDir()) {
		return nil, nil
	}
	if err != nil {
		return nil, &mapError{reasonRead}
	}
	if st.Size() > s.cfg.MaxMapBytes {
		return nil, &mapError{reasonTooLarge}
	}
	b, err := os.ReadFile(name)
	if err != nil {
		return nil, &mapError{reasonRead}
	}
	return b, nil
}

// fromScript reads the map named by the sourceMappingURL comment at the end of the script
// <base><rel>, when the script is in the directory.
func (s *store) fromScript(base, rel string) ([]byte, error) {
	f, err := os.Open(filepath.Join(base, filepath.FromSlash(rel)))
	if err != nil {
		return nil, nil
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil || st.IsDir() {
		return nil, nil
	}
	// the comment is on the last line; an inline map can make that line as big as a map
	tail := min(st.Size(), s.cfg.MaxMapBytes*4/3+4096)
	buf := make([]byte, tail)
	if _, err := f.ReadAt(buf, st.Size()-tail); err != nil && !errors.Is(err, io.EOF) {
		return nil, &mapError{reasonRead}
	}
	i := bytes.LastIndex(buf, []byte("# sourceMappingURL="))
	if i < 0 {
		return nil, nil
	}
	ref := string(buf[i+len("# sourceMappingURL="):])
	if j := strings.IndexAny(ref, " \t\r\n*"); j >= 0 {
		ref = ref[:j]
	}
	if data, ok := strings.CutPrefix(ref, "data:"); ok {
		meta, payload, _ := strings.Cut(data, ",")
		if !strings.HasSuffix(meta, ";base64") {
			return nil, &mapError{reasonInvalid}
		}
		if int64(base64.StdEncoding.DecodedLen(len(payload))) > s.cfg.MaxMapBytes+3 {
			return nil, &mapError{reasonTooLarge}
		}
		b, err := base64.StdEncoding.DecodeString(payload)
		if err != nil {
			return nil, &mapError{reasonInvalid}
		}
		return b, nil
	}
	ru, err := url.Parse(ref)
	if err != nil || ru.IsAbs() || ru.Host != "" || ru.Path == "" {
		return nil, nil // a map elsewhere is only fetched as <script>.map from an allowed origin
	}
	return s.readFile(filepath.Join(base, filepath.FromSlash(path.Join(path.Dir(rel), ru.Path))))
}

// download GETs a map with the fetch timeout and size limit; (nil, nil) on 404.
func (s *store) download(ctx context.Context, mapURL string) ([]byte, error) {
	ctx, cancel := context.WithTimeout(ctx, s.cfg.FetchTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, mapURL, nil)
	if err != nil {
		return nil, &mapError{reasonFetch}
	}
	res, err := s.client.Do(req)
	if err != nil {
		return nil, fetchError(ctx, err)
	}
	defer res.Body.Close()
	switch {
	case res.StatusCode == http.StatusNotFound || res.StatusCode == http.StatusGone:
		return nil, nil
	case res.StatusCode != http.StatusOK:
		return nil, &mapError{reasonFetch}
	case res.ContentLength > s.cfg.MaxMapBytes:
		return nil, &mapError{reasonTooLarge}
	}
	b, err := io.ReadAll(io.LimitReader(res.Body, s.cfg.MaxMapBytes+1))
	if err != nil {
		return nil, fetchError(ctx, err)
	}
	if int64(len(b)) > s.cfg.MaxMapBytes {
		return nil, &mapError{reasonTooLarge}
	}
	return b, nil
}

func fetchError(ctx context.Context, err error) error {
	var ne net.Error
	if errors.Is(ctx.Err(), context.DeadlineExceeded) || (errors.As(err, &ne) && ne.Timeout()) {
		return &mapError{reasonTimeout}
	}
	return &mapError{reasonFetch}
}

func (s *store) parse(b []byte, err error) (m *parsedMap, size int64, rerr error) {
	if err != nil || b == nil {
		return nil, 0, err
	}
	// a malformed map must cost a counted error, never the collector
	defer func() {
		if recover() != nil {
			m, size, rerr = nil, 0, &mapError{reasonInvalid}
		}
	}()
	c, perr := sourcemap.Parse("", b)
	var names struct {
		Names []any `json:"names"`
	}
	if perr != nil || json.Unmarshal(b, &names) != nil {
		return nil, 0, &mapError{reasonInvalid}
	}
	m = &parsedMap{consumer: c, names: make(map[string]struct{}, len(names.Names))}
	for _, n := range names.Names {
		m.names[fmt.Sprint(n)] = struct{}{}
	}
	return m, int64(len(b)), nil
}
