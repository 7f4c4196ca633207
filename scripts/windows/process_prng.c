/*
 * bcryptprimitives.dll for Wine 8, which has none: every Rust 1.78+ Windows binary imports
 * ProcessPrng from it and exits at once with status 53 without it. This one exports ProcessPrng
 * over BCryptGenRandom, the system RNG that Wine does have. scripts/windows.sh builds it with
 * mingw and places it in the Wine prefix's system32; it is never needed on real Windows.
 */
#include <windows.h>
#include <bcrypt.h>

__declspec(dllexport) BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T len)
{
    while (len > 0) {
        ULONG chunk = len > 0x40000000 ? 0x40000000 : (ULONG)len;
        if (BCryptGenRandom(NULL, data, chunk, BCRYPT_USE_SYSTEM_PREFERRED_RNG) != 0)
            return FALSE;
        data += chunk;
        len -= chunk;
    }
    return TRUE;
}
