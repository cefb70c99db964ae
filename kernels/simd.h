/* Hot loops written in C so the portable build can still use AVX2 where the CPU has it:
 * GCC's target_clones compiles an AVX2 and a baseline version and picks one at load time.
 * Native builds (ENGINE_NATIVE=1) and other compilers get the plain loop. */
#ifndef ENGINE_SIMD_H
#define ENGINE_SIMD_H

#include <stddef.h>
#include <stdint.h>

#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__) && !defined(ENGINE_NATIVE_BUILD)
#define ENGINE_CLONES __attribute__((target_clones("avx2", "default")))
#else
#define ENGINE_CLONES
#endif

/* o = round(a * (1 - w / 65536) + b * w / 65536), w in [0, 65536]: exact at both ends, within
 * 1 LSB of round(a + (b - a) * p) for w = round(p * 65536); fits uint32 arithmetic. */
ENGINE_CLONES static void engine_crossfade_span(const uint16_t *restrict a, const uint16_t *restrict b,
                                                uint16_t *restrict o, ptrdiff_t n, uint32_t w)
{
    const uint32_t wa = 65536u - w;
    for (ptrdiff_t i = 0; i < n; i++)
        o[i] = (uint16_t)(((uint32_t)a[i] * wa + (uint32_t)b[i] * w + 32768u) >> 16);
}

#endif
