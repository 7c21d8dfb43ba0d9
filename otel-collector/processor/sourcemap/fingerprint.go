package sourcemapprocessor

import (
	"crypto/sha256"
	"encoding/hex"
	"net/url"
	"regexp"
	"strconv"
	"strings"
)

// fingerprintFrames: how many of the top in-app frames identify an error group.
const fingerprintFrames = 3

// What varies between occurrences of one error, in the order it is replaced.
var messageNoise = []struct {
	re   *regexp.Regexp
	with string
}{
	{regexp.MustCompile(`"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|` + "`[^`]*`"), "<str>"},
	{regexp.MustCompile(`(?i)\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b`), "<uuid>"},
	{regexp.MustCompile(`(?i)\b0x[0-9a-f]+\b|\b[0-9a-f]*[0-9][0-9a-f]*[a-f][0-9a-f]*\b|\b[0-9a-f]*[a-f][0-9a-f]*[0-9][0-9a-f]*\b`), "<hex>"},
	{regexp.MustCompile(`\d+(?:\.\d+)?`), "<n>"},
}

// normalizeMessage makes one error's messages equal: quoted strings, uuids, hex ids and numbers
// become placeholders.
func normalizeMessage(msg string) string {
	// most messages have no quote, or no digit: skip the patterns that cannot match
	quoted, digits := strings.ContainsAny(msg, "\"'`"), strings.ContainsAny(msg, "0123456789")
	for i, n := range messageNoise {
		if (i == 0 && quoted) || (i > 0 && digits) {
			msg = n.re.ReplaceAllString(msg, n.with)
		}
	}
	return msg
}

// fingerprint of an error group: a hash of the exception type, the normalised message and the
// top in-app frames (file and function; the line when the function has no name). Lines and
// columns of named functions are left out, so an unrelated edit above them keeps the group.
func fingerprint(typ, msg string, frames []*frame, exclude []string) string {
	var b strings.Builder
	b.WriteString(typ)
	b.WriteString("\n")
	b.WriteString(normalizeMessage(msg))
	n := 0
	for _, f := range frames {
		if n == fingerprintFrames {
			break
		}
		file := frameFile(f)
		if !inApp(file, exclude) {
			continue
		}
		n++
		b.WriteString("\n")
		b.WriteString(file)
		b.WriteString(" ")
		if f.function != "" {
			b.WriteString(f.function)
		} else {
			b.WriteString(strconv.Itoa(f.line))
		}
	}
	sum := sha256.Sum256([]byte(b.String()))
	return hex.EncodeToString(sum[:8])
}

// frameFile: the original file, or for a frame still minified its script's path (the same
// script is served from several hosts, and query strings carry cache busters).
func frameFile(f *frame) string {
	if f.symbolicated {
		return f.file
	}
	if u, err := url.Parse(f.file); err == nil && u.Path != "" {
		return u.Path
	}
	return f.file
}

func inApp(file string, exclude []string) bool {
	for _, x := range exclude {
		if x != "" && strings.Contains(file, x) {
			return false
		}
	}
	return true
}
