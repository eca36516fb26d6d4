/*
** jalali.h — Jalali (Solar Hijri) dates, through ICU's Persian calendar.
**
** Storage is ISO-8601 Gregorian text "YYYY-MM-DD"; people read and type
** Jalali. Parsing accepts "1399/07/14", "۱۳۹۹/۰۷/۱۴", "1399-07-14" (and
** one-digit month/day). 1399 and 1403 are leap years (Esfand has 30 days).
*/
#ifndef PK_JALALI_H
#define PK_JALALI_H
#include "buf.h"

typedef struct Date { int y, m, d; } Date;

/* Jalali -> Gregorian and back. Return 0, or -1 for an impossible date
** (month out of 1..12, day out of the month's length, year out of 1..9999). */
int jalali_to_gregorian(Date j, Date *pG);
int jalali_from_gregorian(Date g, Date *pJ);

/* Days in Jalali month m of year y (29..31), or 0 if m or y is out of range. */
int jalali_month_days(int y, int m);
int jalali_is_leap(int y);

/* Parse a Jalali date as typed by a person (see above) into *pJ. Validates
** the month length. Returns 0 or -1. */
int jalali_parse(const char *z, Date *pJ);

/* Parse a Jalali date and return the Gregorian ISO text "YYYY-MM-DD" in a
** fresh heap string, or NULL if invalid. */
char *jalali_to_iso(const char *z);

/* Parse ISO "YYYY-MM-DD" (optionally followed by 'T' or ' ' and a time,
** which is ignored). Returns 0 or -1. */
int iso_parse(const char *z, Date *pG);

/* Format a Jalali date as "۱۳۹۹/۰۷/۱۴" (bPersian) or "1399/07/14". */
void jalali_format(Buf *pOut, Date j, int bPersian);

/* Format an ISO Gregorian date/time text as Jalali: "۱۳۹۹/۰۷/۱۴" for a date,
** and "۱۳۹۹/۰۷/۱۴ ۱۱:۵۰" when zIso carries a time (shown in Asia/Tehran
** local time when it ends in 'Z'). Appends nothing and returns -1 if zIso
** does not parse. */
int jalali_format_iso(Buf *pOut, const char *zIso, int bPersian);

/* Persian month name, m in 1..12 ("فروردین" ... "اسفند"). */
const char *jalali_month_name(int m);

/* Today's date in Asia/Tehran, as Jalali. */
void jalali_today(Date *pJ);

#endif
