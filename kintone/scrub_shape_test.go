package kintone

import (
	"context"
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"
)

// TestScrubValidJSONOfAnotherShape: an error body that is valid JSON but
// not of the documented shape (a numeric id, errors as an array, a bare
// string) may write the password with escapes the scrubber does not list
// (\/ from PHP, \u002B from .NET, any letter as \uXXXX). Its strings are
// decoded before scrubbing, so no escaped form survives into Error().
func TestScrubValidJSONOfAnotherShape(t *testing.T) {
	const pw = "pa/ss+word-99"
	for name, body := range map[string]string{
		"numeric id":        `{"code":"CB_VA01","id":42,"message":"bad password pa\/ss+word-99"}`,
		"errors array":      `{"code":"CB_VA01","errors":[{"message":"pa\u002fss\u002bword-99 rejected"}]}`,
		"bare string":       `"password pa\/ss\u002Bword-99 is too weak"`,
		"every char as \\u": `{"id":1,"message":"\u0070\u0061\u002f\u0073\u0073\u002b\u0077\u006f\u0072\u0064\u002d\u0039\u0039"}`,
	} {
		t.Run(name, func(t *testing.T) {
			ts := newTestServer(t, func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "application/json")
				w.WriteHeader(http.StatusBadRequest)
				io.WriteString(w, body)
			})
			c := clientFor(t, ts)
			p := Secret(pw)
			err := c.AddUsers(context.Background(), []UserInput{{Code: "u", Password: &p}})
			var ae *APIError
			if !errors.As(err, &ae) {
				t.Fatalf("err = %v, want an *APIError", err)
			}
			// What a reader recovers by undoing the usual escapes.
			shown := strings.NewReplacer(`\\/`, "/", `\/`, "/").Replace(err.Error())
			if strings.Contains(shown, `\\u`) || strings.Contains(shown, "word-99") {
				t.Errorf("password recoverable from the error: %s", err)
			}
		})
	}
}
