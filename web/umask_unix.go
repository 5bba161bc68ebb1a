//go:build unix

package web

import "syscall"

// PrivateFiles makes every file the process creates from now on (the
// uploaded file, reports, the importer's send log) readable by this user
// only: they hold people's data. `userimport serve` calls it once at
// start; it changes the process's umask, so a library user decides.
func PrivateFiles() { syscall.Umask(0o077) }
