package report

import (
	"bytes"
	"errors"
	"fmt"
	"io"
)

// flushThreshold is how many bytes of whole rows are buffered before they
// are written without waiting for Flush.
const flushThreshold = 64 << 10

// lineSink buffers whole report lines and writes them to dst only at line
// boundaries. A bufio.Writer would flush whenever its buffer fills, in the
// middle of a row, and a crash there leaves a torn last line; here every
// write(2) ends with a newline, so a killed process leaves a report whose
// every line is complete. (Read also ignores an unterminated last line, for
// the cases no writer can prevent: power loss, a full disk.)
type lineSink struct {
	dst    io.Writer
	closer io.Closer // the file Create opened, or nil
	buf    bytes.Buffer
	err    error // first write error; sticky, as a report with a hole is worse than one that stops short
	closed bool
}

// rowDone is called after each whole row has been appended to buf.
func (s *lineSink) rowDone() error {
	if s.buf.Len() >= flushThreshold {
		return s.flush()
	}
	return nil
}

func (s *lineSink) flush() error {
	if s.err != nil {
		return s.err
	}
	if s.buf.Len() == 0 {
		return nil
	}
	if _, err := s.dst.Write(s.buf.Bytes()); err != nil {
		s.err = fmt.Errorf("write report: %w", err)
		return s.err
	}
	s.buf.Reset()
	return nil
}

func (s *lineSink) check() error {
	if s.closed {
		return ErrClosed
	}
	return s.err
}

// close flushes and closes the file that Create opened. It is idempotent so
// that a deferred Close after an explicit one is harmless.
func (s *lineSink) close() error {
	if s.closed {
		return nil
	}
	s.closed = true
	err := s.flush()
	if s.closer != nil {
		if cerr := s.closer.Close(); cerr != nil {
			err = errors.Join(err, fmt.Errorf("close report: %w", cerr))
		}
	}
	return err
}
