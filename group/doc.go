// Package group implements the `kafkit group` command family.
package group
