package sourcemapprocessor

import (
	"strconv"
	"strings"
)

// A stack frame as the three engine families print it:
//
//	V8 (Chromium, Edge, Node):  "    at fn (https://host/a.js:1:48213)", "    at https://host/a.js:1:2",
//	                            "    at async fn (...)", "    at new Foo (...)"
//	Gecko (Firefox):            "fn@https://host/a.js:1:2", "@https://...", "async*fn@..."
//	WebKit (Safari):            "fn@https://host/a.js:1:2", "global code@...", "https://host/a.js:1:2"
//
// Lines that are none of these (the message, "[native code]", eval frames) are kept verbatim.
type frameStyle int

const (
	styleV8 frameStyle = iota
	styleGecko
)

type frame struct {
	index        int // line index in the stack
	style        frameStyle
	indent       string // "    at " (V8) or leading spaces (Gecko/WebKit)
	async        string // "async " / "async*"
	function     string
	file         string // the script URL, or the original file after symbolication
	line, column int    // 1-based
	at           bool   // Gecko/WebKit: "fn@url" rather than a bare "url"
	symbolicated bool
	// the original name of the identifier at this position (for a call site: the callee),
	// which names the frame above it
	callee string
}

// parseStack splits a stack into lines and the frames among them.
func parseStack(stack string) ([]string, []*frame) {
	lines := strings.Split(stack, "\n")
	var frames []*frame
	for i, l := range lines {
		if f := parseFrame(strings.TrimRight(l, "\r")); f != nil {
			f.index = i
			frames = append(frames, f)
		}
	}
	return lines, frames
}

// parseFrame reads one line as a frame, or returns nil. Hand-written rather than a regular
// expression: this runs for every line of every stack (a regexp was a third of the CPU).
func parseFrame(l string) *frame {
	l = strings.TrimRight(l, " \t\r")
	body := strings.TrimLeft(l, " \t")
	indent := l[:len(l)-len(body)]
	f := &frame{}
	if rest, ok := strings.CutPrefix(body, "at "); ok {
		// V8: "at [async ]fn (loc)" or "at [async ]loc"
		f.style, f.indent = styleV8, indent+"at "
		if r, ok := strings.CutPrefix(rest, "async "); ok {
			f.async, rest = "async ", r
		}
		loc := rest
		if strings.HasSuffix(rest, ")") {
			i := strings.LastIndex(rest, " (")
			if i < 0 {
				return nil
			}
			f.function, loc = rest[:i], rest[i+2:len(rest)-1]
		}
		if !f.location(loc) {
			return nil
		}
		return f
	}
	// Gecko / WebKit: "[async*]fn@loc", "@loc", or WebKit's bare "loc"
	f.style, f.indent = styleGecko, indent
	if r, ok := strings.CutPrefix(body, "async*"); ok {
		f.async, body = "async*", r
	}
	loc := body
	if i := strings.IndexByte(body, '@'); i >= 0 {
		f.at, f.function, loc = true, body[:i], body[i+1:]
	}
	if !f.location(loc) {
		return nil
	}
	return f
}

// location reads "file:line:col" (file a URL or a path, no spaces) into f.
func (f *frame) location(loc string) bool {
	j := strings.LastIndexByte(loc, ':')
	if j < 0 {
		return false
	}
	k := strings.LastIndexByte(loc[:j], ':')
	if k <= 0 || strings.ContainsAny(loc, " \t") {
		return false
	}
	line, err1 := strconv.Atoi(loc[k+1 : j])
	col, err2 := strconv.Atoi(loc[j+1:])
	// a URL or a path ("src/cart.ts", as symbolication writes it back, parses again)
	if err1 != nil || err2 != nil || line < 1 || col < 0 || !strings.ContainsAny(loc[:k], "./") {
		return false
	}
	f.file, f.line, f.column = loc[:k], line, col
	return true
}

// String prints the frame back in its engine's format.
func (f *frame) String() string {
	loc := f.file + ":" + strconv.Itoa(f.line) + ":" + strconv.Itoa(f.column)
	if f.style == styleV8 {
		if f.function == "" {
			return f.indent + f.async + loc
		}
		return f.indent + f.async + f.function + " (" + loc + ")"
	}
	if !f.at && f.function == "" {
		return f.indent + f.async + loc // WebKit's bare frame
	}
	return f.indent + f.async + f.function + "@" + loc
}
