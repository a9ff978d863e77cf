// Package produce implements the `kafkit produce` command family.
package produce
