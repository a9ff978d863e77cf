// Package topic implements the `kafkit topic` command family.
package topic
