package sourcemapprocessor

import (
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"
)

// Config of the sourcemap processor (otel-collector/README.md, "Readable errors").
type Config struct {
	// Directory holds the maps as <directory>/<service.name>/<service.version>/<script URL path>.map
	// (or next to the script itself, named by its sourceMappingURL comment). Empty: no directory.
	Directory string `mapstructure:"directory"`
	// Download maps from these origins (scheme://host[:port], exact match) as <script URL>.map
	// when the directory has none. Empty: never download.
	AllowedOrigins []string `mapstructure:"allowed_origins"`
	// FetchTimeout bounds one download (connect to last byte).
	FetchTimeout time.Duration `mapstructure:"fetch_timeout"`
	// MaxMapBytes: a bigger map file or download is refused (and counted) unread.
	MaxMapBytes int64 `mapstructure:"max_map_bytes"`
	// Cache bounds the parsed maps kept in memory: least recently used maps are evicted first.
	Cache CacheConfig `mapstructure:"cache"`
	// InAppExclude: frames whose (original) file contains one of these are not the app's own
	// code and do not take part in the fingerprint.
	InAppExclude []string `mapstructure:"in_app_exclude"`
	// MaxSpanAttributes / MaxEventAttributes: the processor adds no attribute to a span (event)
	// that already has this many, so an attribute limit set before it still holds (0: none).
	// The fingerprint goes first, the minified copy of the stack second.
	MaxSpanAttributes  int `mapstructure:"max_span_attributes"`
	MaxEventAttributes int `mapstructure:"max_event_attributes"`
}

// CacheConfig bounds the in-memory cache of parsed maps.
type CacheConfig struct {
	// MaxEntries: maps (and remembered misses) kept at most.
	MaxEntries int `mapstructure:"max_entries"`
	// MaxBytes: sum of the kept maps' file sizes at most.
	MaxBytes int64 `mapstructure:"max_bytes"`
	// MissingTTL: how long a script without a map (or with a bad one) is not looked up again.
	MissingTTL time.Duration `mapstructure:"missing_ttl"`
}

func createDefaultConfig() *Config {
	return &Config{
		FetchTimeout: time.Second,
		MaxMapBytes:  16 << 20,
		Cache:        CacheConfig{MaxEntries: 128, MaxBytes: 256 << 20, MissingTTL: time.Minute},
		InAppExclude: []string{"node_modules/", "/vendor/", "webpack/runtime", "webpack/bootstrap"},
	}
}

// Validate checks the limits and the download origins.
func (c *Config) Validate() error {
	var errs []error
	if c.FetchTimeout <= 0 {
		errs = append(errs, errors.New("fetch_timeout must be > 0"))
	}
	if c.MaxMapBytes <= 0 {
		errs = append(errs, errors.New("max_map_bytes must be > 0"))
	}
	if c.Cache.MaxEntries <= 0 || c.Cache.MaxBytes <= 0 {
		errs = append(errs, errors.New("cache.max_entries and cache.max_bytes must be > 0"))
	}
	if c.MaxSpanAttributes < 0 || c.MaxEventAttributes < 0 {
		errs = append(errs, errors.New("max_span_attributes and max_event_attributes must be >= 0"))
	}
	if c.Cache.MissingTTL < 0 {
		errs = append(errs, errors.New("cache.missing_ttl must be >= 0"))
	}
	for _, o := range c.AllowedOrigins {
		if _, err := normalizeOrigin(o); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

// normalizeOrigin returns scheme://host[:port] in lower case, or an error for anything else
// (a path, a wildcard, a missing scheme).
func normalizeOrigin(o string) (string, error) {
	u, err := url.Parse(strings.TrimSpace(o))
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" ||
		strings.Contains(u.Host, "*") || (u.Path != "" && u.Path != "/") || u.RawQuery != "" {
		return "", fmt.Errorf("allowed_origins: %q is not an origin like https://cdn.example.com", o)
	}
	return strings.ToLower(u.Scheme + "://" + u.Host), nil
}
