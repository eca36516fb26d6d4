/*
** text.h — UTF-8 and Persian text: validation, normalisation, digits.
**
** DESIGN.md §4: Arabic ي ك become Persian ی ک; Persian (U+06F0..9) and
** Arabic-Indic (U+0660..9) digits become ASCII where a number or code is
** expected; surrounding white space (ASCII and U+00A0, U+200F RLM, U+200E LRM,
** U+FEFF) is trimmed; ZWNJ (U+200C) is kept; broken UTF-8 is rejected.
*/
#ifndef PK_TEXT_H
#define PK_TEXT_H
#include <stddef.h>
#include "buf.h"

/* Return 1 if z[0..n) is valid UTF-8 (no overlongs, no surrogates,
** nothing above U+10FFFF), else 0. */
int text_utf8_valid(const char *z, size_t n);

/* Normalise free text (names, addresses, search queries): Arabic letters to
** Persian (ي ى → ی, ك → ک, also ة kept, ۀ kept), all digits to ASCII,
** runs of white space inside collapsed to one ASCII space, surrounding
** space trimmed, ZWNJ kept; the invisible marks LRM, RLM and U+FEFF are
** dropped wherever they stand. Appends to pOut. Returns 0, or -1 on broken
** UTF-8 or a NUL byte (pOut then unchanged). */
int text_normalize(const char *z, size_t n, Buf *pOut);

/* Same as text_normalize into a fresh heap string, or NULL on broken UTF-8. */
char *text_normalize_dup(const char *z);

/* Normalise a code or number field: text_normalize, then require that the
** result is non-empty ASCII. Returns heap string or NULL. */
char *text_code_dup(const char *z);

/* Append z with ASCII digits 0-9 replaced by Persian digits ۰-۹ (and '.'
** left alone). For showing numbers on pages. */
void text_persian_digits(Buf *pOut, const char *z);

/* Append the integer v in Persian digits, with the Persian thousands
** separator '٬' when bGroup is set (e.g. ۷٬۹۴۳). Negative gets '−' prefix. */
void text_persian_int(Buf *pOut, long long v, int bGroup);

/* Parse a whole decimal integer after digit normalisation (Persian digits
** accepted, surrounding space trimmed). Returns 0 and sets *pV, or -1. */
int text_parse_int(const char *z, long long *pV);

/* Parse a decimal number after digit normalisation: optional sign, digits,
** optional fraction after '.' or the Persian decimal separator '٫' (U+066B);
** '/' is NOT accepted as a separator, nor exponents, inf or nan.
** Returns 0 and sets *pV, or -1. */
int text_parse_double(const char *z, double *pV);

/* Mask personal data for lists: keep the last 4 characters (code points),
** replace the rest by '*'. "0012345678" -> "******5678". Appends. */
void text_mask(Buf *pOut, const char *z);

#endif
