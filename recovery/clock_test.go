package recovery

import (
	"net/http"
	"net/http/httptest"
	"testing"
	"time"
)

// TestServerClock: the clock takes the server's Date, never goes back when
// an older answer arrives late, and is zero before the first answer.
func TestServerClock(t *testing.T) {
	dates := []time.Time{time.Unix(1_700_000_100, 0), time.Unix(1_700_000_050, 0), time.Unix(1_700_000_200, 0)}
	i := 0
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Date", dates[i].UTC().Format(http.TimeFormat))
		i++
	}))
	defer srv.Close()
	var c ServerClock
	if !c.ServerTime().IsZero() {
		t.Fatal("a clock with no answer yet tells a time")
	}
	hc := &http.Client{Transport: c.Transport(nil)}
	for _, want := range []int64{1_700_000_100, 1_700_000_100, 1_700_000_200} {
		resp, err := hc.Get(srv.URL)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if got := c.ServerTime().Unix(); got != want {
			t.Errorf("ServerTime = %d, want %d", got, want)
		}
	}
}
