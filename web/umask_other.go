//go:build !unix

package web

// PrivateFiles has nothing to do where there is no umask: the files the
// server writes itself are created with mode 0600 regardless.
func PrivateFiles() {}
