/*
** jalali.c — Jalali (Solar Hijri) dates, through ICU's Persian calendar.
**
** Conversions go through ICU: a Persian and a Gregorian UCalendar, both in
** UTC (dates carry no time, so no zone may shift them), and a Persian
** calendar in Asia/Tehran for "today" and for showing UTC instants. Opening
** a UCalendar is slow, so each thread keeps its own three, created on first
** use and closed when the thread exits.
*/
#include "jalali.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unicode/ucal.h>
#include <unicode/ustring.h>

#include "mem.h"
#include "text.h"

/* Years accepted on either calendar (ICU goes further; people do not). */
#define JALALI_YEAR_MIN 1
#define JALALI_YEAR_MAX 9999

/* One thread's calendars. */
typedef struct JalaliCals {
  UCalendar *pPersian;   /* Persian calendar, UTC */
  UCalendar *pGreg;      /* proleptic Gregorian calendar, UTC */
  UCalendar *pTehran;    /* Persian calendar, Asia/Tehran */
} JalaliCals;

static pthread_key_t jalaliKey;
static pthread_once_t jalaliOnce = PTHREAD_ONCE_INIT;

static const char *const azMonth[12] = {
  "فروردین", "اردیبهشت", "خرداد", "تیر", "مرداد", "شهریور",
  "مهر", "آبان", "آذر", "دی", "بهمن", "اسفند",
};

/*
** Thread-exit destructor: close one thread's calendars.
*/
static void jalali_cals_free(void *pArg){
  JalaliCals *p = pArg;
  ucal_close(p->pPersian);
  ucal_close(p->pGreg);
  ucal_close(p->pTehran);
  free(p);
}

/*
** Create the thread-specific key (once per process).
*/
static void jalali_key_init(void){
  if( pthread_key_create(&jalaliKey, jalali_cals_free) ) abort();
}

/*
** Open a UCalendar for zLocale in zone zZone. Aborts if ICU cannot (its
** data is part of the installation, so this is a broken install).
*/
static UCalendar *jalali_cal_open(const char *zLocale, const char *zZone){
  UChar aZone[64];
  UErrorCode rc = U_ZERO_ERROR;
  UCalendar *pCal;
  u_uastrcpy(aZone, zZone);
  pCal = ucal_open(aZone, -1, zLocale, UCAL_DEFAULT, &rc);
  if( U_FAILURE(rc) ){
    fprintf(stderr, "pishkhan: ICU cannot open calendar %s: %s\n", zLocale,
            u_errorName(rc));
    abort();
  }
  return pCal;
}

/*
** Return this thread's calendars, creating them on first use.
*/
static JalaliCals *jalali_cals(void){
  JalaliCals *p;
  pthread_once(&jalaliOnce, jalali_key_init);
  p = pthread_getspecific(jalaliKey);
  if( p==0 ){
    UErrorCode rc = U_ZERO_ERROR;
    p = xmalloc(sizeof(*p));
    p->pPersian = jalali_cal_open("fa_IR@calendar=persian", "UTC");
    p->pGreg = jalali_cal_open("en_US@calendar=gregorian", "UTC");
    p->pTehran = jalali_cal_open("fa_IR@calendar=persian", "Asia/Tehran");
    /* Proleptic Gregorian: no Julian dates before 1582. */
    ucal_setGregorianChange(p->pGreg, -8.64e15, &rc);
    if( pthread_setspecific(jalaliKey, p) ) abort();
  }
  return p;
}

/*
** Return 1 if Gregorian year y is a leap year.
*/
static int greg_is_leap(int y){
  return (y%4==0 && y%100!=0) || y%400==0;
}

/*
** Days in Gregorian month m of year y, or 0 for a month out of 1..12.
*/
static int greg_month_days(int y, int m){
  static const int aDays[12] = {31,28,31,30,31,30,31,31,30,31,30,31};
  if( m<1 || m>12 ) return 0;
  return m==2 && greg_is_leap(y) ? 29 : aDays[m-1];
}

/*
** Set pCal (already cleared) to noon of the date y/m/d in its own
** calendar system. ICU months are 0-based.
*/
static void jalali_cal_set(UCalendar *pCal, int y, int m, int d){
  ucal_clear(pCal);
  ucal_set(pCal, UCAL_EXTENDED_YEAR, y);
  ucal_set(pCal, UCAL_MONTH, m - 1);
  ucal_set(pCal, UCAL_DATE, d);
  ucal_set(pCal, UCAL_HOUR_OF_DAY, 12);
}

/*
** Read the date of pCal into *pD. Returns 0, or -1 if ICU fails.
*/
static int jalali_cal_get(UCalendar *pCal, Date *pD){
  UErrorCode rc = U_ZERO_ERROR;
  pD->y = ucal_get(pCal, UCAL_EXTENDED_YEAR, &rc);
  pD->m = ucal_get(pCal, UCAL_MONTH, &rc) + 1;
  pD->d = ucal_get(pCal, UCAL_DATE, &rc);
  return U_FAILURE(rc) ? -1 : 0;
}

/*
** Days in Jalali month m of year y: 31 for months 1-6, 30 for 7-11, and
** 29 or 30 for Esfand as ICU's Persian calendar says. Returns 0 for a
** month or year out of range.
*/
int jalali_month_days(int y, int m){
  JalaliCals *p;
  UErrorCode rc = U_ZERO_ERROR;
  int n;
  if( m<1 || m>12 || y<JALALI_YEAR_MIN || y>JALALI_YEAR_MAX ) return 0;
  if( m<=6 ) return 31;
  if( m<=11 ) return 30;
  p = jalali_cals();
  jalali_cal_set(p->pPersian, y, 12, 1);
  n = ucal_getLimit(p->pPersian, UCAL_DATE, UCAL_ACTUAL_MAXIMUM, &rc);
  return U_FAILURE(rc) ? 0 : n;
}

/*
** Return 1 if Jalali year y is a leap year (Esfand has 30 days), else 0.
*/
int jalali_is_leap(int y){
  return jalali_month_days(y, 12)==30;
}

/*
** Return 1 if j is a possible Jalali date in the supported years.
*/
static int jalali_valid(Date j){
  int n = jalali_month_days(j.y, j.m);
  return n>0 && j.d>=1 && j.d<=n;
}

/*
** Convert Jalali j to Gregorian *pG. Returns 0, or -1 (and *pG untouched)
** for an impossible date or a year outside 1..9999.
*/
int jalali_to_gregorian(Date j, Date *pG){
  JalaliCals *p;
  UErrorCode rc = U_ZERO_ERROR;
  UDate t;
  Date g;
  if( !jalali_valid(j) ) return -1;
  p = jalali_cals();
  jalali_cal_set(p->pPersian, j.y, j.m, j.d);
  t = ucal_getMillis(p->pPersian, &rc);
  ucal_setMillis(p->pGreg, t, &rc);
  if( U_FAILURE(rc) || jalali_cal_get(p->pGreg, &g) ) return -1;
  *pG = g;
  return 0;
}

/*
** Convert Gregorian g to Jalali *pJ. Returns 0, or -1 (and *pJ untouched)
** for an impossible date or a year outside 1..9999.
*/
int jalali_from_gregorian(Date g, Date *pJ){
  JalaliCals *p;
  UErrorCode rc = U_ZERO_ERROR;
  UDate t;
  Date j;
  if( g.y<JALALI_YEAR_MIN || g.y>JALALI_YEAR_MAX ) return -1;
  if( g.d<1 || g.d>greg_month_days(g.y, g.m) ) return -1;
  p = jalali_cals();
  jalali_cal_set(p->pGreg, g.y, g.m, g.d);
  t = ucal_getMillis(p->pGreg, &rc);
  ucal_setMillis(p->pPersian, t, &rc);
  if( U_FAILURE(rc) || jalali_cal_get(p->pPersian, &j) ) return -1;
  *pJ = j;
  return 0;
}

/*
** Read 1 to nMax ASCII digits from *pz into *pV and advance *pz. Returns
** the number of digits read (0 if none).
*/
static int jalali_num(const char **pz, int nMax, int *pV){
  const char *z = *pz;
  int n = 0, v = 0;
  while( n<nMax && z[n]>='0' && z[n]<='9' ){
    v = v*10 + (z[n] - '0');
    n++;
  }
  *pz = z + n;
  *pV = v;
  return n;
}

/*
** Parse a Jalali date typed by a person: "1399/07/14", "۱۳۹۹/۰۷/۱۴",
** "1399-07-14", with one- or two-digit month and day, a four-digit year,
** the same separator twice, and surrounding space. Validates the month
** length. Returns 0 and sets *pJ, or -1.
*/
int jalali_parse(const char *z, Date *pJ){
  char *zNorm = z ? text_normalize_dup(z) : 0;
  const char *zP = zNorm;
  Date j;
  char cSep;
  int rc = -1;
  if( zP==0 ) goto done;
  if( jalali_num(&zP, 4, &j.y)!=4 ) goto done;
  cSep = *zP;
  if( cSep!='/' && cSep!='-' ) goto done;
  zP++;
  if( jalali_num(&zP, 2, &j.m)==0 || *zP!=cSep ) goto done;
  zP++;
  if( jalali_num(&zP, 2, &j.d)==0 || *zP!=0 ) goto done;
  if( !jalali_valid(j) ) goto done;
  *pJ = j;
  rc = 0;
done:
  free(zNorm);
  return rc;
}

/*
** Parse a Jalali date (as jalali_parse) and return the Gregorian ISO text
** "YYYY-MM-DD" in a fresh heap string (caller frees), or NULL if invalid.
*/
char *jalali_to_iso(const char *z){
  Date j, g;
  if( jalali_parse(z, &j) || jalali_to_gregorian(j, &g) ) return 0;
  return xsprintf("%04d-%02d-%02d", g.y, g.m, g.d);
}

/*
** Parse the date part "YYYY-MM-DD" of ISO text z. What follows it must be
** the end, 'T' or ' '; a time after that is not examined. Validates the
** Gregorian month length. Returns 0 and sets *pG, or -1.
*/
int iso_parse(const char *z, Date *pG){
  const char *zP = z;
  Date g;
  if( z==0 ) return -1;
  if( jalali_num(&zP, 4, &g.y)!=4 || *zP++!='-' ) return -1;
  if( jalali_num(&zP, 2, &g.m)!=2 || *zP++!='-' ) return -1;
  if( jalali_num(&zP, 2, &g.d)!=2 ) return -1;
  if( *zP!=0 && *zP!='T' && *zP!=' ' ) return -1;
  if( g.y<JALALI_YEAR_MIN || g.d<1 || g.d>greg_month_days(g.y, g.m) ) return -1;
  *pG = g;
  return 0;
}

/*
** Append j as "1399/07/14", in Persian digits when bPersian is set.
*/
void jalali_format(Buf *pOut, Date j, int bPersian){
  char zDate[40];
  snprintf(zDate, sizeof(zDate), "%04d/%02d/%02d", j.y, j.m, j.d);
  if( bPersian ){
    text_persian_digits(pOut, zDate);
  }else{
    buf_puts(pOut, zDate);
  }
}

/*
** Parse the time part of ISO text after the date: "HH:MM", optional
** ":SS" and fraction, then nothing, "Z", or an offset "+HH:MM" / "+HHMM" /
** "+HH". Sets *pH, *pMin, the seconds *pS, and *pOff to the offset from
** UTC in minutes; *pbInstant is 1 when a zone was given. Returns 0 or -1.
*/
static int iso_parse_time(const char *z, int *pH, int *pMin, int *pS,
                          int *pOff, int *pbInstant){
  int h, mi, s = 0, oh = 0, om = 0;
  char cSign;
  if( jalali_num(&z, 2, &h)!=2 || *z++!=':' ) return -1;
  if( jalali_num(&z, 2, &mi)!=2 ) return -1;
  if( *z==':' ){
    z++;
    if( jalali_num(&z, 2, &s)!=2 ) return -1;
    if( *z=='.' || *z==',' ){
      z++;
      if( *z<'0' || *z>'9' ) return -1;
      while( *z>='0' && *z<='9' ) z++;
    }
  }
  if( h>23 || mi>59 || s>60 ) return -1;
  *pH = h;
  *pMin = mi;
  *pS = s;
  *pOff = 0;
  *pbInstant = 0;
  if( *z==0 ) return 0;
  if( (*z=='Z' || *z=='z') && z[1]==0 ){
    *pbInstant = 1;
    return 0;
  }
  cSign = *z++;
  if( cSign!='+' && cSign!='-' ) return -1;
  if( jalali_num(&z, 2, &oh)!=2 ) return -1;
  if( *z==':' ) z++;
  if( *z && jalali_num(&z, 2, &om)!=2 ) return -1;
  if( *z || oh>14 || om>59 ) return -1;
  *pOff = (cSign=='-' ? -1 : 1) * (oh*60 + om);
  *pbInstant = 1;
  return 0;
}

/*
** Append ISO Gregorian zIso as Jalali: "۱۳۹۹/۰۷/۱۴" for a date alone and
** "۱۳۹۹/۰۷/۱۴ ۱۱:۵۰" with a time. A time with a zone ('Z' or an offset)
** is an instant and is shown in Asia/Tehran; a time without one is shown
** as written. Returns 0, or -1 (nothing appended) if zIso does not parse.
*/
int jalali_format_iso(Buf *pOut, const char *zIso, int bPersian){
  Date g, j;
  int h, mi, s, nOff, bInstant;
  char zTime[16];
  if( iso_parse(zIso, &g) ) return -1;
  if( zIso[10]==0 ){
    if( jalali_from_gregorian(g, &j) ) return -1;
    jalali_format(pOut, j, bPersian);
    return 0;
  }
  if( iso_parse_time(zIso + 11, &h, &mi, &s, &nOff, &bInstant) ) return -1;
  if( bInstant ){
    JalaliCals *p = jalali_cals();
    UErrorCode rc = U_ZERO_ERROR;
    UDate t;
    if( g.y>JALALI_YEAR_MAX ) return -1;
    ucal_clear(p->pGreg);
    ucal_set(p->pGreg, UCAL_EXTENDED_YEAR, g.y);
    ucal_set(p->pGreg, UCAL_MONTH, g.m - 1);
    ucal_set(p->pGreg, UCAL_DATE, g.d);
    ucal_set(p->pGreg, UCAL_HOUR_OF_DAY, h);
    ucal_set(p->pGreg, UCAL_MINUTE, mi);
    ucal_set(p->pGreg, UCAL_SECOND, s>59 ? 59 : s);
    t = ucal_getMillis(p->pGreg, &rc) - (UDate)nOff * 60000.0;
    ucal_setMillis(p->pTehran, t, &rc);
    if( U_FAILURE(rc) || jalali_cal_get(p->pTehran, &j) ) return -1;
    h = ucal_get(p->pTehran, UCAL_HOUR_OF_DAY, &rc);
    mi = ucal_get(p->pTehran, UCAL_MINUTE, &rc);
    if( U_FAILURE(rc) ) return -1;
  }else if( jalali_from_gregorian(g, &j) ){
    return -1;
  }
  jalali_format(pOut, j, bPersian);
  snprintf(zTime, sizeof(zTime), " %02d:%02d", h, mi);
  if( bPersian ){
    text_persian_digits(pOut, zTime);
  }else{
    buf_puts(pOut, zTime);
  }
  return 0;
}

/*
** Persian name of Jalali month m (1..12), or "" when m is out of range.
*/
const char *jalali_month_name(int m){
  return m>=1 && m<=12 ? azMonth[m-1] : "";
}

/*
** Store today's date in Asia/Tehran, as Jalali, in *pJ.
*/
void jalali_today(Date *pJ){
  JalaliCals *p = jalali_cals();
  UErrorCode rc = U_ZERO_ERROR;
  ucal_setMillis(p->pTehran, ucal_getNow(), &rc);
  if( U_FAILURE(rc) || jalali_cal_get(p->pTehran, pJ) ) abort();
}
