/*
 * What libFuzzer calls in each fuzz target (fuzz/fuzz-*.c): the prototypes
 * its driver expects, so the targets build with the project's warnings.
 */
#ifndef FUZZ_H
#define FUZZ_H

#include <stddef.h>
#include <stdint.h>

/* Once, before the first input: set up what every input shares. */
int	LLVMFuzzerInitialize(int *argc, char ***argv);
/* One input; returns 0 (anything else is reserved by libFuzzer). */
int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#endif
