// A tiny program for the multi-stage example: the builder stage compiles it,
// the runtime stage ships only the binary.
package main

import "fmt"

func main() {
	fmt.Println("hello from a two-stage build")
}
