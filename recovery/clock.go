package recovery

import (
	"net/http"
	"sync/atomic"
	"time"
)

// ServerClock learns the server's time from the Date header of the API's
// responses. The send log records it before each create (Log.Sending) so
// that a resume can tell a user created by that request from one that
// existed before it: the user's creation time, set by the server's clock,
// cannot be earlier than a Date the server sent before the request. The
// local clock would not do: it may be minutes off the server's.
type ServerClock struct {
	latest atomic.Int64 // Unix seconds of the latest Date seen
}

// ServerTime returns the latest server time seen, or the zero time before
// the first response.
func (c *ServerClock) ServerTime() time.Time {
	if s := c.latest.Load(); s != 0 {
		return time.Unix(s, 0)
	}
	return time.Time{}
}

// Transport wraps rt (nil: a copy of http.DefaultTransport keeping up to
// 100 idle connections to the host, the domain's cap of requests in
// flight) so that every response's Date is seen.
func (c *ServerClock) Transport(rt http.RoundTripper) http.RoundTripper {
	if rt == nil {
		t := http.DefaultTransport.(*http.Transport).Clone()
		t.MaxIdleConnsPerHost = 100
		rt = t
	}
	return clockTransport{c: c, rt: rt}
}

type clockTransport struct {
	c  *ServerClock
	rt http.RoundTripper
}

func (t clockTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := t.rt.RoundTrip(req)
	if err == nil {
		if d, perr := http.ParseTime(resp.Header.Get("Date")); perr == nil {
			for s := d.Unix(); ; {
				old := t.c.latest.Load()
				if s <= old || t.c.latest.CompareAndSwap(old, s) {
					break
				}
			}
		}
	}
	return resp, err
}
