// Package consume implements the `kafkit consume` command family.
package consume
