package sourcemapprocessor

import "testing"

func TestParseFrame(t *testing.T) {
	const u = "https://shop.example/assets/app.js"
	for line, want := range map[string]*frame{
		// V8
		"    at o (" + u + ":1:48213)":                                     {style: styleV8, function: "o", file: u, line: 1, column: 48213},
		"    at " + u + ":3:2":                                             {style: styleV8, file: u, line: 3, column: 2},
		"    at async Promise.all (index 0)":                               nil,
		"    at async fetchCart (" + u + ":1:9)":                           {style: styleV8, async: "async ", function: "fetchCart", file: u, line: 1, column: 9},
		"    at new Cart (" + u + ":1:9)":                                  {style: styleV8, function: "new Cart", file: u, line: 1, column: 9},
		"    at Object.<anonymous> (" + u + ":1:9)":                        {style: styleV8, function: "Object.<anonymous>", file: u, line: 1, column: 9},
		"    at Array.map (<anonymous>)":                                   nil,
		"    at eval (eval at run (" + u + ":1:2), <anonymous>:1:1)":       nil,
		"TypeError: Cannot read properties of undefined (reading 'stars')": nil,
		// Gecko
		"Reviews@" + u + ":1:77":   {style: styleGecko, at: true, function: "Reviews", file: u, line: 1, column: 77},
		"Reviews/<@" + u + ":1:77": {style: styleGecko, at: true, function: "Reviews/<", file: u, line: 1, column: 77},
		"async*load@" + u + ":2:5": {style: styleGecko, at: true, async: "async*", function: "load", file: u, line: 2, column: 5},
		"@" + u + ":1:2":           {style: styleGecko, at: true, file: u, line: 1, column: 2},
		// WebKit
		"global code@" + u + ":1:2": {style: styleGecko, at: true, function: "global code", file: u, line: 1, column: 2},
		u + ":1:2":                  {style: styleGecko, file: u, line: 1, column: 2},
		"forEach@[native code]":     nil,
		"":                          nil,
	} {
		got := parseFrame(line)
		if (got == nil) != (want == nil) {
			t.Errorf("%q: parsed %v, want %v", line, got, want)
			continue
		}
		if got == nil {
			continue
		}
		got.indent = ""
		if *got != *want {
			t.Errorf("%q:\n got %+v\nwant %+v", line, *got, *want)
		}
		// an untouched frame prints back as it came
		if g := parseFrame(line); g.String() != line {
			t.Errorf("%q prints back as %q", line, g.String())
		}
	}
}
